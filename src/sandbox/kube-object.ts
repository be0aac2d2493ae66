// The JSON object shape the sandbox stores and serves: any Kubernetes object, with typed metadata.
import type { ObjectMeta } from '../resources/meta.js';
import { isJsonObject } from './schema/json-value.js';

/** ObjectMeta as the server holds it: the shared shape plus server fields Vane never sets, and anything else. */
export interface SandboxMeta extends ObjectMeta {
  deletionGracePeriodSeconds?: number;
  [field: string]: unknown;
}

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: SandboxMeta;
  [field: string]: unknown;
}

/** Treats a decoded request body as an object, giving it empty metadata when it has none. */
export function asKubeObject(value: unknown): KubeObject | undefined {
  if (!isJsonObject(value)) return undefined;
  const metadata = value['metadata'];
  if (metadata !== undefined && !isJsonObject(metadata)) return undefined;
  return { ...value, metadata: (metadata ?? {}) as SandboxMeta };
}

/** `namespace/name`, or `name` for cluster-scoped objects: the store's key within one resource. */
export function objectKey(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

/** RFC 3339 with whole seconds, as metav1.Time serialises. */
export function timestampNow(now: Date = new Date()): string {
  return `${now.toISOString().slice(0, 19)}Z`;
}
