// The ReplicaSets a Rollout owns: one per revision, named `<rollout>-<pod-template-hash>`, scaled per step.
import { boundedName } from '../kube/bounded-name.js';
import type { ObjectWriter } from '../kube/kube-client.js';
import { Kinds } from '../kube/resource-kind.js';
import type { LabelSelector, PodTemplateSpec } from '../resources/meta.js';
import type { EphemeralMetadata, Rollout } from '../resources/rollout.js';
import { POD_TEMPLATE_HASH_LABEL } from '../resources/pod-template-hash.js';
import { hashOf, type ReplicaSetObject } from '../resources/replica-set.js';
import { applyMetadataPatch, EPHEMERAL_METADATA_ANNOTATION, injectedRecord, metadataPatch } from './ephemeral-metadata.js';
import { selectorOf } from './template-source.js';

export function replicaSetName(rollout: Rollout, hash: string): string {
  return boundedName(`${rollout.metadata.name}-${hash}`);
}

/** Whether the ReplicaSet's pods are all available at the count we asked for, as the controller last saw them. */
export function isAvailable(rs: ReplicaSetObject | undefined, desired: number): boolean {
  if (!rs) return desired === 0;
  const status = rs.status ?? {};
  const observed = (status.observedGeneration ?? 0) >= (rs.metadata.generation ?? 0);
  return observed && (rs.spec?.replicas ?? 0) === desired && (status.availableReplicas ?? 0) >= desired;
}

/** `role`: the role metadata its pods start with (Argo ephemeral metadata), recorded on it as ephemeral-metadata.ts does. */
export function buildReplicaSet(rollout: Rollout, template: PodTemplateSpec, hash: string, replicas: number, role?: EphemeralMetadata): ReplicaSetObject {
  const labels = { ...(template.metadata?.labels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash };
  const podMetadata = applyMetadataPatch({ ...(template.metadata ?? {}), labels }, metadataPatch({ labels }, undefined, role));
  const recorded: Record<string, string> = role === undefined ? {} : { [EPHEMERAL_METADATA_ANNOTATION]: injectedRecord(role) ?? '' };
  const own = selectorOf(rollout);
  const selector: LabelSelector = {
    ...own,
    matchLabels: { ...(own.matchLabels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash },
  };
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: replicaSetName(rollout, hash),
      namespace: rollout.metadata.namespace,
      labels,
      annotations: { 'vane.dev/rollout': rollout.metadata.name ?? '', ...recorded },
      ownerReferences: [
        {
          apiVersion: rollout.apiVersion,
          kind: 'Rollout',
          name: rollout.metadata.name ?? '',
          uid: rollout.metadata.uid ?? '',
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: {
      replicas,
      minReadySeconds: rollout.spec.minReadySeconds,
      selector,
      template: { ...template, metadata: podMetadata },
    },
  };
}

/** What a ReplicaSet is written with beside its count. */
export interface ReplicaSetExtras {
  /** The role metadata a new ReplicaSet's pods start with. */
  role?: EphemeralMetadata;
  /** Annotations an existing ReplicaSet should carry (null: none), written in the same request as its count. */
  annotations?: Record<string, string | null>;
}

/**
 * Makes the ReplicaSet for `hash` exist with `replicas` and `extras.annotations`, in one request that writes only
 * what differs: a reader never sees the count without the annotations that go with it. Returns the object as written
 * (or as cached when nothing changed).
 */
export async function ensureReplicaSet(
  writer: ObjectWriter,
  rollout: Rollout,
  current: ReplicaSetObject | undefined,
  template: PodTemplateSpec | undefined,
  hash: string,
  replicas: number,
  extras: ReplicaSetExtras = {},
): Promise<ReplicaSetObject | undefined> {
  if (current) {
    const annotations = changedAnnotations(current, extras.annotations ?? {});
    const scaled = (current.spec?.replicas ?? 0) !== replicas;
    if (!scaled && annotations === undefined) return current;
    const patch = { ...(scaled ? { spec: { replicas } } : {}), ...(annotations ? { metadata: { annotations } } : {}) };
    return writer.patch<ReplicaSetObject>(Kinds.ReplicaSet, current.metadata.namespace, current.metadata.name ?? '', patch, 'merge');
  }
  if (replicas === 0 || !template) return undefined;
  return writer.create(Kinds.ReplicaSet, buildReplicaSet(rollout, template, hash, replicas, extras.role));
}

function changedAnnotations(rs: ReplicaSetObject, wanted: Record<string, string | null>): Record<string, string | null> | undefined {
  const have = rs.metadata.annotations ?? {};
  const changed = Object.entries(wanted).filter(([key, value]) => (have[key] ?? null) !== value);
  return changed.length === 0 ? undefined : Object.fromEntries(changed);
}

/** Old, scaled-down ReplicaSets beyond `limit`, oldest first: the ones to delete. */
export function replicaSetsToPrune(owned: ReplicaSetObject[], keep: ReadonlySet<string>, limit: number): ReplicaSetObject[] {
  const old = owned
    .filter((rs) => !keep.has(hashOf(rs) ?? '') && (rs.spec?.replicas ?? 0) === 0)
    .sort((a, b) => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') || Number(a.metadata.resourceVersion ?? 0) - Number(b.metadata.resourceVersion ?? 0));
  return old.slice(0, Math.max(0, old.length - limit));
}
