// Kubernetes field errors: field paths and the exact text apimachinery's field.Error prints.
import type { SchemaError, SchemaErrorType } from './structural-schema.js';

/** Appends `.name` the way field.Path.Child does (no dot at the start of a path). */
export function childPath(path: string, name: string): string {
  return path === '' ? name : `${path}.${name}`;
}

/** Appends `[i]` the way field.Path.Index does. */
export function indexPath(path: string, index: number): string {
  return `${path}[${index}]`;
}

/** Appends `[key]` the way field.Path.Key does (map keys, never quoted). */
export function keyPath(path: string, key: string): string {
  return `${path}[${key}]`;
}

/** Marks an error whose bad value the apiserver leaves out (field.omitValue). */
export const OMIT_VALUE: unique symbol = Symbol('omitValue');

/** Renders a bad value as field.Error does: strings quoted, numbers and booleans bare, null as null. */
export function formatBadValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  // Go prints composite values with %#v; JSON is the readable equivalent for JSON data.
  return JSON.stringify(value);
}

/** field.ErrorType.String() for each type. */
const TYPE_LABELS: Record<SchemaErrorType, string> = {
  Required: 'Required value',
  Invalid: 'Invalid value',
  'Unsupported value': 'Unsupported value',
  'Too many': 'Too many',
  'Too long': 'Too long',
  Duplicate: 'Duplicate value',
  Forbidden: 'Forbidden',
};

/** Types whose printed form never shows the bad value (field.Error.ErrorBody). */
const TYPES_WITHOUT_VALUE: ReadonlySet<SchemaErrorType> = new Set(['Required', 'Forbidden', 'Too long']);

function errorBody(type: SchemaErrorType, value: unknown, detail: string): string {
  let body = TYPE_LABELS[type];
  if (!TYPES_WITHOUT_VALUE.has(type) && value !== OMIT_VALUE) body += `: ${formatBadValue(value)}`;
  return detail === '' ? body : `${body}: ${detail}`;
}

/** Builds a field error; `path` is printed as the apiserver prints it (an empty path prints as nothing). */
export function fieldError(type: SchemaErrorType, path: string, value: unknown, detail: string): SchemaError {
  const body = errorBody(type, value, detail);
  return { path, type, body, message: path === '' ? body : `${path}: ${body}` };
}

export function required(path: string, detail = ''): SchemaError {
  return fieldError('Required', path, OMIT_VALUE, detail);
}

export function invalid(path: string, value: unknown, detail: string): SchemaError {
  return fieldError('Invalid', path, value, detail);
}

export function forbidden(path: string, detail: string): SchemaError {
  return fieldError('Forbidden', path, OMIT_VALUE, detail);
}

export function duplicate(path: string, value: unknown): SchemaError {
  return fieldError('Duplicate', path, value, '');
}

/** field.NotSupported: `Unsupported value: "x": supported values: "a", "b"`. */
export function notSupported(path: string, value: unknown, supported: readonly string[]): SchemaError {
  const detail = supported.length > 0 ? `supported values: ${supported.map((v) => JSON.stringify(v)).join(', ')}` : '';
  return fieldError('Unsupported value', path, value, detail);
}

/** field.TooMany: `Too many: 4: must have at most 3 items`. */
export function tooMany(path: string, actual: number, max: number): SchemaError {
  const detail = max >= 0 ? `must have at most ${max} ${max === 1 ? 'item' : 'items'}` : 'has too many items';
  return fieldError('Too many', path, actual >= 0 ? actual : OMIT_VALUE, detail);
}

/** field.TooLongMaxLength: `Too long: may not be more than 5 bytes` (the apiserver says bytes, and counts runes). */
export function tooLong(path: string, max: number): SchemaError {
  const detail = max >= 0 ? `may not be more than ${max} ${max === 1 ? 'byte' : 'bytes'}` : 'value is too long';
  return fieldError('Too long', path, OMIT_VALUE, detail);
}

const CAUSE_REASONS: Record<SchemaErrorType, string> = {
  Required: 'FieldValueRequired',
  Invalid: 'FieldValueInvalid',
  'Unsupported value': 'FieldValueNotSupported',
  'Too many': 'FieldValueTooMany',
  'Too long': 'FieldValueTooLong',
  Duplicate: 'FieldValueDuplicate',
  Forbidden: 'FieldValueForbidden',
};

/** The `reason` of a Status cause for this error type (metav1.CauseType). */
export function causeReason(type: SchemaErrorType): string {
  return CAUSE_REASONS[type];
}

/**
 * The message of a 422 Status, as the apiserver builds it:
 * `Rollout.vane.dev "web" is invalid: [a, b]` for several errors, without brackets for one.
 */
export function formatFieldErrors(qualifiedKind: string, name: string, errors: readonly SchemaError[]): string {
  const lines = errors.map((e) => e.message);
  const list = lines.length === 1 ? (lines[0] ?? '') : `[${lines.join(', ')}]`;
  return `${qualifiedKind} "${name}" is invalid: ${list}`;
}
