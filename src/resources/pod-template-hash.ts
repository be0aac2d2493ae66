// Identity of a pod template: a stable short hash (as ReplicaSet names carry) and the images it runs.
import { canonicalJson } from './canonical-json.js';
import type { PodTemplateSpec } from './meta.js';

/** The label that ties pods, ReplicaSets and Services to one revision (Argo Rollouts' name, so dashboards keep working). */
export const POD_TEMPLATE_HASH_LABEL = 'rollouts-pod-template-hash';

/** Kubernetes' rand.SafeEncodeString alphabet: no vowels, no look-alike characters. */
const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

const FNV_OFFSET_BASIS = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/**
 * FNV-1a (32 bit) of the template's canonical JSON, rendered like ReplicaSet name suffixes: the decimal
 * digits of the hash mapped through the safe alphabet (at most 10 characters). The pod-template-hash label
 * is ignored so that a template read back from a ReplicaSet hashes the same as the one in the Rollout, and so
 * is a null `metadata.creationTimestamp` (see withoutNullCreationTimestamp).
 */
export function podTemplateHash(template: PodTemplateSpec): string {
  const hash = fnv1a32(new TextEncoder().encode(canonicalJson(withoutNullCreationTimestamp(withoutHashLabel(template)))));
  return safeEncode(String(hash));
}

/** The same short hash for any text (Argo's currentStepHash is one of the canary steps' JSON). */
export function stableTextHash(text: string): string {
  return safeEncode(String(fnv1a32(new TextEncoder().encode(text))));
}

/** Container name → image, for init containers and containers alike (names are unique within a pod). */
export function templateImages(template: PodTemplateSpec): Record<string, string> {
  const images: Record<string, string> = {};
  const initContainers = Array.isArray(template.spec.initContainers) ? (template.spec.initContainers as unknown[]) : [];
  for (const container of [...initContainers, ...template.spec.containers]) {
    if (!isNamedContainer(container)) continue;
    if (typeof container.image === 'string') images[container.name] = container.image;
  }
  return images;
}

function withoutHashLabel(template: PodTemplateSpec): PodTemplateSpec {
  const labels = template.metadata?.labels;
  if (labels === undefined || !(POD_TEMPLATE_HASH_LABEL in labels)) return template;
  const { [POD_TEMPLATE_HASH_LABEL]: _ignored, ...rest } = labels;
  return { ...template, metadata: { ...template.metadata, labels: rest } };
}

/**
 * kube-apiserver writes `metadata.creationTimestamp: null` into every pod template it serves (a Deployment's, and
 * any template `kubectl create --dry-run -o yaml` prints), the sandbox does not: the same template must hash the
 * same either way. Only that null goes (with a metadata it leaves empty), so a template without it keeps its hash.
 *
 * The server's other defaults (imagePullPolicy, terminationMessagePath, dnsPolicy, restartPolicy, schedulerName,
 * securityContext: {}, terminationGracePeriodSeconds, resources: {}) are left in: it serves them on every read, so a
 * Deployment's hash is stable on a given server, and removing them would change the hash of every Rollout template
 * that spells them out (a copy of `kubectl get deployment -o yaml`), starting a rollout of identical pods.
 */
function withoutNullCreationTimestamp(template: PodTemplateSpec): PodTemplateSpec {
  const metadata = template.metadata as (PodTemplateSpec['metadata'] & { creationTimestamp?: unknown }) | undefined;
  if (metadata === undefined || !('creationTimestamp' in metadata) || metadata.creationTimestamp !== null) return template;
  const { creationTimestamp: _null, ...rest } = metadata;
  const { metadata: _metadata, ...withoutMetadata } = template;
  return Object.keys(rest).length === 0 ? (withoutMetadata as PodTemplateSpec) : { ...template, metadata: rest };
}

function fnv1a32(bytes: Uint8Array): number {
  let hash = FNV_OFFSET_BASIS;
  for (const byte of bytes) {
    hash ^= byte;
    hash = Math.imul(hash, FNV_PRIME) >>> 0;
  }
  return hash >>> 0;
}

function safeEncode(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) out += SAFE_ALPHABET[text.charCodeAt(i) % SAFE_ALPHABET.length] ?? '';
  return out;
}

function isNamedContainer(value: unknown): value is { name: string; image?: unknown } {
  return typeof value === 'object' && value !== null && typeof (value as { name?: unknown }).name === 'string';
}
