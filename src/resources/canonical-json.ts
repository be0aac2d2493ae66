// Comparing API objects by meaning: a real API server serves custom resources with their keys sorted at every
// level, whatever order they were written in, so two objects are compared in a canonical form, never as written.

/** JSON with object keys sorted at every level; `undefined` members are dropped as JSON.stringify does. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (isPlainObject(v) ? sortedCopy(v) : v));
}

/**
 * Whether two JSON values are equal whatever the order of their keys (and with undefined members ignored): exactly
 * `canonicalJson(a) === canonicalJson(b)`. Plain JSON is walked side by side, stopping at the first difference, with
 * no text built: a reconcile pass compares whole statuses several times, and serialising both sides was a large share
 * of its CPU. Anything JSON.stringify would transform (toJSON, boxed values, class instances) falls back to the text.
 */
export function sameJson(a: unknown, b: unknown): boolean {
  const walked = walkEqual(a, b);
  return walked === UNSURE ? canonicalJson(a) === canonicalJson(b) : walked;
}

/** The answer of a walk that met a value JSON.stringify would transform: compare the texts instead. */
const UNSURE = Symbol('unsure');

function walkEqual(a: unknown, b: unknown): boolean | typeof UNSURE {
  if (a === b) return typeof a !== 'object' || a === null || isJsonShaped(a) ? true : UNSURE;
  const left = asJsonScalar(a);
  const right = asJsonScalar(b);
  if (left === UNSURE || right === UNSURE) return UNSURE;
  if (left !== NOT_SCALAR || right !== NOT_SCALAR) return left === right;
  // Both are arrays or plain objects here (asJsonScalar said so).
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  return Array.isArray(a) ? arraysEqual(a, b as unknown[]) : objectsEqual(a as object, b as object);
}

const NOT_SCALAR = Symbol('not a scalar');

/**
 * What JSON.stringify writes for a scalar, as a comparable value (`null` for non-finite numbers, `undefined` for what
 * it leaves out); NOT_SCALAR for an array or a plain object; UNSURE for anything else.
 */
function asJsonScalar(v: unknown): unknown {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return v;
    case 'number':
      return Number.isFinite(v) ? v : null;
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
    case 'object':
      if (v === null) return null;
      return isJsonShaped(v) ? NOT_SCALAR : UNSURE;
    default:
      return UNSURE;
  }
}

/** An array, or an object with no prototype but Object's (or none) and no toJSON: stringified member by member. */
function isJsonShaped(v: object): boolean {
  if (Array.isArray(v)) return true;
  const proto = Object.getPrototypeOf(v) as unknown;
  return (proto === Object.prototype || proto === null) && typeof (v as { toJSON?: unknown }).toJSON !== 'function';
}

function arraysEqual(a: unknown[], b: unknown[]): boolean | typeof UNSURE {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    // In an array, what JSON leaves out of an object is written as null.
    const result = walkEqual(inArray(a[i]), inArray(b[i]));
    if (result !== true) return result;
  }
  return true;
}

function inArray(v: unknown): unknown {
  return v === undefined || typeof v === 'function' || typeof v === 'symbol' ? null : v;
}

function objectsEqual(a: object, b: object): boolean | typeof UNSURE {
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  let members = 0;
  for (const key of Object.keys(left)) {
    const value = left[key];
    if (leftOut(value)) continue;
    members++;
    if (!Object.prototype.propertyIsEnumerable.call(right, key)) return false;
    const result = walkEqual(value, right[key]);
    if (result !== true) return result;
  }
  let rightMembers = 0;
  for (const key of Object.keys(right)) if (!leftOut(right[key])) rightMembers++;
  return members === rightMembers;
}

/** What JSON.stringify leaves out of an object. */
function leftOut(v: unknown): boolean {
  return v === undefined || typeof v === 'function' || typeof v === 'symbol';
}

function sortedCopy(obj: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.keys(obj).sort().map((k) => [k, obj[k]]));
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
