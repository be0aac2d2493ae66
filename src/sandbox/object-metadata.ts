// Server-owned metadata: what a create stamps (uid, creationTimestamp, generation, generated names) and what an
// update carries over from the stored object, as the apiserver's BeforeCreate/BeforeUpdate do.
import { randomInt, randomUUID } from 'node:crypto';
import { timestampNow, type KubeObject, type SandboxMeta } from './kube-object.js';
import type { ResourceType } from './resource-type.js';
import { jsonEqual } from './schema/json-value.js';

/** The alphabet and length names.SimpleNameGenerator uses: no vowels, no confusable digits. */
const NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
const NAME_SUFFIX_LENGTH = 5;
const MAX_GENERATE_NAME_PREFIX = 63 - NAME_SUFFIX_LENGTH;

export function generateName(prefix: string): string {
  let suffix = '';
  for (let i = 0; i < NAME_SUFFIX_LENGTH; i++) suffix += NAME_ALPHABET[randomInt(NAME_ALPHABET.length)];
  return `${prefix.slice(0, MAX_GENERATE_NAME_PREFIX)}${suffix}`;
}

/** Stamps system fields on a new object; client-set values of these are overwritten, as on a real server. */
export function stampCreate(obj: KubeObject, type: ResourceType, now: Date): void {
  const meta = obj.metadata;
  meta.uid = randomUUID();
  meta.creationTimestamp = timestampNow(now);
  delete meta.deletionTimestamp;
  delete meta.deletionGracePeriodSeconds;
  if (type.tracksGeneration) meta.generation = 1;
  else delete meta.generation;
}

const SYSTEM_FIELDS = ['uid', 'creationTimestamp', 'generation', 'deletionTimestamp', 'deletionGracePeriodSeconds'] as const;

/** Carries server-owned metadata of the stored object into an update. */
export function carryOverSystemFields(next: SandboxMeta, old: SandboxMeta): void {
  for (const field of SYSTEM_FIELDS) {
    if (old[field] === undefined) delete next[field];
    else (next as Record<string, unknown>)[field] = old[field];
  }
}

/** The parts of an object that count as its spec for metadata.generation. */
function specOf(obj: KubeObject, type: ResourceType): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(obj)) {
    if (key === 'metadata' || key === 'apiVersion' || key === 'kind') continue;
    if (key === 'status' && type.statusSubresource) continue;
    out[key] = value;
  }
  if (type.generationCountsAnnotations) out['metadata.annotations'] = obj.metadata.annotations ?? {};
  return out;
}

/** Bumps metadata.generation when the spec changed: everything but metadata, and status when it is a subresource. */
export function bumpGeneration(next: KubeObject, old: KubeObject, type: ResourceType): void {
  if (!type.tracksGeneration) return;
  const generation = old.metadata.generation ?? 1;
  next.metadata.generation = jsonEqual(specOf(next, type), specOf(old, type)) ? generation : generation + 1;
}

/** Equality ignoring resourceVersion: an update that changes nothing is not written (no new revision, no event). */
export function unchanged(next: KubeObject, old: KubeObject): boolean {
  const { resourceVersion: _n, ...nextMeta } = next.metadata;
  const { resourceVersion: _o, ...oldMeta } = old.metadata;
  return jsonEqual({ ...next, metadata: nextMeta }, { ...old, metadata: oldMeta });
}
