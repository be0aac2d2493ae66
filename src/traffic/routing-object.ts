// Reading and writing the routing objects a router drives: required reads with clear errors, and guarded JSON patches.
//
// Routers change only the fields Vane owns. A JSON patch carries `test` operations on the array positions it edits,
// so a concurrent edit that moved or renamed them makes the API refuse the whole patch (nothing is half-applied)
// instead of Vane writing a weight into someone else's backend.
import { TerminalError, VaneError } from '../errors.js';
import { KubeApiError } from '../kube/kube-api-error.js';
import type { LiveReader, ObjectWriter } from '../kube/kube-client.js';
import type { KubeObject } from '../kube/kube-object.js';
import type { ResourceKind } from '../kube/resource-kind.js';
import type { OwnerReference } from '../resources/meta.js';
import type { Rollout } from '../resources/rollout.js';

export type JsonPatchOp =
  | { op: 'test'; path: string; value: unknown }
  | { op: 'add' | 'replace'; path: string; value: unknown }
  | { op: 'remove'; path: string };

export interface RouterDeps {
  reader: LiveReader;
  writer: ObjectWriter;
}

/** What the apiserver answers when a JSON patch does not apply (a failed `test`, a missing path). */
const PATCH_NOT_APPLICABLE = 'the server rejected our request due to an error in our request';

/** `Kind namespace/name`, the way every router message names an object. */
export function describeObject(kind: ResourceKind, namespace: string, name: string): string {
  return `${kind.kind} ${namespace}/${name}`;
}

/** Reads an object the Rollout references; a missing one is terminal until someone creates it. */
export async function readRequired<T extends KubeObject>(reader: LiveReader, kind: ResourceKind, namespace: string, name: string, referencedBy: string): Promise<T> {
  const found = await reader.get<T>(kind, namespace, name);
  if (!found) throw new TerminalError(`${describeObject(kind, namespace, name)} not found (referenced by ${referencedBy})`, { code: 'NotFound' });
  return found;
}

/** True when the patch would change something: a patch of only `test` operations is not written. */
export function changes(ops: readonly JsonPatchOp[]): boolean {
  return ops.some((op) => op.op !== 'test');
}

/**
 * Applies a JSON patch whose `test` operations guard the positions it edits. Writes nothing when the patch only
 * tests. A patch the API refuses because a guarded position changed underneath is a Conflict (retry after a fresh
 * read), not a bad spec.
 */
export async function applyGuardedPatch(writer: ObjectWriter, kind: ResourceKind, namespace: string, name: string, ops: readonly JsonPatchOp[]): Promise<boolean> {
  if (!changes(ops)) return false;
  try {
    await writer.patch(kind, namespace, name, ops, 'json');
  } catch (err) {
    if (err instanceof KubeApiError && err.status === 422 && err.apiStatus?.message === PATCH_NOT_APPLICABLE) {
      const detail = err.apiStatus.details?.causes?.[0]?.message ?? 'a guarded field changed';
      throw new VaneError('Conflict', `${describeObject(kind, namespace, name)} changed while Vane was writing it (${detail}); retrying from a fresh read`, { cause: err });
    }
    throw err;
  }
  return true;
}

/** Where a stable/canary pair of weighted entries sits in a list (backendRefs, Istio route destinations). */
export interface WeightPair {
  stableIndex: number;
  canaryIndex: number;
}

/**
 * The ops that give the pair at `base/<index>` the weights for `canaryPercent`. Each entry is first tested to be the
 * one read (`guard`), so a list that moved underneath fails the patch; a weight already in place is not written.
 */
export function pairWeightOps(
  base: string,
  weights: ReadonlyArray<number | undefined>,
  pair: WeightPair,
  canaryPercent: number,
  guard: (index: number) => JsonPatchOp,
  /** Percent held by other destinations Vane leaves alone (Istio additionalSubsetNames); it comes out of stable's share. */
  reserved = 0,
): JsonPatchOp[] {
  const ops: JsonPatchOp[] = [];
  const set = (index: number, weight: number): void => {
    ops.push(guard(index));
    if (weights[index] !== weight) ops.push({ op: 'add', path: `${base}/${index}/weight`, value: weight });
  };
  set(pair.stableIndex, 100 - canaryPercent - reserved);
  set(pair.canaryIndex, canaryPercent);
  return ops;
}

/** The reference that makes an object Vane creates belong to the Rollout (garbage-collected with it). */
export function rolloutOwnerReference(rollout: Rollout): OwnerReference {
  const { name, uid } = rollout.metadata;
  if (!name || !uid) throw new TerminalError(`Rollout ${rollout.metadata.namespace ?? ''}/${name ?? ''} has no uid: cannot own routing objects`);
  return { apiVersion: 'vane.dev/v1alpha1', kind: 'Rollout', name, uid, controller: true, blockOwnerDeletion: true };
}

export function isOwnedBy(obj: KubeObject, owner: OwnerReference): boolean {
  return (obj.metadata.ownerReferences ?? []).some((ref) => ref.uid === owner.uid && ref.kind === owner.kind);
}

/** A canary share as the integer percent every provider writes; anything else is a bad step. */
export function checkPercent(canaryPercent: number, what: string): number {
  if (!Number.isInteger(canaryPercent) || canaryPercent < 0 || canaryPercent > 100) {
    throw new TerminalError(`${what}: canary weight ${canaryPercent} is not an integer percent between 0 and 100`);
  }
  return canaryPercent;
}

/** The one value all live readings agree on, or undefined when they differ or there are none. */
export function agreed(values: ReadonlyArray<number | undefined>): number | undefined {
  const first = values[0];
  return values.length > 0 && values.every((v) => v === first) ? first : undefined;
}

/** The percent of requests `canary` receives out of a stable/canary weight pair (undefined when both are 0). */
export function percentOf(stable: number, canary: number): number | undefined {
  const total = stable + canary;
  return total > 0 ? Math.round((canary * 100) / total) : undefined;
}

/** A regular expression matching strings that start with `prefix`, for data planes without prefix header matches. */
export function prefixPattern(prefix: string): string {
  return `^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}.*`;
}
