// The key order of served JSON. The apiserver serialises built-in kinds from Go structs (fields in declaration
// order, map keys sorted) and custom resources from unstructured maps (every key sorted, at every level), so a
// client never sees its own key order echoed back; the sandbox must not echo it either.
import { isJsonObject, type JsonObject } from './schema/json-value.js';

/**
 * A Go struct's JSON field order: `fields` in declaration order, and for fields holding structs (or lists of
 * them) the order within those; `'map'` marks a Go map, whose keys are sorted.
 */
export interface StructOrder {
  readonly fields: readonly string[];
  readonly nested?: Readonly<Record<string, StructOrder | 'map'>>;
}

/** How a resource's served JSON orders its keys: all sorted (unstructured), or by the kind's Go struct. */
export type KeyOrder = 'sorted' | StructOrder;

/** A copy of a JSON value with the keys of every object sorted, as an unstructured map marshals. */
export function sortKeysDeep<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item: unknown) => sortKeysDeep(item)) as T;
  if (!isJsonObject(value)) return value;
  const out: JsonObject = {};
  for (const key of Object.keys(value).sort()) out[key] = sortKeysDeep(value[key]);
  return out as T;
}

function sortKeys(value: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const key of Object.keys(value).sort()) out[key] = value[key];
  return out;
}

/**
 * A copy of a value with its keys in struct order: known fields first, in declaration order, then any others
 * as they came (the sandbox keeps fields a real server would drop). Lists apply the order to each item.
 */
export function inStructOrder(value: unknown, order: StructOrder | 'map'): unknown {
  if (Array.isArray(value)) return value.map((item) => inStructOrder(item, order));
  if (!isJsonObject(value)) return value;
  if (order === 'map') return sortKeys(value);
  const out: JsonObject = {};
  for (const field of order.fields) {
    if (!Object.prototype.hasOwnProperty.call(value, field)) continue;
    const inner = order.nested?.[field];
    out[field] = inner ? inStructOrder(value[field], inner) : value[field];
  }
  for (const [key, item] of Object.entries(value)) {
    if (!Object.prototype.hasOwnProperty.call(out, key)) out[key] = item;
  }
  return out;
}

/** A copy of a value with its keys as `order` serves them. */
export function inKeyOrder<T>(value: T, order: KeyOrder): T {
  return (order === 'sorted' ? sortKeysDeep(value) : inStructOrder(value, order)) as T;
}
