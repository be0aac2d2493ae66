// Strategic merge patch (`application/strategic-merge-patch+json`) for the built-in kinds the sandbox serves,
// following apimachinery's strategicpatch.StrategicMergeMapPatch as the apiserver runs it (parallel deletion
// lists merged, unmatched nulls ignored), with its directives: `$patch: replace|delete`,
// `$deleteFromPrimitiveList/<field>`, `$setElementOrder/<field>` and `$retainKeys`.
import { isJsonObject, jsonClone } from '../schema/json-value.js';
import type { JsonObject } from '../schema/json-value.js';
import { PatchError } from './patch-error.js';
import type { PatchErrorStatus } from './patch-error.js';
import { patchStructForKind } from './strategic-merge-schema.js';
import type { PatchField, PatchStruct } from './strategic-merge-schema.js';

const DIRECTIVE = '$patch';
const RETAIN_KEYS = '$retainKeys';
const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList';
const SET_ELEMENT_ORDER = '$setElementOrder';

const ERR_BAD_PRIMITIVE_LIST = 'invalid patch format of primitive list';
const ERR_BAD_RETAIN_KEYS = 'invalid patch format of retainKeys';
const ERR_BAD_SET_ELEMENT_ORDER = 'invalid patch format of setElementOrder list';
const ERR_LIST_OF_LISTS = 'lists of lists are not supported';

/** True for the kinds that carry patch metadata; the apiserver answers 415 for the others (custom resources). */
export function supportsStrategicMerge(kind: string): boolean {
  return patchStructForKind(kind) !== undefined;
}

function patchError(status: PatchErrorStatus, message: string): never {
  throw new PatchError(status, message);
}

// ---- Go formatting, for error texts that print values with %v ----

type GoKind = 'map' | 'slice' | 'string' | 'float64' | 'bool' | 'nil';

function goKind(value: unknown): GoKind {
  if (value === null || value === undefined) return 'nil';
  if (Array.isArray(value)) return 'slice';
  if (isJsonObject(value)) return 'map';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'bool';
  return 'float64';
}

const GO_TYPE_NAMES: Record<GoKind, string> = {
  map: 'map[string]interface {}',
  slice: '[]interface {}',
  string: 'string',
  float64: 'float64',
  bool: 'bool',
  nil: '%!s(<nil>)',
};

function goValue(value: unknown): string {
  switch (goKind(value)) {
    case 'nil':
      return '<nil>';
    case 'slice':
      return `[${(value as unknown[]).map(goValue).join(' ')}]`;
    case 'map': {
      const obj = value as JsonObject;
      return `map[${Object.keys(obj).sort().map((k) => `${k}:${goValue(obj[k])}`).join(' ')}]`;
    }
    default:
      return String(value);
  }
}

function badArgType(expected: GoKind, actual: unknown): never {
  return patchError(500, `expected a ${GO_TYPE_NAMES[expected]}, but received a ${GO_TYPE_NAMES[goKind(actual)]}`);
}

function noMergeKey(item: JsonObject, mergeKey: string): never {
  return patchError(500, `map: ${goValue(item)} does not contain declared merge key: ${mergeKey}`);
}

// ---- values taken from the patch as they are ----

/**
 * A value the patch adds where nothing was there to merge with. The apiserver decodes the result into typed
 * structs, which drops nulls and leftover directive keys; we store JSON, so we drop them here.
 */
function cleanAdded(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(cleanAdded);
  if (!isJsonObject(value)) return value;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === null || k.startsWith('$')) continue;
    out[k] = cleanAdded(v);
  }
  return out;
}

/** strategicpatch's extractKey: `$prefix/field` → `field`. */
function extractKey(key: string, prefix: string, badFormat: string): string {
  const slash = key.indexOf('/');
  if (slash < 0 || key.slice(0, slash) !== prefix) patchError(400, badFormat);
  return key.slice(slash + 1);
}

// ---- maps ----

function handleMapDirective(directive: unknown, patch: JsonObject): JsonObject {
  if (directive === 'replace') {
    const rest = { ...patch };
    delete rest[DIRECTIVE];
    return cleanAdded(rest) as JsonObject;
  }
  if (directive === 'delete') return {};
  return patchError(500, `unknown patch type: ${goValue(directive)} in map: ${goValue(patch)}`);
}

/** `$retainKeys`: drop every original key the list does not name; every patched key must be named. */
function applyRetainKeys(original: JsonObject, patch: JsonObject): void {
  if (!(RETAIN_KEYS in patch)) return;
  const list = patch[RETAIN_KEYS];
  delete patch[RETAIN_KEYS];
  if (!Array.isArray(list)) patchError(400, ERR_BAD_RETAIN_KEYS);
  const retained = new Set(list);
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || k.startsWith(`${DELETE_FROM_PRIMITIVE_LIST}/`) || k.startsWith(`${SET_ELEMENT_ORDER}/`)) continue;
    if (!retained.has(k)) patchError(400, ERR_BAD_RETAIN_KEYS);
  }
  for (const k of Object.keys(original)) {
    if (!retained.has(k)) delete original[k];
  }
}

function mergeMap(original: JsonObject | undefined, patch: JsonObject, meta: PatchStruct | undefined): JsonObject {
  if (DIRECTIVE in patch) return handleMapDirective(patch[DIRECTIVE], patch);
  const target = original ?? {};
  applyRetainKeys(target, patch);
  mergeSetElementOrders(target, patch, meta);
  for (const [rawKey, patchValue] of Object.entries(patch)) {
    mergeField(target, rawKey, patchValue, meta);
  }
  return target;
}

function mergeField(target: JsonObject, rawKey: string, patchValue: unknown, meta: PatchStruct | undefined): void {
  const isDeleteList = rawKey.startsWith(DELETE_FROM_PRIMITIVE_LIST);
  // Any other `$` key is an unknown directive; decoding into the typed object would drop it.
  if (rawKey.startsWith('$') && !isDeleteList) return;
  const key = isDeleteList ? extractKey(rawKey, DELETE_FROM_PRIMITIVE_LIST, ERR_BAD_PRIMITIVE_LIST) : rawKey;
  if (patchValue === null) {
    delete target[key];
    return;
  }
  const originalValue = target[key];
  if (!(key in target) || goKind(originalValue) !== goKind(patchValue)) {
    if (!isDeleteList) target[key] = cleanAdded(patchValue);
    return;
  }
  const field: PatchField = meta?.[key] ?? {};
  if (Array.isArray(originalValue)) {
    target[key] = field.strategy === 'merge'
      ? mergeSlice(originalValue, patchValue as unknown[], field, isDeleteList)
      : cleanAdded(patchValue);
  } else if (isJsonObject(originalValue)) {
    target[key] = field.strategy === 'replace'
      ? (cleanAdded(patchValue) as JsonObject)
      : mergeMap(originalValue, patchValue as JsonObject, field.fields);
  } else {
    target[key] = patchValue;
  }
}

// ---- lists ----

/** sliceElementType: one element kind across both lists, and never a list of lists. */
function elementKind(...lists: unknown[][]): GoKind {
  let kind: GoKind | undefined;
  for (const list of lists) {
    for (const item of list) {
      const k = goKind(item);
      if (kind === undefined) {
        if (k === 'slice') patchError(422, ERR_LIST_OF_LISTS);
        kind = k;
      } else if (kind !== k) {
        patchError(500, `list element types are not identical: ${goValue(lists)}`);
      }
    }
  }
  if (kind === undefined) patchError(500, 'no elements in any of the given slices');
  return kind;
}

function asMap(item: unknown): JsonObject {
  return isJsonObject(item) ? item : badArgType('map', item);
}

/** Index of `item` in `list`, matching maps by merge key value and scalars by value (strategicpatch.index). */
function indexIn(list: unknown[], item: unknown, mergeKey: string, kind: GoKind): number {
  if (kind !== 'map') return list.findIndex((v) => v === item);
  const wanted = isJsonObject(item) ? item[mergeKey] : undefined;
  return list.findIndex((v) => isJsonObject(v) && v[mergeKey] === wanted);
}

function findByKey(list: unknown[], mergeKey: string, value: unknown): number {
  return list.findIndex((item, i) => {
    if (!isJsonObject(item)) patchError(500, `value for key ${i} is not a map.`);
    return mergeKey in item && item[mergeKey] === value;
  });
}

/** Handles `$patch` elements: `delete` removes originals by key, `replace` makes the rest of the patch the list. */
function applySpecialElements(original: unknown[], patch: unknown[], mergeKey: string): { original: unknown[]; patch: unknown[] } {
  let kept = [...original];
  const plain: unknown[] = [];
  let replace = false;
  for (const item of patch) {
    const map = asMap(item);
    if (!(DIRECTIVE in map)) {
      plain.push(item);
      continue;
    }
    const directive = map[DIRECTIVE];
    if (directive === 'delete') {
      if (!(mergeKey in map)) noMergeKey(map, mergeKey);
      kept = deleteAllByKey(kept, mergeKey, map[mergeKey]);
    } else if (directive === 'replace') {
      replace = true;
    } else if (directive === 'merge') {
      patchError(500, 'merging lists cannot yet be specified in the patch');
    } else {
      patchError(500, `unknown patch type: ${goValue(directive)} in map: ${goValue(map)}`);
    }
  }
  return replace ? { original: plain, patch: [] } : { original: kept, patch: plain };
}

function deleteAllByKey(list: unknown[], mergeKey: string, value: unknown): unknown[] {
  let result = list;
  for (let i = findByKey(result, mergeKey, value); i >= 0; i = findByKey(result, mergeKey, value)) {
    result = [...result.slice(0, i), ...result.slice(i + 1)];
  }
  return result;
}

function mergeMapsByKey(original: unknown[], patch: unknown[], mergeKey: string, item: PatchStruct | undefined): unknown[] {
  const merged = [...original];
  for (const element of patch) {
    const map = asMap(element);
    if (!(mergeKey in map)) noMergeKey(map, mergeKey);
    const at = findByKey(merged, mergeKey, map[mergeKey]);
    if (at >= 0) merged[at] = mergeMap(merged[at] as JsonObject, map, item);
    else merged.push(cleanAdded(map));
  }
  return merged;
}

function dedupeScalars(items: unknown[]): unknown[] {
  return items.filter((v, i) => items.indexOf(v) === i);
}

function mergeSlice(original: unknown[], patch: unknown[], field: PatchField, isDeleteList: boolean): unknown[] {
  if (original.length === 0 && patch.length === 0) return original;
  const kind = elementKind(original, patch);
  const mergeKey = field.mergeKey ?? '';
  if (kind !== 'map') {
    if (isDeleteList) return original.filter((v) => !patch.includes(v));
    const merged = dedupeScalars([...original, ...patch]);
    return enforceOrder(merged, patch, original, '', kind);
  }
  if (mergeKey === '') patchError(500, 'cannot merge lists without merge key for type struct');
  const special = applySpecialElements(original, patch, mergeKey);
  const merged = mergeMapsByKey(special.original, special.patch, mergeKey, field.fields);
  return enforceOrder(merged, special.patch, special.original, mergeKey, kind);
}

/** Splits merged items into those the order list names and the server-only rest, then interleaves them. */
function enforceOrder(merged: unknown[], patchOrder: unknown[], serverOrder: unknown[], mergeKey: string, kind: GoKind): unknown[] {
  const inPatch: unknown[] = [];
  const serverOnly: unknown[] = [];
  for (const item of merged) {
    if (kind === 'map') {
      const map = asMap(item);
      if (!(mergeKey in map)) noMergeKey(map, mergeKey);
      (findByKey(patchOrder, mergeKey, map[mergeKey]) >= 0 ? inPatch : serverOnly).push(item);
    } else {
      (patchOrder.includes(item) ? inPatch : serverOnly).push(item);
    }
  }
  return normalizeElementOrder(inPatch, serverOnly, patchOrder, serverOrder, mergeKey, kind);
}

function sortByOrder(items: unknown[], order: unknown[], mergeKey: string, kind: GoKind): unknown[] {
  let toSort = items;
  let toDelete: unknown[] = [];
  if (kind === 'map') {
    for (const item of [...items, ...order]) {
      const map = asMap(item);
      if (!(mergeKey in map)) noMergeKey(map, mergeKey);
    }
    toSort = items.filter((i) => (i as JsonObject)[DIRECTIVE] !== 'delete');
    toDelete = items.filter((i) => (i as JsonObject)[DIRECTIVE] === 'delete');
  }
  const sorted = [...toSort].sort((a, b) => {
    const ia = indexIn(order, a, mergeKey, kind);
    const ib = indexIn(order, b, mergeKey, kind);
    return ia >= 0 && ib >= 0 ? ia - ib : 0;
  });
  return [...sorted, ...toDelete];
}

/**
 * Patch items keep the patch's (or $setElementOrder's) order, server-only items the live order, and the two
 * interleave by live position; an item new to the list goes before the server-only items that follow it.
 */
function normalizeElementOrder(
  patchItems: unknown[],
  serverOnly: unknown[],
  patchOrder: unknown[],
  serverOrder: unknown[],
  mergeKey: string,
  kind: GoKind,
): unknown[] {
  const right = sortByOrder(patchItems, patchOrder, mergeKey, kind);
  const left = sortByOrder(serverOnly, serverOrder, mergeKey, kind);
  const result: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (j >= right.length) {
      result.push(left[i++]);
    } else if (i >= left.length) {
      result.push(right[j++]);
    } else {
      const li = indexIn(serverOrder, left[i], mergeKey, kind);
      const ri = indexIn(serverOrder, right[j], mergeKey, kind);
      result.push(li >= 0 && ri >= 0 && li < ri ? left[i++] : right[j++]);
    }
  }
  return result;
}

// ---- $setElementOrder ----

/** The patch list must follow the order list (ignoring deletions); extra items in the patch are an error. */
function validateAgainstOrder(patchList: unknown[], orderList: unknown[], mergeKey: string): void {
  if (orderList.length === 0 || patchList.length === 0) return;
  const nonDelete = mergeKey === '' ? patchList : patchList.filter((i) => asMap(i)[DIRECTIVE] !== 'delete');
  let p = 0;
  let o = 0;
  while (p < nonDelete.length && o < orderList.length) {
    const item = nonDelete[p];
    if (isJsonObject(item) && DIRECTIVE in item) {
      p++;
      continue;
    }
    if (sameMergeKey(item, orderList[o], mergeKey)) p++;
    o++;
  }
  if (p < nonDelete.length && o >= orderList.length) {
    patchError(
      500,
      `The order in patch list:\n${goValue(patchList)}\n doesn't match ${SET_ELEMENT_ORDER} list:\n${goValue(orderList)}\n`,
    );
  }
}

function sameMergeKey(left: unknown, right: unknown, mergeKey: string): boolean {
  if (mergeKey === '') return left === right;
  const l = asMap(left);
  const r = asMap(right);
  if (!(mergeKey in l)) noMergeKey(l, mergeKey);
  if (!(mergeKey in r)) noMergeKey(r, mergeKey);
  return l[mergeKey] === r[mergeKey];
}

function listOrUndefined(value: unknown, present: boolean): unknown[] | undefined {
  if (!present) return undefined;
  return Array.isArray(value) ? value : badArgType('slice', value);
}

function mergeSetElementOrders(original: JsonObject, patch: JsonObject, meta: PatchStruct | undefined): void {
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(SET_ELEMENT_ORDER)) continue;
    const order = patch[key];
    delete patch[key];
    if (!Array.isArray(order)) badArgType('slice', order);
    const field = extractKey(key, SET_ELEMENT_ORDER, ERR_BAD_SET_ELEMENT_ORDER);
    const originalList = listOrUndefined(original[field], field in original);
    const patchList = listOrUndefined(patch[field], field in patch);
    const fieldMeta: PatchField = meta?.[field] ?? {};
    const mergeKey = fieldMeta.mergeKey ?? '';
    validateAgainstOrder(patchList ?? [], order, mergeKey);
    const merged = mergeForOrder(originalList, patchList, fieldMeta);
    if (merged === undefined) continue;
    const kind = elementKind(originalList ?? [], patchList ?? []);
    original[field] = enforceOrder(merged, order, originalList ?? [], mergeKey, kind);
    delete patch[field];
  }
}

function mergeForOrder(originalList: unknown[] | undefined, patchList: unknown[] | undefined, field: PatchField): unknown[] | undefined {
  if (originalList !== undefined && patchList === undefined) return originalList;
  if (originalList === undefined && patchList !== undefined) {
    // With nothing to delete from, `$patch: delete` items delete nothing; they must not become items.
    return cleanAdded(patchList.filter((i) => !isJsonObject(i) || i[DIRECTIVE] !== 'delete')) as unknown[];
  }
  if (originalList === undefined || patchList === undefined) return undefined;
  return field.strategy === 'merge' ? mergeSlice(originalList, patchList, field, false) : (cleanAdded(patchList) as unknown[]);
}

// ---- entry point ----

/**
 * Applies a strategic merge patch to an object of a built-in `kind` (Pod, Service, ConfigMap, Secret,
 * Namespace, Event, Deployment, ReplicaSet, Lease). Throws PatchError: 415 for kinds without patch metadata,
 * 400 for a patch that is not an object or has malformed directives, 422 for lists of lists, 500 for the
 * failures the apiserver leaves unclassified (a list item without its merge key). Does not mutate its inputs.
 */
export function applyStrategicMergePatch(target: unknown, patch: unknown, kind: string): unknown {
  const meta = patchStructForKind(kind);
  if (meta === undefined) {
    patchError(
      415,
      'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
    );
  }
  const original = isJsonObject(target) ? jsonClone(target) : {};
  // JSON null decodes to an empty patch in Go; anything else that is not an object is a decode error.
  if (patch === null) return original;
  if (!isJsonObject(patch)) {
    const found = Array.isArray(patch) ? 'array' : typeof patch;
    patchError(400, `json: cannot unmarshal ${found} into Go value of type map[string]interface {}`);
  }
  return mergeMap(original, jsonClone(patch), meta);
}
