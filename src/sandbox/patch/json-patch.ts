// JSON patch (RFC 6902), the `application/json-patch+json` patch type, with the behaviour and error texts of
// the library kube-apiserver applies it with (evanphx/json-patch v4): negative array indices are accepted,
// the root itself cannot be replaced, and any failure rejects the whole patch.
import { isJsonObject, jsonClone, jsonEqual } from '../schema/json-value.js';
import type { JsonObject } from '../schema/json-value.js';
import { badPatch, unprocessablePatch } from './patch-error.js';

export { PatchError } from './patch-error.js';

const MISSING = 'missing value';
const INVALID_INDEX = 'invalid index referenced';
const TEST_FAILED = 'test failed';

/** A failure inside one operation, worded like pkg/errors' Wrapf chains ("outer: inner"). */
class OperationFailure extends Error {}

function fail(...parts: string[]): never {
  throw new OperationFailure(parts.join(': '));
}

type Operation = Record<string, unknown>;

type Container = { kind: 'object'; node: JsonObject } | { kind: 'array'; node: unknown[] };

/** RFC 6901 unescaping, `~1` before `~0` as the RFC requires. */
function decodeKey(key: string): string {
  return key.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** The JSON pointer escaping of one reference token (for building paths). */
export function escapeJsonPointerToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

function parseIndex(key: string): number | undefined {
  return /^[+-]?\d+$/.test(key) ? Number(key) : undefined;
}

function stringField(op: Operation, field: 'op' | 'path' | 'from'): string | undefined {
  const v = op[field];
  return typeof v === 'string' ? v : undefined;
}

function containerOf(value: unknown): Container | undefined {
  if (Array.isArray(value)) return { kind: 'array', node: value };
  if (isJsonObject(value)) return { kind: 'object', node: value };
  return undefined;
}

/** Walks to the parent of the last token; undefined when any step is missing or not a container. */
function findParent(root: JsonObject, path: string): { parent: Container; key: string } | undefined {
  const split = path.split('/');
  if (split.length < 2) return undefined;
  let current: Container = { kind: 'object', node: root };
  for (const part of split.slice(1, -1)) {
    const next = getChild(current, decodeKey(part));
    if (next.error !== undefined || next.value === undefined || next.value === null) return undefined;
    const container = containerOf(next.value);
    if (container === undefined) return undefined;
    current = container;
  }
  return { parent: current, key: decodeKey(split[split.length - 1] ?? '') };
}

/** Resolves a (possibly negative) index against a list of `size` slots, as the library does. */
function resolveIndex(key: string, size: number): number {
  const parsed = parseIndex(key);
  if (parsed === undefined) fail(`strconv.Atoi: parsing ${JSON.stringify(key)}: invalid syntax`);
  let idx = parsed;
  if (idx < 0) {
    if (idx < -size) fail(`Unable to access invalid index: ${idx}`, INVALID_INDEX);
    idx += size;
  }
  if (idx >= size) fail(`Unable to access invalid index: ${idx}`, INVALID_INDEX);
  return idx;
}

function getChild(c: Container, key: string): { value?: unknown; error?: string } {
  if (c.kind === 'object') return { value: c.node[key] };
  try {
    return { value: c.node[resolveIndex(key, c.node.length)] };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

function addChild(c: Container, key: string, value: unknown): void {
  if (c.kind === 'object') {
    c.node[key] = value;
    return;
  }
  if (key === '-') {
    c.node.push(value);
    return;
  }
  if (parseIndex(key) === undefined) {
    fail(`value was not a proper array index: '${key}'`, `strconv.Atoi: parsing ${JSON.stringify(key)}: invalid syntax`);
  }
  const idx = resolveIndex(key, c.node.length + 1);
  c.node.splice(idx, 0, value);
}

function removeChild(c: Container, key: string): void {
  if (c.kind === 'object') {
    if (!Object.prototype.hasOwnProperty.call(c.node, key)) fail(`Unable to remove nonexistent key: ${key}`, MISSING);
    delete c.node[key];
    return;
  }
  const idx = resolveIndex(key, c.node.length);
  c.node.splice(idx, 1);
}

function setChild(c: Container, key: string, value: unknown): void {
  if (c.kind === 'object') c.node[key] = value;
  else c.node[resolveIndex(key, c.node.length)] = value;
}

function requirePath(op: Operation, kind: string): string {
  const path = stringField(op, 'path');
  if (path === undefined) fail(`${kind} operation failed to decode path`, MISSING);
  return path;
}

function requireFrom(op: Operation, kind: string): string {
  const from = stringField(op, 'from');
  if (from === undefined) fail(`${kind} operation failed to decode from`, 'operation, missing from field', MISSING);
  return from;
}

function valueOf(op: Operation): unknown {
  return jsonClone(op.value ?? null);
}

function wrapped(prefix: string, action: () => void): void {
  try {
    action();
  } catch (err) {
    if (err instanceof OperationFailure) fail(prefix, err.message);
    throw err;
  }
}

function opAdd(doc: JsonObject, op: Operation): void {
  const path = requirePath(op, 'add');
  const target = findParent(doc, path);
  if (target === undefined) fail(`add operation does not apply: doc is missing path: "${path}"`, MISSING);
  wrapped(`error in add for path: '${path}'`, () => addChild(target.parent, target.key, valueOf(op)));
}

function opRemove(doc: JsonObject, op: Operation): void {
  const path = requirePath(op, 'remove');
  const target = findParent(doc, path);
  if (target === undefined) fail(`remove operation does not apply: doc is missing path: "${path}"`, MISSING);
  wrapped(`error in remove for path: '${path}'`, () => removeChild(target.parent, target.key));
}

function opReplace(doc: JsonObject, op: Operation): void {
  const path = requirePath(op, 'replace');
  const target = findParent(doc, path);
  if (target === undefined) fail(`replace operation does not apply: doc is missing path: ${path}`, MISSING);
  const current = getChild(target.parent, target.key);
  const missingKey = target.parent.kind === 'object' && !Object.prototype.hasOwnProperty.call(target.parent.node, target.key);
  if (current.error !== undefined || missingKey) fail(`replace operation does not apply: doc is missing key: ${path}`, MISSING);
  wrapped(`error in remove for path: '${path}'`, () => setChild(target.parent, target.key, valueOf(op)));
}

function opMove(doc: JsonObject, op: Operation): void {
  const from = requireFrom(op, 'move');
  const source = findParent(doc, from);
  if (source === undefined) fail(`move operation does not apply: doc is missing from path: ${from}`, MISSING);
  const current = getChild(source.parent, source.key);
  if (current.error !== undefined) fail(`error in move for path: '${source.key}'`, current.error);
  wrapped(`error in move for path: '${source.key}'`, () => removeChild(source.parent, source.key));
  const path = requirePath(op, 'move');
  const target = findParent(doc, path);
  if (target === undefined) fail(`move operation does not apply: doc is missing destination path: ${path}`, MISSING);
  wrapped(`error in move for path: '${path}'`, () => addChild(target.parent, target.key, current.value ?? null));
}

function opCopy(doc: JsonObject, op: Operation): void {
  const from = requireFrom(op, 'copy');
  const source = findParent(doc, from);
  if (source === undefined) fail(`copy operation does not apply: doc is missing from path: ${from}`, MISSING);
  const current = getChild(source.parent, source.key);
  if (current.error !== undefined) fail(`error in copy for from: '${from}'`, current.error);
  const path = requirePath(op, 'copy');
  const target = findParent(doc, path);
  if (target === undefined) fail(`copy operation does not apply: doc is missing destination path: ${path}`, MISSING);
  wrapped('error while adding value during copy', () => addChild(target.parent, target.key, jsonClone(current.value ?? null)));
}

function opTest(doc: JsonObject, op: Operation): void {
  const path = requirePath(op, 'test');
  const target = findParent(doc, path);
  if (target === undefined) fail(`test operation does not apply: is missing path: ${path}`, MISSING);
  const current = getChild(target.parent, target.key);
  if (current.error !== undefined) fail(`error in test for path: '${path}'`, current.error);
  const actual = current.value ?? null;
  const expected = op.value ?? null;
  if (!jsonEqual(actual, expected)) fail(`testing value ${path} failed`, TEST_FAILED);
}

const OPERATIONS: Record<string, (doc: JsonObject, op: Operation) => void> = {
  add: opAdd,
  remove: opRemove,
  replace: opReplace,
  move: opMove,
  copy: opCopy,
  test: opTest,
};

/** What DecodePatch accepts: a JSON array of objects. */
function decodeOperations(ops: unknown): Operation[] {
  if (!Array.isArray(ops)) {
    throw badPatch(`json: cannot unmarshal ${describe(ops)} into Go value of type jsonpatch.Patch`);
  }
  for (const op of ops) {
    if (!isJsonObject(op) && op !== null) {
      throw badPatch(`json: cannot unmarshal ${describe(op)} into Go value of type jsonpatch.Operation`);
    }
  }
  return ops.map((op) => (op === null ? {} : (op as Operation)));
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null || value === undefined) return 'null';
  return typeof value === 'object' ? 'object' : typeof value;
}

/**
 * Applies RFC 6902 operations to a copy of `target` (a JSON object, as every Kubernetes object is).
 * Throws PatchError: 400 when `ops` is not a list of operation objects, 422 when an operation does not apply
 * (unknown op, missing path, bad index, failed test). Does not mutate its inputs.
 */
export function applyJsonPatch(target: unknown, ops: unknown): unknown {
  const operations = decodeOperations(ops);
  if (!isJsonObject(target)) throw badPatch('json: cannot unmarshal non-object document into Go value of type jsonpatch.partialDoc');
  const doc = jsonClone(target);
  for (const op of operations) {
    const kind = stringField(op, 'op') ?? 'unknown';
    const apply = OPERATIONS[kind];
    try {
      if (apply === undefined) fail(`Unexpected kind: ${kind}`);
      apply(doc, op);
    } catch (err) {
      if (err instanceof OperationFailure) throw unprocessablePatch(err.message);
      throw err;
    }
  }
  return doc;
}
