// Which shard an object belongs to: the `vane.dev/shard` label, assigned by a stable hash of the Rollout's namespace
// and name, and the label selectors a replica watches through. See docs/adr/0017-shards-over-leases.md.
import type { KubeObject } from './kube-object.js';

export const SHARD_LABEL = 'vane.dev/shard';

/** The most shards a controller may be split into; Leases and selectors grow with it, and so does rebalancing. */
export const MAX_SHARDS = 256;

/**
 * The shard of `namespace/name` among `shards`: FNV-1a (32 bit) of the UTF-8 bytes of `namespace/name`, modulo the
 * count. Stable across processes, versions and platforms, so any tool can compute it; not a security boundary.
 */
export function shardOf(namespace: string, name: string, shards: number): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(`${namespace}/${name}`, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % shards;
}

/** The shard an object's label names, or undefined when it has none or names one outside `0..shards-1`. */
export function labelledShard(obj: KubeObject, shards: number): number | undefined {
  const value = obj.metadata.labels?.[SHARD_LABEL];
  if (value === undefined || !/^(0|[1-9][0-9]{0,2})$/.test(value)) return undefined;
  const shard = Number(value);
  return shard < shards ? shard : undefined;
}

/** The shard the controller that owns `obj` is on: its Rollout's, found from the controlling owner reference. */
export function ownerShard(obj: KubeObject, shards: number): number | undefined {
  const namespace = obj.metadata.namespace ?? '';
  const owner = obj.metadata.ownerReferences?.find((ref) => ref.controller === true);
  if (owner?.kind === 'Rollout') return shardOf(namespace, owner.name, shards);
  if (owner !== undefined) return undefined;
  return shardOf(namespace, obj.metadata.name ?? '', shards);
}

/** The selector of objects no replica sees: no shard label, or one outside `0..shards-1`. */
export function unassignedSelector(shards: number): string {
  return `${SHARD_LABEL} notin (${Array.from({ length: shards }, (_, i) => i).join(',')})`;
}

/** `base` and `extra` selectors, both required. */
export function andSelectors(base: string | undefined, extra: string): string {
  return base ? `${base},${extra}` : extra;
}
