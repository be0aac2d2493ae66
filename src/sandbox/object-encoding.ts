// JSON text of stored objects as a given resource version serves them, each stored object serialised once.
//
// Lists of thousands of objects and watch fan-out to dozens of watchers would otherwise stringify the same
// object over and over; stored objects are immutable, so their text can be cached by identity.
import type { KubeObject } from './kube-object.js';
import { apiVersionOfType, type ResourceType } from './resource-type.js';

const cache = new WeakMap<KubeObject, string>();

/** The JSON text of a stored object as `type` serves it. */
export function encodeStored(type: ResourceType, stored: KubeObject): string {
  if (!type.codec.identity) return JSON.stringify(type.codec.fromStorage(stored));
  let text = cache.get(stored);
  if (text === undefined) {
    text = JSON.stringify(stored);
    cache.set(stored, text);
  }
  return text;
}

/** A list response body assembled from cached item texts. */
export function encodeList(type: ResourceType, items: readonly KubeObject[], metadata: Record<string, unknown>): string {
  const apiVersion = apiVersionOfType(type);
  const head = `{"kind":${JSON.stringify(type.listKind)},"apiVersion":${JSON.stringify(apiVersion)},"metadata":${JSON.stringify(metadata)},"items":[`;
  return `${head}${items.map((item) => encodeStored(type, item)).join(',')}]}`;
}
