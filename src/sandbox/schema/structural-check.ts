// Why a CRD schema is not one a real apiserver accepts: structural-schema invariants and completeness
// (apiextensions-apiserver schema.ValidateStructural), the v1 OpenAPI restrictions
// (ValidateCustomResourceDefinitionOpenAPISchema) and the default-value checks.
import type { JSONSchemaProps, SchemaError } from './structural-schema.js';
import { childPath, forbidden, indexPath, invalid, keyPath, notSupported, required } from './field-error.js';
import { jsonEqual } from './json-value.js';
import { validateObject } from './schema-validation.js';
import { pruneCopy } from './schema-pruning.js';

type Level = 'root' | 'item' | 'field';

const OPENAPI_TYPES = ['array', 'boolean', 'integer', 'number', 'object', 'string'];
const META_FIELDS: ReadonlySet<string> = new Set(['metadata', 'kind', 'apiVersion']);
const VALIDATION_REASONS = ['FieldValueDuplicate', 'FieldValueForbidden', 'FieldValueInvalid', 'FieldValueRequired'];

function propertiesPath(path: string, key: string): string {
  return keyPath(childPath(path, 'properties'), key);
}

function singleItems(schema: JSONSchemaProps): JSONSchemaProps | undefined {
  return Array.isArray(schema.items) ? undefined : schema.items;
}

function additionalSchema(schema: JSONSchemaProps): JSONSchemaProps | undefined {
  return typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined;
}

/**
 * Reports everything that makes `schema` unacceptable as a v1 CRD's openAPIV3Schema. `basePath` is where the
 * schema sits in the CRD (e.g. `spec.versions[0].schema.openAPIV3Schema`); empty by default.
 */
export function checkStructural(schema: JSONSchemaProps, basePath = ''): SchemaError[] {
  const structural = [...structuralInvariants(schema, 'root', basePath), ...completeness(schema, basePath)];
  // The apiserver sorts these, because they come from Go maps; we do so for the same stable order.
  structural.sort((a, b) => (a.message < b.message ? -1 : a.message > b.message ? 1 : 0));
  const openapi = openApiRestrictions(schema, basePath, { isRoot: true, insideMeta: false });
  return [...structural, ...openapi, ...defaultChecks(schema, basePath)];
}

// ---- structural invariants (schema.validateStructuralInvariants) ----

function structuralInvariants(s: JSONSchemaProps | undefined, level: Level, path: string): SchemaError[] {
  if (s === undefined) return [];
  const errors: SchemaError[] = [];
  const items = singleItems(s);
  if (s.type === 'array' && items === undefined) errors.push(required(childPath(path, 'items'), 'must be specified'));
  errors.push(...structuralInvariants(items, 'item', childPath(path, 'items')));
  for (const [key, prop] of Object.entries(s.properties ?? {})) {
    errors.push(...structuralInvariants(prop, 'field', propertiesPath(path, key)));
  }
  if (s.additionalProperties !== undefined) {
    if (level === 'root') errors.push(forbidden(childPath(path, 'additionalProperties'), 'must not be used at the root'));
    errors.push(...structuralInvariants(additionalSchema(s), 'field', childPath(path, 'additionalProperties')));
  }
  errors.push(...extensionInvariants(s, path));
  errors.push(...valueValidationInvariants(s, isIntOrStringAnyOf(s), isIntOrStringAllOf(s), path));
  errors.push(...typeInvariants(s, level, path));
  errors.push(...metadataInvariants(s, level, path));
  return errors;
}

function extensionInvariants(s: JSONSchemaProps, path: string): SchemaError[] {
  const errors: SchemaError[] = [];
  if (s['x-kubernetes-int-or-string'] === true && s['x-kubernetes-preserve-unknown-fields'] === true) {
    errors.push(invalid(childPath(path, 'x-kubernetes-preserve-unknown-fields'), true, 'must be false if x-kubernetes-int-or-string is true'));
  }
  if (s['x-kubernetes-int-or-string'] === true && s['x-kubernetes-embedded-resource'] === true) {
    errors.push(invalid(childPath(path, 'x-kubernetes-embedded-resource'), true, 'must be false if x-kubernetes-int-or-string is true'));
  }
  return errors;
}

function typeInvariants(s: JSONSchemaProps, level: Level, path: string): SchemaError[] {
  const errors: SchemaError[] = [];
  const type = s.type ?? '';
  const embedded = s['x-kubernetes-embedded-resource'] === true;
  if (embedded && type !== 'object') {
    const detail = 'must be object if x-kubernetes-embedded-resource is true';
    errors.push(type === '' ? required(childPath(path, 'type'), detail) : invalid(childPath(path, 'type'), type, detail));
  } else if (type === '' && s['x-kubernetes-int-or-string'] !== true && s['x-kubernetes-preserve-unknown-fields'] !== true) {
    const detail = {
      root: 'must not be empty at the root',
      item: 'must not be empty for specified array items',
      field: 'must not be empty for specified object fields',
    }[level];
    errors.push(required(childPath(path, 'type'), detail));
  }
  if (embedded && s.additionalProperties !== undefined) {
    errors.push(forbidden(childPath(path, 'additionalProperties'), 'must not be used if x-kubernetes-embedded-resource is set'));
  }
  if (level === 'root' && type !== '' && type !== 'object') errors.push(invalid(childPath(path, 'type'), type, 'must be object at the root'));
  if (embedded && s['x-kubernetes-preserve-unknown-fields'] !== true && Object.keys(s.properties ?? {}).length === 0) {
    errors.push(
      required(
        childPath(path, 'properties'),
        'must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields',
      ),
    );
  }
  return errors;
}

function metadataInvariants(s: JSONSchemaProps, level: Level, path: string): SchemaError[] {
  const errors: SchemaError[] = [];
  const checkMetadata = level === 'root' || s['x-kubernetes-embedded-resource'] === true;
  for (const field of ['kind', 'apiVersion']) {
    const prop = s.properties?.[field];
    if (prop !== undefined && checkMetadata && prop.type !== 'string') {
      errors.push(invalid(childPath(propertiesPath(path, field), 'type'), prop.type ?? '', 'must be string'));
    }
  }
  const metadata = s.properties?.metadata;
  if (metadata === undefined) return errors;
  const metaPath = propertiesPath(path, 'metadata');
  if (checkMetadata && metadata.type !== 'object') errors.push(invalid(childPath(metaPath, 'type'), metadata.type ?? '', 'must be object'));
  if (level === 'root' && !isOnlyNameRestriction(metadata)) {
    errors.push(forbidden(metaPath, 'must not specify anything other than name and generateName, but metadata is implicitly specified'));
  }
  return errors;
}

/** Root metadata may say it is an object and constrain name/generateName; nothing else. */
function isOnlyNameRestriction(metadata: JSONSchemaProps): boolean {
  const rest: Record<string, unknown> = { ...metadata };
  delete rest.type;
  delete rest.default;
  const props = Object.keys(metadata.properties ?? {});
  const onlyNames = props.length > 0 && props.length <= 2 && props.every((p) => p === 'name' || p === 'generateName');
  if (onlyNames || props.length === 0) delete rest.properties;
  return Object.values(rest).every((v) => v === undefined);
}

const INT_OR_STRING_ANY_OF: JSONSchemaProps[] = [{ type: 'integer' }, { type: 'string' }];

function isIntOrStringAnyOf(s: JSONSchemaProps): boolean {
  return s.anyOf !== undefined && jsonEqual(s.anyOf, INT_OR_STRING_ANY_OF);
}

function isIntOrStringAllOf(s: JSONSchemaProps): boolean {
  const first = s.allOf?.[0];
  return first !== undefined && first.anyOf !== undefined && jsonEqual(first.anyOf, INT_OR_STRING_ANY_OF);
}

function valueValidationInvariants(v: JSONSchemaProps, skipAnyOf: boolean, skipFirstAllOfAnyOf: boolean, path: string): SchemaError[] {
  const errors: SchemaError[] = [];
  if (!skipAnyOf) (v.anyOf ?? []).forEach((n, i) => errors.push(...nestedInvariants(n, false, indexPath(childPath(path, 'anyOf'), i))));
  (v.allOf ?? []).forEach((n, i) =>
    errors.push(...nestedInvariants(n, skipFirstAllOfAnyOf && i === 0, indexPath(childPath(path, 'allOf'), i))),
  );
  (v.oneOf ?? []).forEach((n, i) => errors.push(...nestedInvariants(n, false, indexPath(childPath(path, 'oneOf'), i))));
  if (v.not !== undefined) errors.push(...nestedInvariants(v.not, false, childPath(path, 'not')));
  if (v.pattern !== undefined && v.pattern !== '' && !compiles(v.pattern)) {
    errors.push(invalid(childPath(path, 'pattern'), v.pattern, "must be a valid regular expression, but isn't"));
  }
  return errors;
}

function compiles(pattern: string): boolean {
  try {
    new RegExp(pattern, 'u');
    return true;
  } catch {
    try {
      new RegExp(pattern);
      return true;
    } catch {
      return false;
    }
  }
}

/** Keys a node under allOf/anyOf/oneOf/not may not set, with the apiserver's wording for each. */
const NESTED_FORBIDDEN: Array<[keyof JSONSchemaProps, string]> = [
  ['type', 'must be empty to be structural'],
  ['default', 'must be undefined to be structural'],
  ['title', 'must be empty to be structural'],
  ['description', 'must be empty to be structural'],
  ['nullable', 'must be false to be structural'],
  ['externalDocs', 'must be undefined to be structural'],
  ['x-kubernetes-preserve-unknown-fields', 'must be false to be structural'],
  ['x-kubernetes-embedded-resource', 'must be false to be structural'],
  ['x-kubernetes-int-or-string', 'must be false to be structural'],
  ['x-kubernetes-list-map-keys', 'must be empty to be structural'],
  ['x-kubernetes-list-type', 'must be undefined to be structural'],
  ['x-kubernetes-map-type', 'must be undefined to be structural'],
  ['x-kubernetes-validations', 'must be empty to be structural'],
];

function isSet(value: unknown): boolean {
  if (value === undefined || value === false || value === '') return false;
  return !(Array.isArray(value) && value.length === 0);
}

function nestedInvariants(v: JSONSchemaProps, skipAnyOf: boolean, path: string): SchemaError[] {
  const errors = valueValidationInvariants(v, skipAnyOf, false, path);
  const items = singleItems(v);
  if (items !== undefined) errors.push(...nestedInvariants(items, false, childPath(path, 'items')));
  for (const [key, prop] of Object.entries(v.properties ?? {})) errors.push(...nestedInvariants(prop, false, propertiesPath(path, key)));
  if (v.additionalProperties !== undefined) {
    errors.push(forbidden(childPath(path, 'additionalProperties'), 'must be undefined to be structural'));
  }
  for (const [key, detail] of NESTED_FORBIDDEN) {
    if (isSet(v[key])) errors.push(forbidden(childPath(path, key), detail));
  }
  if (v.properties?.metadata !== undefined) {
    errors.push(forbidden(propertiesPath(path, 'metadata'), 'must not be specified in a nested context'));
  }
  return errors;
}

// ---- completeness (schema.validateStructuralCompleteness) ----

/** Every node's value validations, walking the structural tree (items, properties, additionalProperties). */
function completeness(s: JSONSchemaProps | undefined, path: string): SchemaError[] {
  if (s === undefined) return [];
  const errors = completeness(singleItems(s), childPath(path, 'items'));
  for (const [key, prop] of Object.entries(s.properties ?? {})) errors.push(...completeness(prop, propertiesPath(path, key)));
  errors.push(...completeness(additionalSchema(s), childPath(path, 'additionalProperties')));
  errors.push(...valueValidationCompleteness(s, s, path, path));
  return errors;
}

function valueValidationCompleteness(v: JSONSchemaProps, s: JSONSchemaProps, sPath: string, vPath: string): SchemaError[] {
  const errors: SchemaError[] = [];
  if (v.not !== undefined) errors.push(...nestedCompleteness(v.not, s, sPath, childPath(vPath, 'not')));
  for (const junctor of ['allOf', 'anyOf', 'oneOf'] as const) {
    (v[junctor] ?? []).forEach((n, i) => errors.push(...nestedCompleteness(n, s, sPath, indexPath(childPath(vPath, junctor), i))));
  }
  return errors;
}

function nestedCompleteness(v: JSONSchemaProps, s: JSONSchemaProps | undefined, sPath: string, vPath: string): SchemaError[] {
  if (s === undefined) return [required(sPath, `because it is defined in ${vPath}`)];
  const errors = valueValidationCompleteness(v, s, sPath, vPath);
  const vItems = singleItems(v);
  if (vItems !== undefined) {
    errors.push(...nestedCompleteness(vItems, singleItems(s), childPath(sPath, 'items'), childPath(vPath, 'items')));
  }
  for (const [key, vProp] of Object.entries(v.properties ?? {})) {
    const sProp = s.properties?.[key];
    const sKeyPath = propertiesPath(sPath, key);
    const vKeyPath = propertiesPath(vPath, key);
    if (sProp === undefined) errors.push(required(sKeyPath, `because it is defined in ${vKeyPath}`));
    else errors.push(...nestedCompleteness(vProp, sProp, sKeyPath, vKeyPath));
  }
  return errors;
}

// ---- v1 OpenAPI restrictions (ValidateCustomResourceDefinitionOpenAPISchema) ----

interface OpenApiContext {
  isRoot: boolean;
  insideMeta: boolean;
  forbidDefaultsReason?: string;
}

function standardRestrictions(s: JSONSchemaProps, path: string, ctx: OpenApiContext): SchemaError[] {
  const errors: SchemaError[] = [];
  if (s.type !== undefined && s.type !== '' && s.type !== 'null' && !OPENAPI_TYPES.includes(s.type)) {
    errors.push(notSupported(childPath(path, 'type'), s.type, OPENAPI_TYPES));
  }
  if (s.default !== undefined && ctx.forbidDefaultsReason !== undefined) {
    errors.push(forbidden(childPath(path, 'default'), `must not be set ${ctx.forbidDefaultsReason}`));
  }
  const unsupported: Array<[keyof JSONSchemaProps, string]> = [
    ['id', 'id is not supported'],
    ['additionalItems', 'additionalItems is not supported'],
    ['patternProperties', 'patternProperties is not supported'],
    ['definitions', 'definitions is not supported'],
    ['dependencies', 'dependencies is not supported'],
    ['$ref', '$ref is not supported'],
  ];
  for (const [key, detail] of unsupported) {
    const value = s[key];
    const present = typeof value === 'object' && value !== null ? Object.keys(value).length > 0 || key === 'additionalItems' : isSet(value);
    if (present) errors.push(forbidden(childPath(path, key), detail));
  }
  if (s.type === 'null') errors.push(forbidden(childPath(path, 'type'), 'type cannot be set to null, use nullable as an alternative'));
  if (Array.isArray(s.items) && s.items.length > 0) errors.push(forbidden(childPath(path, 'items'), 'items must be a schema object and not an array'));
  if (ctx.insideMeta && s['x-kubernetes-embedded-resource'] === true) {
    errors.push(forbidden(childPath(path, 'x-kubernetes-embedded-resource'), 'must not be used inside of resource meta'));
  }
  return errors;
}

function openApiRestrictions(s: JSONSchemaProps | undefined, path: string, ctx: OpenApiContext): SchemaError[] {
  if (s === undefined) return [];
  const errors = standardRestrictions(s, path, ctx);
  const sub: OpenApiContext = { isRoot: false, insideMeta: ctx.insideMeta, forbidDefaultsReason: ctx.forbidDefaultsReason };
  if (s.uniqueItems === true) {
    errors.push(forbidden(childPath(path, 'uniqueItems'), 'uniqueItems cannot be set to true since the runtime complexity becomes quadratic'));
  }
  if (s.additionalProperties !== undefined) {
    if (Object.keys(s.properties ?? {}).length > 0 && s.additionalProperties !== true) {
      errors.push(forbidden(childPath(path, 'additionalProperties'), 'additionalProperties and properties are mutual exclusive'));
    }
    const apCtx = ctx.insideMeta ? { ...sub, forbidDefaultsReason: 'inside additionalProperties applying to object metadata' } : sub;
    errors.push(...openApiRestrictions(additionalSchema(s), childPath(path, 'additionalProperties'), apCtx));
  }
  for (const [key, prop] of Object.entries(s.properties ?? {})) {
    let propCtx = sub;
    if ((ctx.isRoot || s['x-kubernetes-embedded-resource'] === true) && META_FIELDS.has(key)) {
      propCtx = { ...sub, insideMeta: true, forbidDefaultsReason: ctx.isRoot ? `in top-level ${key}` : sub.forbidDefaultsReason };
    }
    errors.push(...openApiRestrictions(prop, propertiesPath(path, key), propCtx));
  }
  if (s.not !== undefined) errors.push(...openApiRestrictions(s.not, childPath(path, 'not'), sub));
  for (const junctor of ['allOf', 'oneOf', 'anyOf'] as const) {
    (s[junctor] ?? []).forEach((n, i) => errors.push(...openApiRestrictions(n, indexPath(childPath(path, junctor), i), sub)));
  }
  errors.push(...openApiRestrictions(singleItems(s), childPath(path, 'items'), sub));
  errors.push(...extensionRestrictions(s, path));
  errors.push(...listTypeRestrictions(s, path));
  errors.push(...validationRuleRestrictions(s, path));
  return errors;
}

function extensionRestrictions(s: JSONSchemaProps, path: string): SchemaError[] {
  const errors: SchemaError[] = [];
  if (s['x-kubernetes-preserve-unknown-fields'] === false) {
    errors.push(invalid(childPath(path, 'x-kubernetes-preserve-unknown-fields'), false, 'must be true or undefined'));
  }
  const mapType = s['x-kubernetes-map-type'];
  if (mapType !== undefined && s.type !== 'object') {
    const detail = 'must be object if x-kubernetes-map-type is specified';
    errors.push(!s.type ? required(childPath(path, 'type'), detail) : invalid(childPath(path, 'type'), s.type, detail));
  }
  if (mapType !== undefined && mapType !== 'atomic' && mapType !== 'granular') {
    errors.push(notSupported(childPath(path, 'x-kubernetes-map-type'), mapType, ['atomic', 'granular']));
  }
  return errors;
}

function setItemRestrictions(s: JSONSchemaProps, path: string): SchemaError[] {
  const items = singleItems(s);
  if (s['x-kubernetes-list-type'] !== 'set' || items === undefined) return [];
  const itemsPath = childPath(path, 'items');
  if (items.type === 'array' && items['x-kubernetes-list-type'] !== undefined && items['x-kubernetes-list-type'] !== 'atomic') {
    return [invalid(childPath(itemsPath, 'x-kubernetes-list-type'), items['x-kubernetes-list-type'], 'must be atomic as item of a list with x-kubernetes-list-type=set')];
  }
  if (items.type === 'object' && items['x-kubernetes-map-type'] !== 'atomic') {
    return [invalid(childPath(itemsPath, 'x-kubernetes-map-type'), null, 'must be atomic as item of a list with x-kubernetes-list-type=set')];
  }
  return [];
}

function listTypeRestrictions(s: JSONSchemaProps, path: string): SchemaError[] {
  const errors: SchemaError[] = [];
  const listType = s['x-kubernetes-list-type'];
  const keys = s['x-kubernetes-list-map-keys'] ?? [];
  if (listType !== undefined && s.type !== 'array') {
    const detail = 'must be array if x-kubernetes-list-type is specified';
    errors.push(!s.type ? required(childPath(path, 'type'), detail) : invalid(childPath(path, 'type'), s.type, detail));
  } else {
    errors.push(...setItemRestrictions(s, path));
  }
  if (listType !== undefined && !['atomic', 'set', 'map'].includes(listType)) {
    errors.push(notSupported(childPath(path, 'x-kubernetes-list-type'), listType, ['atomic', 'set', 'map']));
  }
  if (keys.length > 0 && listType === undefined) {
    errors.push(required(childPath(path, 'x-kubernetes-list-type'), 'must be map if x-kubernetes-list-map-keys is non-empty'));
  } else if (keys.length > 0 && listType !== 'map') {
    errors.push(invalid(childPath(path, 'x-kubernetes-list-type'), listType, 'must be map if x-kubernetes-list-map-keys is non-empty'));
  }
  if (listType === 'map') errors.push(...mapListRestrictions(s, keys, path));
  errors.push(...mapSetItemRestrictions(s, path));
  return errors;
}

function mapListRestrictions(s: JSONSchemaProps, keys: string[], path: string): SchemaError[] {
  const errors: SchemaError[] = [];
  if (keys.length === 0) errors.push(required(childPath(path, 'x-kubernetes-list-map-keys'), 'must not be empty if x-kubernetes-list-type is map'));
  if (s.items === undefined) errors.push(required(childPath(path, 'items'), 'must have a schema if x-kubernetes-list-type is map'));
  if (Array.isArray(s.items)) errors.push(invalid(childPath(path, 'items'), s.items, 'must only have a single schema if x-kubernetes-list-type is map'));
  const items = singleItems(s);
  if (items === undefined) return errors;
  const itemsPath = childPath(path, 'items');
  if (items.type !== 'object') {
    errors.push(invalid(childPath(itemsPath, 'type'), items.type ?? '', "must be object if parent array's x-kubernetes-list-type is map"));
    return errors;
  }
  const seen = new Set<string>();
  for (const key of keys) {
    const prop = items.properties?.[key];
    if (prop === undefined) {
      errors.push(invalid(childPath(path, 'x-kubernetes-list-map-keys'), keys, 'entries must all be names of item properties'));
    } else if (prop.type === 'array' || prop.type === 'object') {
      errors.push(invalid(childPath(propertiesPath(itemsPath, key), 'type'), items.type, "must be a scalar type if parent array's x-kubernetes-list-type is map"));
    }
    if (seen.has(key)) errors.push(invalid(childPath(path, 'x-kubernetes-list-map-keys'), keys, 'must not contain duplicate entries'));
    seen.add(key);
  }
  return errors;
}

/** validateMapListKeysMapSet: set/map items are not nullable; map keys are required or defaulted. */
function mapSetItemRestrictions(s: JSONSchemaProps, path: string): SchemaError[] {
  const listType = s['x-kubernetes-list-type'];
  const items = singleItems(s);
  if (items === undefined || (listType !== 'set' && listType !== 'map')) return [];
  const errors: SchemaError[] = [];
  const itemsPath = childPath(path, 'items');
  if (items.nullable === true) errors.push(forbidden(childPath(itemsPath, 'nullable'), `cannot be nullable when x-kubernetes-list-type is ${listType}`));
  if (listType !== 'map') return errors;
  const requiredKeys = new Set(items.required ?? []);
  for (const key of s['x-kubernetes-list-map-keys'] ?? []) {
    const prop = items.properties?.[key];
    if (prop === undefined) continue;
    const keyPathInItems = propertiesPath(itemsPath, key);
    if (!requiredKeys.has(key) && prop.default === undefined) {
      errors.push(required(childPath(keyPathInItems, 'default'), 'this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property'));
    }
    if (prop.nullable === true) {
      errors.push(forbidden(childPath(keyPathInItems, 'nullable'), 'this property is in x-kubernetes-list-map-keys, so it cannot be nullable'));
    }
  }
  return errors;
}

function validationRuleRestrictions(s: JSONSchemaProps, path: string): SchemaError[] {
  const errors: SchemaError[] = [];
  (s['x-kubernetes-validations'] ?? []).forEach((rule, i) => {
    const rulePath = indexPath(childPath(path, 'x-kubernetes-validations'), i);
    const trimmedRule = (rule.rule ?? '').trim();
    const message = rule.message ?? '';
    const trimmedMessage = message.trim();
    if (trimmedRule === '') errors.push(required(childPath(rulePath, 'rule'), 'rule is not specified'));
    else if (message.length > 0 && trimmedMessage === '') errors.push(invalid(childPath(rulePath, 'message'), message, 'message must be non-empty if specified'));
    else if (/[\n\r]/.test(trimmedMessage)) errors.push(invalid(childPath(rulePath, 'message'), message, 'message must not contain line breaks'));
    else if (/[\n\r]/.test(trimmedRule) && trimmedMessage === '') {
      errors.push(required(childPath(rulePath, 'message'), 'message must be specified if rule contains line breaks'));
    }
    if (rule.reason !== undefined && !VALIDATION_REASONS.includes(rule.reason)) {
      errors.push(notSupported(childPath(rulePath, 'reason'), rule.reason, VALIDATION_REASONS));
    }
  });
  return errors;
}

// ---- defaults (apiextensions validation of default values) ----

function defaultChecks(s: JSONSchemaProps | undefined, path: string): SchemaError[] {
  if (s === undefined) return [];
  const errors: SchemaError[] = [];
  if (s.default !== undefined) errors.push(...checkDefault(s, path));
  for (const [key, prop] of Object.entries(s.properties ?? {})) errors.push(...defaultChecks(prop, propertiesPath(path, key)));
  errors.push(...defaultChecks(additionalSchema(s), childPath(path, 'additionalProperties')));
  errors.push(...defaultChecks(singleItems(s), childPath(path, 'items')));
  return errors;
}

/** A default must validate against its own node and must survive pruning unchanged. */
function checkDefault(s: JSONSchemaProps, path: string): SchemaError[] {
  const defaultPath = childPath(path, 'default');
  const errors = validateObject(s, s.default, defaultPath);
  if (errors.length > 0) return errors;
  const { pruned } = pruneCopy(s, s.default, s['x-kubernetes-embedded-resource'] === true);
  if (!jsonEqual(pruned, s.default)) return [invalid(defaultPath, s.default, 'must not have unknown fields')];
  return [];
}
