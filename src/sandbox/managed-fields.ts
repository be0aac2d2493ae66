// metadata.managedFields as kube-apiserver v1.19 keeps them: each write records, for its manager, the fields it set
// or changed, and takes them away from every other manager. Clients pay for them in every list and watch, so a
// sandbox without them would hide the cost of caching objects.
import { FieldSet, fieldElement, keyElement, valueElement, type FieldsV1 } from './field-set.js';
import { timestampNow, type KubeObject } from './kube-object.js';
import { patchStructForKind, type PatchField, type PatchStruct } from './patch/strategic-merge-schema.js';
import { isJsonObject, jsonEqual } from './schema/json-value.js';

export type ManagedFieldsOperation = 'Update' | 'Apply';

export interface ManagedFieldsEntry {
  manager: string;
  operation: ManagedFieldsOperation;
  apiVersion: string;
  time?: string;
  fieldsType: 'FieldsV1';
  fieldsV1: FieldsV1;
}

/** Who writes, and how. A status write is an Update like any other: `subresource` only exists from 1.22. */
export interface FieldWrite {
  manager: string;
  apiVersion: string;
  now: Date;
  /** For server-side apply: the applied configuration, whose fields the manager then owns. */
  applied?: unknown;
}

/** How the fields of a kind are shaped: built-in kinds key their lists (by the patch merge keys) and have Go structs
 * that exist even in an empty object; custom resources in 1.19 treat every list as atomic. */
export interface KindShape {
  kind: string;
  builtin: boolean;
}

/** The name the sandbox's own controllers (ReplicaSet status, garbage collector, namespaces) write under. */
export const CONTROLLER_MANAGER = 'kube-controller-manager';

/** What the apiserver calls a write without a User-Agent. */
const UNKNOWN_MANAGER = 'unknown';

/**
 * The manager a request writes as: its `fieldManager`, else its User-Agent up to the first '/' (what the apiserver's
 * prefixFromUserAgent keeps: `kubectl/v1.19.0 (linux/amd64)` is `kubectl`).
 */
export function managerOf(fieldManager: string | null, userAgent: string | undefined): string {
  if (fieldManager) return fieldManager;
  const prefix = (userAgent ?? '').split('/')[0] ?? '';
  return prefix === '' ? UNKNOWN_MANAGER : prefix;
}

/** Fields the apiserver never tracks: identity and server-owned metadata. */
const UNTRACKED_METADATA = ['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'clusterName', 'generation', 'managedFields', 'resourceVersion'];

/**
 * What an empty object of a built-in kind holds, as Go encodes its zero value: structs that are not pointers are `{}`,
 * and pointers and slices without `omitempty` are null. A create is compared against this, so what already exists
 * here is not added as a member (no `.` beside its children), unlike the maps, lists and pointers a create brings in.
 */
const POD_TEMPLATE_ZERO = { metadata: { creationTimestamp: null }, spec: { containers: null } };
const ZERO_OBJECTS: Readonly<Record<string, Record<string, unknown>>> = {
  Deployment: { spec: { selector: null, template: POD_TEMPLATE_ZERO, strategy: {} }, status: {} },
  ReplicaSet: { spec: { selector: null, template: POD_TEMPLATE_ZERO }, status: {} },
  Job: { spec: { template: POD_TEMPLATE_ZERO }, status: {} },
  Pod: { spec: { containers: null }, status: {} },
  Service: { spec: {}, status: { loadBalancer: {} } },
  Ingress: { spec: {}, status: { loadBalancer: {} } },
  Namespace: { spec: {}, status: {} },
  Lease: { spec: {} },
  Event: { involvedObject: {}, source: {} },
  CustomResourceDefinition: { spec: { names: {}, versions: null }, status: { acceptedNames: {}, storedVersions: null } },
};

/** Where a merge key alone does not identify an item, the apiserver keys it by these fields (list-map-keys). */
const LIST_MAP_KEYS: Readonly<Record<string, readonly string[]>> = {
  containerPort: ['containerPort', 'protocol'],
  port: ['port', 'protocol'],
};

/** ObjectMeta's lists: finalizers are a set, owner references keyed by uid; the same for every kind. */
const OBJECT_META: PatchStruct = patchStructForKind('ConfigMap')?.['metadata']?.fields ?? {};

/**
 * The managedFields `next` should be stored with, or undefined for none. `old` is the stored object (undefined on
 * create). As in v1.19, managedFields a client sends are the base the write is tracked on (so a client can rewrite
 * them), `[]` or `[{}]` clears them and tracks nothing, and none (or undecodable ones) means the stored ones. What
 * the write added or changed becomes the writer's and leaves every other manager; what it removed leaves everyone.
 */
export function trackManagedFields(shape: KindShape, old: KubeObject | undefined, next: KubeObject, write: FieldWrite): ManagedFieldsEntry[] | undefined {
  const supplied = next.metadata['managedFields'];
  if (isReset(supplied)) return undefined;
  const base = decode(supplied) ?? decode(old?.metadata['managedFields']) ?? [];
  const struct = structOf(shape);
  const changed = new FieldSet();
  const removed = new FieldSet();
  compareValue(tracked(old ?? zeroObject(shape)), tracked(next), { fields: struct }, changed, removed);
  if (changed.empty && removed.empty) return encode(base);
  return encode(updateManagers(base, changed, removed, write, shape, struct));
}

/** The apiserver's reset value: an empty list, or one empty entry. */
function isReset(supplied: unknown): boolean {
  if (!Array.isArray(supplied)) return false;
  return supplied.length === 0 || (supplied.length === 1 && isJsonObject(supplied[0]) && Object.keys(supplied[0]).length === 0);
}

interface Managed {
  entry: Omit<ManagedFieldsEntry, 'fieldsV1'>;
  set: FieldSet;
}

function updateManagers(managers: Managed[], changed: FieldSet, removed: FieldSet, write: FieldWrite, shape: KindShape, struct: PatchStruct): Managed[] {
  const operation: ManagedFieldsOperation = write.applied === undefined ? 'Update' : 'Apply';
  const taken = new FieldSet();
  taken.unionWith(changed);
  let own: FieldSet | undefined;
  if (write.applied !== undefined) {
    // An applied configuration owns exactly its fields; force-taking them from others (no conflicts in the sandbox).
    own = new FieldSet();
    compareValue(tracked(zeroObject(shape)), tracked(write.applied), { fields: struct }, own, new FieldSet());
    taken.unionWith(own);
  }
  const mine = (m: Managed): boolean =>
    m.entry.manager === write.manager && m.entry.operation === operation && (operation === 'Apply' || m.entry.apiVersion === write.apiVersion);
  let writer = managers.find(mine);
  if (!writer) {
    writer = { entry: { manager: write.manager, operation, apiVersion: write.apiVersion, fieldsType: 'FieldsV1' }, set: new FieldSet() };
    managers.push(writer);
  }
  for (const m of managers) {
    if (m !== writer) m.set.subtract(taken);
    m.set.subtract(removed);
  }
  if (own) writer.set = own;
  else writer.set.unionWith(changed);
  writer.set.subtract(removed);
  writer.entry = { ...writer.entry, apiVersion: write.apiVersion, time: timestampNow(write.now) };
  return managers.filter((m) => !m.set.empty);
}

/** The entries as manager and field set, or undefined when there are none or they do not decode. */
function decode(entries: unknown): Managed[] | undefined {
  if (!Array.isArray(entries) || entries.length === 0) return undefined;
  if (!entries.every((e) => isJsonObject(e) && (e['fieldsV1'] === undefined || isJsonObject(e['fieldsV1'])))) return undefined;
  return (entries as Array<Record<string, unknown>>).map((raw) => {
    const { fieldsV1, ...entry } = raw as unknown as ManagedFieldsEntry;
    // metav1.Time: a client may send any RFC 3339 form; the apiserver keeps whole seconds.
    const time = entry.time === undefined ? undefined : Date.parse(entry.time);
    if (time !== undefined && Number.isFinite(time)) entry.time = timestampNow(new Date(time));
    return { entry, set: FieldSet.fromFieldsV1(fieldsV1) };
  });
}

/** In the apiserver's order: operation, then time, manager and apiVersion. */
function encode(managers: Managed[]): ManagedFieldsEntry[] | undefined {
  if (managers.length === 0) return undefined;
  const order = (m: Managed): string[] => [m.entry.operation, m.entry.time ?? '', m.entry.manager, m.entry.apiVersion];
  const sorted = [...managers].sort((a, b) => compareTuples(order(a), order(b)));
  return sorted.map((m) => ({ ...m.entry, fieldsV1: m.set.toFieldsV1() }));
}

function compareTuples(a: string[], b: string[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? '';
    const y = b[i] ?? '';
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

function structOf(shape: KindShape): PatchStruct {
  if (shape.builtin) return patchStructForKind(shape.kind) ?? { metadata: { fields: OBJECT_META } };
  return { metadata: { fields: OBJECT_META } };
}

/** The object the apiserver compares a create against: an empty object of the kind. */
function zeroObject(shape: KindShape): KubeObject {
  const zero = shape.builtin ? ZERO_OBJECTS[shape.kind] : undefined;
  return { metadata: {}, ...structuredClone(zero ?? {}) };
}

/** The object without what is never tracked. */
function tracked(obj: unknown): Record<string, unknown> {
  if (!isJsonObject(obj)) return {};
  const { apiVersion: _apiVersion, kind: _kind, metadata, ...rest } = obj;
  if (!isJsonObject(metadata)) return rest;
  const meta = Object.fromEntries(Object.entries(metadata).filter(([name]) => !UNTRACKED_METADATA.includes(name)));
  return { ...rest, metadata: meta };
}

type ListShape = { type: 'keyed'; keys: readonly string[] } | { type: 'set' } | { type: 'atomic' };

function listShape(field: PatchField | undefined, items: readonly unknown[]): ListShape {
  if (field?.strategy !== 'merge') return { type: 'atomic' };
  if (field.mergeKey === undefined) return items.every((v) => !isJsonObject(v) && !Array.isArray(v)) ? { type: 'set' } : { type: 'atomic' };
  const primary = field.mergeKey;
  // An item without its key, or two with the same one, cannot be keyed: the apiserver would refuse the list.
  const elements = items.map((item) => (isJsonObject(item) && item[primary] !== undefined ? 'ok' : undefined));
  if (elements.includes(undefined)) return { type: 'atomic' };
  return { type: 'keyed', keys: LIST_MAP_KEYS[primary] ?? [primary] };
}

function itemElement(item: unknown, keys: readonly string[]): string {
  const record = item as Record<string, unknown>;
  return keyElement(Object.fromEntries(keys.filter((k) => record[k] !== undefined).map((k) => [k, record[k]])));
}

/** Adds to `changed` what `next` adds or changes over `old`, and to `removed` what it drops. */
function compareValue(old: unknown, next: unknown, field: PatchField | undefined, changed: FieldSet, removed: FieldSet): void {
  // A field that was null existed already: filling it in does not add it (Go's encoding of a nil pointer or slice).
  if (isJsonObject(next)) {
    if (!isJsonObject(old) && old !== null) {
      changed.member = true;
      if (old !== undefined) removeAll(old, field, removed, true);
    }
    compareMap(isJsonObject(old) ? old : {}, next, field?.fields, changed, removed);
    return;
  }
  if (Array.isArray(next)) {
    const shape = listShape(field, [...next, ...(Array.isArray(old) ? old : [])]);
    if (shape.type !== 'atomic') {
      if (!Array.isArray(old) && old !== null) {
        changed.member = true;
        if (old !== undefined) removeAll(old, field, removed, true);
      }
      compareList(Array.isArray(old) ? old : [], next, shape, field, changed, removed);
      return;
    }
  }
  if (jsonEqual(old, next)) return;
  changed.member = true;
  if (isJsonObject(old) || Array.isArray(old)) removeAll(old, field, removed, true);
}

function compareMap(old: Record<string, unknown>, next: Record<string, unknown>, fields: PatchStruct | undefined, changed: FieldSet, removed: FieldSet): void {
  for (const [name, value] of Object.entries(next)) {
    const element = fieldElement(name);
    compareValue(old[name], value, fields?.[name], changed.child(element), removed.child(element));
  }
  for (const [name, value] of Object.entries(old)) {
    if (!(name in next)) removeAll(value, fields?.[name], removed.child(fieldElement(name)));
  }
  prune(changed);
  prune(removed);
}

function compareList(old: readonly unknown[], next: readonly unknown[], shape: ListShape, field: PatchField | undefined, changed: FieldSet, removed: FieldSet): void {
  const elementOf = (item: unknown): string => (shape.type === 'keyed' ? itemElement(item, shape.keys) : valueElement(item));
  const before = new Map(old.map((item) => [elementOf(item), item]));
  const after = new Set<string>();
  for (const item of next) {
    const element = elementOf(item);
    after.add(element);
    if (shape.type === 'set') {
      if (!before.has(element)) changed.child(element).member = true;
      continue;
    }
    compareValue(before.get(element), item, { fields: field?.fields }, changed.child(element), removed.child(element));
  }
  for (const [element, item] of before) {
    if (!after.has(element)) removeAll(item, shape.type === 'set' ? undefined : { fields: field?.fields }, removed.child(element));
  }
  prune(changed);
  prune(removed);
}

/** Marks `value` and everything below it as removed (`below` only: the node itself is being replaced). */
function removeAll(value: unknown, field: PatchField | undefined, removed: FieldSet, belowOnly = false): void {
  if (!belowOnly) removed.member = true;
  if (isJsonObject(value)) {
    for (const [name, child] of Object.entries(value)) removeAll(child, field?.fields?.[name], removed.child(fieldElement(name)));
    return;
  }
  if (!Array.isArray(value)) return;
  const shape = listShape(field, value);
  if (shape.type === 'atomic') return;
  for (const item of value) {
    const element = shape.type === 'keyed' ? itemElement(item, shape.keys) : valueElement(item);
    removeAll(item, shape.type === 'keyed' ? { fields: field?.fields } : undefined, removed.child(element));
  }
}

/** Drops child nodes that hold no member (left by descending into fields that did not change). */
function prune(set: FieldSet): void {
  for (const [element, child] of set.children) {
    if (child.empty) set.children.delete(element);
  }
}
