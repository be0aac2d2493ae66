// Validation of a custom resource against its CRD schema, reproducing kube-openapi's validator and the
// apiextensions-apiserver's translation of its results into field errors.
//
// Paths and messages follow kube-openapi: a property is `parent.name`, an item `parent[i]`, a map value
// `parent.key`; errors from allOf/anyOf/oneOf/not carry the path `<nil>` exactly as the apiserver prints them.
import type { JSONSchemaProps, SchemaError } from './structural-schema.js';
import { childPath, invalid, notSupported, required, tooLong, tooMany } from './field-error.js';
import { jsonEqual, jsonKind } from './json-value.js';
import type { JsonKind, JsonObject } from './json-value.js';
import { isKnownFormat, matchesFormat } from './schema-formats.js';
import { validateEmbeddedResources } from './embedded-resource-validation.js';
import { validateListTypes } from './list-type-validation.js';

/** What one validator pass found, and how much of the value it matched (to pick the best anyOf failure). */
class Result {
  readonly errors: SchemaError[] = [];
  private readonly seen = new Set<string>();
  matches = 0;

  add(error: SchemaError): void {
    // kube-openapi drops an error whose text it already holds.
    if (this.seen.has(error.message)) return;
    this.seen.add(error.message);
    this.errors.push(error);
  }

  merge(other: Result | undefined): this {
    if (other === undefined) return this;
    for (const e of other.errors) this.add(e);
    this.matches += other.matches;
    return this;
  }

  get valid(): boolean {
    return this.errors.length === 0;
  }
}

interface Context {
  /** The apiserver's fldPath: error paths are `fldPath.name`, composite errors sit at fldPath itself. */
  fldPath: string;
}

/** The path a kube-openapi error name becomes: `fldPath.Child(name)` after trimming a leading dot. */
function errorPathIn(ctx: Context, name: string): string {
  if (name === '' || name === '.') return ctx.fldPath === '' ? '<nil>' : ctx.fldPath;
  return childPath(ctx.fldPath, name.replace(/^\./, ''));
}

function schemaTypes(schema: JSONSchemaProps): string[] {
  if (schema['x-kubernetes-int-or-string'] === true) return ['integer', 'string'];
  return schema.type !== undefined && schema.type !== '' ? [schema.type] : [];
}

/** The format the validator still sees: the apiserver strips formats its registry does not know. */
function effectiveFormat(schema: JSONSchemaProps): string {
  return isKnownFormat(schema.format) ? (schema.format ?? '') : '';
}

/**
 * Validates `obj` against `schema` as the apiserver does on create and update: value validation
 * (kube-openapi), then embedded resources' apiVersion/kind/metadata, then list-type set/map uniqueness.
 * `basePath` is the apiserver's fldPath: it prefixes every error path (and is where allOf/anyOf/oneOf/not
 * errors sit instead of `<nil>`), while the kube-openapi text inside messages stays relative to it.
 */
export function validateObject(schema: JSONSchemaProps, obj: unknown, basePath = ''): SchemaError[] {
  const ctx: Context = { fldPath: basePath };
  const result = validateNode(schema, obj, '', ctx);
  const all = new Result();
  for (const e of result.errors) all.add(e);
  for (const e of validateEmbeddedResources(schema, obj, basePath)) all.add(e);
  for (const e of validateListTypes(schema, obj, basePath)) all.add(e);
  return all.errors;
}

function validateNode(schema: JSONSchemaProps, data: unknown, name: string, ctx: Context): Result {
  const result = new Result();
  const kind = jsonKind(data);
  if (kind === 'null') {
    result.merge(validateType(schema, data, name, ctx));
    result.merge(validateEnum(schema, data, name, ctx));
    return result;
  }
  const steps: Array<() => Result | undefined> = [
    () => (schemaTypes(schema).length > 0 || effectiveFormat(schema) !== '' ? validateType(schema, data, name, ctx) : undefined),
    () => validateCombinators(schema, data, name, ctx),
    () => (kind === 'string' ? validateString(schema, data as string, name, ctx) : undefined),
    () => (kind === 'string' && effectiveFormat(schema) !== '' ? validateFormat(schema, data as string, name, ctx) : undefined),
    () => (kind === 'integer' || kind === 'number' ? validateNumber(schema, data as number, name, ctx) : undefined),
    () => (kind === 'array' ? validateArray(schema, data as unknown[], name, ctx) : undefined),
    () => validateEnum(schema, data, name, ctx),
    () => (kind === 'object' ? validateProperties(schema, data as JsonObject, name, ctx) : undefined),
  ];
  for (const step of steps) {
    const r = step();
    if (r === undefined) continue;
    result.merge(r);
    result.matches++;
  }
  result.matches++;
  return result;
}

function typeError(ctx: Context, name: string, expected: string, actual: string): SchemaError {
  return invalid(errorPathIn(ctx, name), actual, `${name} in body must be of type ${expected}: ${JSON.stringify(actual)}`);
}

/** The Go format name schemaInfoForType reports for a decoded non-string value. */
function goFormatOf(kind: JsonKind): string {
  if (kind === 'integer') return 'int64';
  if (kind === 'number') return 'double';
  return '';
}

function validateType(schema: JSONSchemaProps, data: unknown, name: string, ctx: Context): Result {
  const result = new Result();
  const types = schemaTypes(schema);
  const kind = jsonKind(data);
  if (kind === 'null') {
    if (types.length > 0 && !types.includes('null') && schema.nullable !== true) {
      result.add(typeError(ctx, name, types.join(','), 'null'));
    }
    return result;
  }
  const format = effectiveFormat(schema);
  const numeric = types.includes('number') || types.includes('integer');
  const typeMatches = types.includes(kind) || (kind === 'integer' && types.includes('number'));
  if (kind !== 'string' && kind !== 'array' && format !== '' && !typeMatches) {
    result.add(typeError(ctx, name, format, goFormatOf(kind)));
    return result;
  }
  if (!numeric && format !== '' && (kind === 'string' || kind === 'array')) return result;
  if (!typeMatches) {
    result.add(typeError(ctx, name, types.join(','), kind));
    return result;
  }
  result.matches++;
  return result;
}

function runeLength(value: string): number {
  let n = 0;
  for (const _ of value) n++;
  return n;
}

const patternCache = new Map<string, RegExp | null>();

/** Compiles a Go (RE2) pattern as a JavaScript regex; the common subset reads the same in both. */
function compilePattern(pattern: string): RegExp | null {
  const cached = patternCache.get(pattern);
  if (cached !== undefined) return cached;
  let re: RegExp | null = null;
  for (const flags of ['u', '']) {
    try {
      re = new RegExp(pattern, flags);
      break;
    } catch {
      re = null;
    }
  }
  patternCache.set(pattern, re);
  return re;
}

/** The string checks stop at the first failure, in this order, as kube-openapi's stringValidator does. */
function validateString(schema: JSONSchemaProps, data: string, name: string, ctx: Context): Result | undefined {
  if (schema.maxLength === undefined && schema.minLength === undefined && (schema.pattern ?? '') === '') return undefined;
  const result = new Result();
  const length = runeLength(data);
  if (schema.maxLength !== undefined && length > schema.maxLength) {
    result.add(tooLong(errorPathIn(ctx, name), schema.maxLength));
  } else if (schema.minLength !== undefined && length < schema.minLength) {
    result.add(invalid(errorPathIn(ctx, name), data, `${name} in body should be at least ${schema.minLength} chars long`));
  } else if (schema.pattern !== undefined && schema.pattern !== '') {
    const re = compilePattern(schema.pattern);
    if (re === null || !re.test(data)) {
      result.add(invalid(errorPathIn(ctx, name), data, `${name} in body should match '${schema.pattern}'`));
    }
  }
  return result;
}

function validateFormat(schema: JSONSchemaProps, data: string, name: string, ctx: Context): Result {
  const result = new Result();
  const format = schema.format ?? '';
  if (!matchesFormat(format, data)) {
    result.add(invalid(errorPathIn(ctx, name), data, `${name} in body must be of type ${format}: ${JSON.stringify(data)}`));
  }
  return result;
}

/** swag.IsFloat64AJSONInteger: whole, allowing for floating-point noise. */
function isWholeNumber(value: number): boolean {
  if (!Number.isFinite(value)) return false;
  if (Number.isInteger(value)) return true;
  const diff = Math.abs(value - Math.round(value));
  return diff / Math.abs(value) < 1e-9;
}

function multipleOfError(schema: JSONSchemaProps, data: number, name: string, ctx: Context): SchemaError | undefined {
  const factor = schema.multipleOf;
  if (factor === undefined) return undefined;
  if (factor <= 0) {
    return invalid(errorPathIn(ctx, name), factor, `factor MultipleOf declared for ${name} must be positive: ${factor}`);
  }
  const quotient = factor < 1 ? (1 / factor) * data : data / factor;
  if (isWholeNumber(quotient)) return undefined;
  return invalid(errorPathIn(ctx, name), data, `${name} in body should be a multiple of ${factor}`);
}

function maximumError(schema: JSONSchemaProps, data: number, name: string, ctx: Context): SchemaError | undefined {
  const max = schema.maximum;
  if (max === undefined) return undefined;
  const exclusive = schema.exclusiveMaximum === true;
  if (exclusive ? data < max : data <= max) return undefined;
  const rel = exclusive ? 'less than' : 'less than or equal to';
  return invalid(errorPathIn(ctx, name), data, `${name} in body should be ${rel} ${max}`);
}

function minimumError(schema: JSONSchemaProps, data: number, name: string, ctx: Context): SchemaError | undefined {
  const min = schema.minimum;
  if (min === undefined) return undefined;
  const exclusive = schema.exclusiveMinimum === true;
  if (exclusive ? data > min : data >= min) return undefined;
  const rel = exclusive ? 'greater than' : 'greater than or equal to';
  return invalid(errorPathIn(ctx, name), data, `${name} in body should be ${rel} ${min}`);
}

function validateNumber(schema: JSONSchemaProps, data: number, name: string, ctx: Context): Result {
  const result = new Result();
  for (const check of [multipleOfError, maximumError, minimumError]) {
    const error = check(schema, data, name, ctx);
    if (error !== undefined) result.add(error);
  }
  return result;
}

function validateArray(schema: JSONSchemaProps, data: unknown[], name: string, ctx: Context): Result {
  const result = new Result();
  const items = schema.items;
  data.forEach((item, i) => {
    const itemSchema = Array.isArray(items) ? items[i] : items;
    if (itemSchema !== undefined) result.merge(validateNode(itemSchema, item, `${name}[${i}]`, ctx));
  });
  if (schema.minItems !== undefined && data.length < schema.minItems) {
    result.add(invalid(errorPathIn(ctx, name), data.length, `${name} in body should have at least ${schema.minItems} items`));
  }
  if (schema.maxItems !== undefined && data.length > schema.maxItems) {
    result.add(tooMany(errorPathIn(ctx, name), data.length, schema.maxItems));
  }
  if (schema.uniqueItems === true && hasDuplicates(data)) {
    result.add(invalid(errorPathIn(ctx, name), '', `${name} in body shouldn't contain duplicates`));
  }
  result.matches++;
  return result;
}

function hasDuplicates(data: unknown[]): boolean {
  return data.some((item, i) => data.slice(i + 1).some((other) => jsonEqual(item, other)));
}

/** The enum's allowed values as the apiserver lists them: strings bare, anything else as JSON. */
function enumLabels(values: unknown[]): string[] {
  return values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
}

function validateEnum(schema: JSONSchemaProps, data: unknown, name: string, ctx: Context): Result | undefined {
  const values = schema.enum;
  if (values === undefined || values.length === 0) return undefined;
  const result = new Result();
  if (!values.some((v) => jsonEqual(v, data ?? null))) {
    result.add(notSupported(errorPathIn(ctx, name), data ?? null, enumLabels(values)));
  }
  return result;
}

function childName(parent: string, key: string): string {
  return parent === '' ? key : `${parent}.${key}`;
}

function validateProperties(schema: JSONSchemaProps, data: JsonObject, name: string, ctx: Context): Result {
  const result = new Result();
  const count = Object.keys(data).length;
  if (schema.minProperties !== undefined && count < schema.minProperties) {
    result.add(invalid(errorPathIn(ctx, name), count, `${name} in body should have at least ${schema.minProperties} properties`));
    return result;
  }
  if (schema.maxProperties !== undefined && count > schema.maxProperties) {
    result.add(tooMany(errorPathIn(ctx, name), count, schema.maxProperties));
    return result;
  }
  validateAdditionalProperties(schema, data, name, ctx, result);
  for (const [key, propSchema] of Object.entries(schema.properties ?? {})) {
    if (Object.prototype.hasOwnProperty.call(data, key)) {
      result.merge(validateNode(propSchema, data[key], childName(name, key), ctx));
    }
  }
  for (const key of schema.required ?? []) {
    if (!Object.prototype.hasOwnProperty.call(data, key)) result.add(required(errorPathIn(ctx, `${name}.${key}`)));
  }
  return result;
}

function validateAdditionalProperties(
  schema: JSONSchemaProps,
  data: JsonObject,
  name: string,
  ctx: Context,
  result: Result,
): void {
  const additional = schema.additionalProperties;
  if (additional === undefined || additional === true) return;
  const known = schema.properties ?? {};
  for (const [key, value] of Object.entries(data)) {
    if (Object.prototype.hasOwnProperty.call(known, key)) continue;
    if (additional === false) {
      result.add(invalid(errorPathIn(ctx, name), key, `${name}.${key} in body is a forbidden property`));
    } else {
      result.merge(validateNode(additional, value, `${name}.${key}`, ctx));
    }
  }
}

function compositeError(ctx: Context, message: string): SchemaError {
  return invalid(ctx.fldPath === '' ? '<nil>' : ctx.fldPath, '', message);
}

function validateCombinators(schema: JSONSchemaProps, data: unknown, name: string, ctx: Context): Result {
  const result = new Result();
  if (schema.anyOf !== undefined && schema.anyOf.length > 0) result.merge(validateAnyOf(schema.anyOf, data, name, ctx));
  if (schema.oneOf !== undefined && schema.oneOf.length > 0) result.merge(validateOneOf(schema.oneOf, data, name, ctx));
  if (schema.allOf !== undefined && schema.allOf.length > 0) result.merge(validateAllOf(schema.allOf, data, name, ctx));
  if (schema.not !== undefined && validateNode(schema.not, data, name, ctx).valid) {
    result.add(compositeError(ctx, `${JSON.stringify(name)} must not validate the schema (not)`));
  }
  result.matches++;
  return result;
}

/** Keeps the failure that matched the most, as kube-openapi does to show the most relevant errors. */
function better(best: Result | undefined, candidate: Result): Result {
  return best === undefined || candidate.matches > best.matches ? candidate : best;
}

function validateAnyOf(branches: JSONSchemaProps[], data: unknown, name: string, ctx: Context): Result {
  const result = new Result();
  let bestFailure: Result | undefined;
  for (const branch of branches) {
    const r = validateNode(branch, data, name, ctx);
    if (r.valid) return result.merge(r);
    bestFailure = better(bestFailure, r);
  }
  result.add(compositeError(ctx, `${JSON.stringify(name)} must validate at least one schema (anyOf)`));
  return result.merge(bestFailure);
}

function validateOneOf(branches: JSONSchemaProps[], data: unknown, name: string, ctx: Context): Result {
  const result = new Result();
  let bestFailure: Result | undefined;
  let firstSuccess: Result | undefined;
  let validCount = 0;
  for (const branch of branches) {
    const r = validateNode(branch, data, name, ctx);
    if (r.valid) {
      validCount++;
      bestFailure = undefined;
      firstSuccess ??= r;
    } else if (validCount === 0) {
      bestFailure = better(bestFailure, r);
    }
  }
  if (validCount === 1) return result.merge(firstSuccess);
  const found = validCount === 0 ? 'Found none valid' : `Found ${validCount} valid alternatives`;
  result.add(compositeError(ctx, `${JSON.stringify(name)} must validate one and only one schema (oneOf). ${found}`));
  return result.merge(bestFailure);
}

function validateAllOf(branches: JSONSchemaProps[], data: unknown, name: string, ctx: Context): Result {
  const result = new Result();
  let validCount = 0;
  for (const branch of branches) {
    const r = validateNode(branch, data, name, ctx);
    if (r.valid) validCount++;
    result.merge(r);
  }
  if (validCount !== branches.length) {
    const none = validCount === 0 ? '. None validated' : '';
    result.add(compositeError(ctx, `${JSON.stringify(name)} must validate all the schemas (allOf)${none}`));
  }
  return result;
}
