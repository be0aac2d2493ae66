// Role metadata on pods (Argo docs features/ephemeral-metadata.md): the canary's (preview's) and the stable's
// (active's) labels and annotations go on the pod template of the ReplicaSet in that role and on its running pods,
// and move when the role does; what was put on a ReplicaSet is recorded on it so that only that is ever taken off.
import type { LiveReader, ObjectWriter } from '../kube/kube-client.js';
import { isNotFound } from '../kube/kube-api-error.js';
import type { KubeObject } from '../kube/kube-object.js';
import type { PodTemplateSpec } from '../resources/meta.js';
import { Kinds } from '../kube/resource-kind.js';
import { POD_TEMPLATE_HASH_LABEL } from '../resources/pod-template-hash.js';
import { hashOf, type ReplicaSetObject } from '../resources/replica-set.js';
import type { EphemeralMetadata, Rollout } from '../resources/rollout.js';

/** On a ReplicaSet: the role metadata (JSON) Vane put on its pod template. */
export const EPHEMERAL_METADATA_ANNOTATION = 'vane.dev/ephemeral-metadata';

interface Metadata {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** A merge patch of labels and annotations: null removes a key. */
export interface MetadataPatch {
  labels: Record<string, string | null>;
  annotations: Record<string, string | null>;
}

/**
 * The role metadata each revision's pods should carry: while a release is under way the current revision has the
 * canary's (preview's) and the stable the stable's (active's); once the current revision is stable it has the
 * stable's; every other revision has none. Undefined when the Rollout configures none.
 */
export function roleMetadata(rollout: Rollout, currentHash: string, stableHash: string): ((hash: string) => EphemeralMetadata | undefined) | undefined {
  const { canary, blueGreen } = rollout.spec.strategy;
  const newcomer = canary ? canary.canaryMetadata : blueGreen?.previewMetadata;
  const stable = canary ? canary.stableMetadata : blueGreen?.activeMetadata;
  if (newcomer === undefined && stable === undefined) return undefined;
  const released = stableHash === '' || stableHash === currentHash;
  return (hash) => {
    if (hash === currentHash) return released ? stable : newcomer;
    return hash === stableHash ? stable : undefined;
  };
}

/** What a ReplicaSet's annotation says was put on its pods; a record that cannot be read counts as none. */
export function injectedMetadata(rs: ReplicaSetObject): EphemeralMetadata | undefined {
  const text = rs.metadata.annotations?.[EPHEMERAL_METADATA_ANNOTATION];
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as EphemeralMetadata;
  } catch {
    return undefined;
  }
}

/**
 * The change that puts `desired` on `current` and takes off what was `injected` and is no longer desired, keeping
 * everything else (other controllers' labels, the template's own); undefined when nothing changes.
 */
export function metadataPatch(current: Metadata, injected: EphemeralMetadata | undefined, desired: EphemeralMetadata | undefined): MetadataPatch | undefined {
  const labels = mapPatch(current.labels ?? {}, injected?.labels ?? {}, desired?.labels ?? {});
  const annotations = mapPatch(current.annotations ?? {}, injected?.annotations ?? {}, desired?.annotations ?? {});
  return Object.keys(labels).length === 0 && Object.keys(annotations).length === 0 ? undefined : { labels, annotations };
}

function mapPatch(current: Record<string, string>, injected: Record<string, string>, desired: Record<string, string>): Record<string, string | null> {
  const patch: Record<string, string | null> = {};
  for (const [key, value] of Object.entries(desired)) if (current[key] !== value) patch[key] = value;
  for (const key of Object.keys(injected)) if (!(key in desired) && key in current) patch[key] = null;
  return patch;
}

/** `metadata` with the patch applied: the pod template a new ReplicaSet starts with. */
export function applyMetadataPatch<T extends Metadata>(metadata: T, patch: MetadataPatch | undefined): T {
  if (patch === undefined) return metadata;
  const apply = (map: Record<string, string> | undefined, changes: Record<string, string | null>): Record<string, string> => {
    const out = { ...(map ?? {}) };
    for (const [key, value] of Object.entries(changes)) {
      if (value === null) delete out[key];
      else out[key] = value;
    }
    return out;
  };
  const annotations = apply(metadata.annotations, patch.annotations);
  return { ...metadata, labels: apply(metadata.labels, patch.labels), ...(Object.keys(annotations).length > 0 ? { annotations } : {}) };
}

/**
 * The ReplicaSet's pod template as its revision has it, without the role metadata put on it: what a git revert
 * compares and an experiment copies (the role is not part of the revision).
 */
export function revisionTemplate(rs: ReplicaSetObject): PodTemplateSpec | undefined {
  const template = rs.spec?.template;
  if (template === undefined) return undefined;
  const patch = metadataPatch(template.metadata ?? {}, injectedMetadata(rs), undefined);
  return patch === undefined ? template : { ...template, metadata: applyMetadataPatch(template.metadata ?? {}, patch) };
}

/** The annotation value recording `desired` (null, which removes it, when there is none). */
export function injectedRecord(desired: EphemeralMetadata | undefined): string | null {
  return desired === undefined ? null : JSON.stringify(desired);
}

/**
 * Brings every ReplicaSet's pod template and running pods to the metadata of its role. The ReplicaSet first, so
 * that pods it creates meanwhile are already right; the pods always, so that a pass that stopped between the two
 * (or a pod created from the old template) is put right by the next.
 */
export async function syncRoleMetadata(
  client: LiveReader & ObjectWriter,
  replicaSets: ReplicaSetObject[],
  desiredFor: ((hash: string) => EphemeralMetadata | undefined) | undefined,
): Promise<void> {
  if (desiredFor === undefined && !replicaSets.some((rs) => injectedMetadata(rs) !== undefined)) return;
  for (const rs of replicaSets) {
    const desired = desiredFor?.(hashOf(rs) ?? '');
    const injected = injectedMetadata(rs);
    const patch = metadataPatch(rs.spec?.template?.metadata ?? {}, injected, desired);
    if (patch !== undefined) {
      const annotations = { [EPHEMERAL_METADATA_ANNOTATION]: injectedRecord(desired) };
      await client.patch(Kinds.ReplicaSet, rs.metadata.namespace, rs.metadata.name ?? '', { metadata: { annotations }, spec: { template: { metadata: patch } } }, 'merge');
    }
    if ((rs.spec?.replicas ?? 0) > 0) await syncPods(client, rs, injected, desired);
  }
}

async function syncPods(client: LiveReader & ObjectWriter, rs: ReplicaSetObject, injected: EphemeralMetadata | undefined, desired: EphemeralMetadata | undefined): Promise<void> {
  const { items } = await client.list<KubeObject>(Kinds.Pod, rs.metadata.namespace, { labelSelector: `${POD_TEMPLATE_HASH_LABEL}=${hashOf(rs) ?? ''}` });
  for (const pod of items) {
    if (pod.metadata.deletionTimestamp || !pod.metadata.ownerReferences?.some((ref) => ref.uid === rs.metadata.uid)) continue;
    const patch = metadataPatch(pod.metadata, injected, desired);
    if (patch === undefined) continue;
    try {
      await client.patch(Kinds.Pod, pod.metadata.namespace, pod.metadata.name ?? '', { metadata: patch }, 'merge');
    } catch (err) {
      // Deleted since the list: its replacement is created from the patched template.
      if (!isNotFound(err)) throw err;
    }
  }
}
