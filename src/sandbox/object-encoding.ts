// JSON text of objects as a resource serves them: keys in the served order (Go struct order for built-ins, sorted
// for custom resources), each stored object serialised once.
//
// Lists of thousands of objects and watch fan-out to dozens of watchers would otherwise stringify the same
// object over and over; stored objects are immutable, so their text can be cached by identity.
import { inKeyOrder } from './field-order.js';
import type { KubeObject } from './kube-object.js';
import { apiVersionOfType, type ResourceType } from './resource-type.js';

const cache = new WeakMap<KubeObject, string>();

/**
 * The JSON text of an object in its served form. With an identity codec the served form is the stored object
 * itself (never mutated), so its text is cached.
 */
export function encodeServed(type: ResourceType, served: KubeObject): string {
  if (!type.codec.identity) return JSON.stringify(inKeyOrder(served, type.keyOrder));
  let text = cache.get(served);
  if (text === undefined) {
    text = JSON.stringify(inKeyOrder(served, type.keyOrder));
    cache.set(served, text);
  }
  return text;
}

/** The JSON text of a stored object as `type` serves it. */
export function encodeStored(type: ResourceType, stored: KubeObject): string {
  return encodeServed(type, type.codec.fromStorage(stored));
}

/**
 * The text of an object as an item of a list. Built-in lists are typed (`[]Deployment`), so their items carry no
 * kind or apiVersion; custom resource lists are unstructured, and theirs do.
 */
export function asListItem(type: ResourceType, text: string): string {
  if (type.keyOrder === 'sorted') return text;
  const typeMeta = `{"kind":${JSON.stringify(type.kind)},"apiVersion":${JSON.stringify(apiVersionOfType(type))},`;
  return text.startsWith(typeMeta) ? `{${text.slice(typeMeta.length)}` : text;
}

/**
 * A list body around item texts (see asListItem): ListMeta order for built-in lists, and for custom resources (an unstructured
 * list) every key sorted, the envelope's and the list metadata's included.
 */
export function encodeList(type: ResourceType, itemTexts: readonly string[], metadata: Record<string, unknown>): string {
  const kind = JSON.stringify(type.listKind);
  const apiVersion = JSON.stringify(apiVersionOfType(type));
  const items = `[${itemTexts.join(',')}]`;
  if (type.keyOrder === 'sorted') return `{"apiVersion":${apiVersion},"items":${items},"kind":${kind},"metadata":${JSON.stringify(inKeyOrder(metadata, 'sorted'))}}`;
  return `{"kind":${kind},"apiVersion":${apiVersion},"metadata":${JSON.stringify(metadata)},"items":${items}}`;
}
