// apiVersion, kind and metadata of objects embedded in a custom resource (x-kubernetes-embedded-resource),
// checked as apiextensions-apiserver's objectmeta.Validate checks them after schema validation.
import type { JSONSchemaProps, SchemaError } from './structural-schema.js';
import { childPath, indexPath, invalid, keyPath, required, tooLong } from './field-error.js';
import { isJsonObject } from './json-value.js';
import type { JsonObject } from './json-value.js';
import {
  isDns1035Label,
  isDns1123Label,
  isQualifiedName,
  isValidLabelValue,
  isValidPathSegmentName,
} from './name-validation.js';

const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

/** Walks the structural part of the schema (properties, additionalProperties, items) like the apiserver. */
export function validateEmbeddedResources(schema: JSONSchemaProps | undefined, value: unknown, path: string): SchemaError[] {
  if (schema === undefined) return [];
  if (Array.isArray(value)) {
    const items = Array.isArray(schema.items) ? undefined : schema.items;
    return value.flatMap((item, i) => validateEmbeddedResources(items, item, indexPath(path, i)));
  }
  if (!isJsonObject(value)) return [];
  const errors = schema['x-kubernetes-embedded-resource'] === true ? validateEmbeddedResource(value, path) : [];
  const additional = typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined;
  for (const [key, child] of Object.entries(value)) {
    const prop = schema.properties?.[key];
    if (prop !== undefined) errors.push(...validateEmbeddedResources(prop, child, childPath(path, key)));
    else if (additional !== undefined) errors.push(...validateEmbeddedResources(additional, child, keyPath(path, key)));
  }
  return errors;
}

/** schema.ParseGroupVersion: `v1` or `group/v1`, never more than one slash. */
function parseGroupVersionError(apiVersion: string): string | undefined {
  return apiVersion.split('/').length > 2 ? `unexpected GroupVersion string: ${apiVersion}` : undefined;
}

function validateApiVersion(value: unknown, path: string): SchemaError[] {
  if (typeof value !== 'string') return [invalid(path, value, 'must be a string')];
  if (value === '') return [required(path)];
  const err = parseGroupVersionError(value);
  return err === undefined ? [] : [invalid(path, value, err)];
}

function validateKind(value: unknown, path: string): SchemaError[] {
  if (typeof value !== 'string') return [invalid(path, value, 'must be a string')];
  if (value === '') return [required(path)];
  const errs = isDns1035Label(value.toLowerCase());
  if (errs.length === 0) return [];
  return [invalid(path, value, `may have mixed case, but should otherwise match: ${errs.join(',')}`)];
}

function validateEmbeddedResource(obj: JsonObject, path: string): SchemaError[] {
  const errors: SchemaError[] = [];
  if (!('apiVersion' in obj)) errors.push(required(childPath(path, 'apiVersion')));
  if (!('kind' in obj)) errors.push(required(childPath(path, 'kind')));
  if ('apiVersion' in obj) errors.push(...validateApiVersion(obj.apiVersion, childPath(path, 'apiVersion')));
  if ('kind' in obj) errors.push(...validateKind(obj.kind, childPath(path, 'kind')));
  if ('metadata' in obj && obj.metadata !== null) errors.push(...validateObjectMeta(obj.metadata, childPath(path, 'metadata')));
  return errors;
}

type FieldShape = 'string' | 'integer' | 'string map' | 'string list' | 'list' | 'object';

/** The ObjectMeta fields whose JSON type a decode into metav1.ObjectMeta would reject. */
const OBJECT_META_SHAPES: Record<string, FieldShape> = {
  name: 'string',
  generateName: 'string',
  namespace: 'string',
  selfLink: 'string',
  uid: 'string',
  resourceVersion: 'string',
  generation: 'integer',
  creationTimestamp: 'string',
  deletionTimestamp: 'string',
  deletionGracePeriodSeconds: 'integer',
  labels: 'string map',
  annotations: 'string map',
  ownerReferences: 'list',
  finalizers: 'string list',
  managedFields: 'list',
};

const GO_TYPES: Record<FieldShape, string> = {
  string: 'string',
  integer: 'int64',
  'string map': 'map[string]string',
  'string list': '[]string',
  list: 'slice',
  object: 'struct',
};

function jsonTypeName(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'object' : typeof value;
}


/** The JSON type encoding/json complains about for `value` in a field of `shape`, or undefined if it fits. */
function misfit(value: unknown, shape: FieldShape): { found: string; goType: string } | undefined {
  if (value === null) return undefined;
  const whole = { found: jsonTypeName(value), goType: GO_TYPES[shape] };
  switch (shape) {
    case 'string':
      return typeof value === 'string' ? undefined : whole;
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value) ? undefined : whole;
    case 'list':
      return Array.isArray(value) ? undefined : whole;
    case 'object':
      return isJsonObject(value) ? undefined : whole;
    case 'string map': {
      if (!isJsonObject(value)) return whole;
      const bad = Object.values(value).find((v) => typeof v !== 'string' && v !== null);
      return bad === undefined ? undefined : { found: jsonTypeName(bad), goType: 'string' };
    }
    case 'string list': {
      if (!Array.isArray(value)) return whole;
      const bad = value.find((v) => typeof v !== 'string' && v !== null);
      return bad === undefined ? undefined : { found: jsonTypeName(bad), goType: 'string' };
    }
  }
}

/** The decode error GetObjectMeta reports, in encoding/json's words (first offending field only). */
function objectMetaDecodeError(meta: unknown): string | undefined {
  if (!isJsonObject(meta)) return `json: cannot unmarshal ${jsonTypeName(meta)} into Go value of type v1.ObjectMeta`;
  for (const [field, shape] of Object.entries(OBJECT_META_SHAPES)) {
    const bad = field in meta ? misfit(meta[field], shape) : undefined;
    if (bad !== undefined) {
      return `json: cannot unmarshal ${bad.found} into Go struct field ObjectMeta.${field} of type ${bad.goType}`;
    }
  }
  return undefined;
}

function stringField(meta: JsonObject, field: string): string {
  const v = meta[field];
  return typeof v === 'string' ? v : '';
}

function stringMap(meta: JsonObject, field: string): Record<string, string> {
  const v = meta[field];
  return isJsonObject(v) ? (v as Record<string, string>) : {};
}

/** metav1 validation.ValidateObjectMeta with the path-segment name rule, as for embedded objects. */
export function validateObjectMeta(meta: unknown, path: string): SchemaError[] {
  const decodeError = objectMetaDecodeError(meta);
  if (decodeError !== undefined) return [invalid(path, meta, decodeError)];
  const m = meta as JsonObject;
  const errors: SchemaError[] = [];
  const generateName = stringField(m, 'generateName');
  if (generateName !== '') {
    for (const msg of isValidPathSegmentName(generateName, true)) errors.push(invalid(childPath(path, 'generateName'), generateName, msg));
  }
  const name = stringField(m, 'name') || 'fakename';
  for (const msg of isValidPathSegmentName(name)) errors.push(invalid(childPath(path, 'name'), name, msg));
  const namespace = stringField(m, 'namespace');
  if (namespace !== '') {
    for (const msg of isDns1123Label(namespace)) errors.push(invalid(childPath(path, 'namespace'), namespace, msg));
  }
  errors.push(...validateLabels(stringMap(m, 'labels'), childPath(path, 'labels')));
  errors.push(...validateAnnotations(stringMap(m, 'annotations'), childPath(path, 'annotations')));
  errors.push(...validateFinalizers(m.finalizers, childPath(path, 'finalizers')));
  return errors;
}

/** ValidateLabels: every key a qualified name, every value a label value; errors point at the map. */
export function validateLabels(labels: Record<string, string>, path: string): SchemaError[] {
  const errors: SchemaError[] = [];
  for (const [key, value] of Object.entries(labels)) {
    for (const msg of isQualifiedName(key)) errors.push(invalid(path, key, msg));
    for (const msg of isValidLabelValue(value ?? '')) errors.push(invalid(path, value, msg));
  }
  return errors;
}

function validateAnnotations(annotations: Record<string, string>, path: string): SchemaError[] {
  const errors: SchemaError[] = [];
  let size = 0;
  for (const [key, value] of Object.entries(annotations)) {
    for (const msg of isQualifiedName(key.toLowerCase())) errors.push(invalid(path, key, msg));
    size += key.length + (value ?? '').length;
  }
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT) errors.push(tooLong(path, TOTAL_ANNOTATION_SIZE_LIMIT));
  return errors;
}

function validateFinalizers(finalizers: unknown, path: string): SchemaError[] {
  if (!Array.isArray(finalizers)) return [];
  const errors: SchemaError[] = [];
  finalizers.forEach((f: unknown) => {
    if (typeof f !== 'string') return;
    for (const msg of isQualifiedName(f)) errors.push(invalid(path, f, msg));
  });
  return errors;
}
