// ObjectMeta rules every resource shares: the name's format, label and annotation syntax, finalizer names.
import type { KubeObject } from './kube-object.js';
import { invalid, required, tooLong } from './schema/field-error.js';
import { isDns1035Label, isDns1123Label, isDns1123Subdomain, isQualifiedName, isValidLabelValue, isValidPathSegmentName } from './schema/name-validation.js';
import type { SchemaError } from './schema/structural-schema.js';

/** Which name format a resource's objects must use (most use a DNS-1123 subdomain). */
export type NameFormat = 'subdomain' | 'label' | 'dns1035' | 'pathSegment';

const TOTAL_ANNOTATION_BYTES = 256 * 1024;

const NAME_CHECKS: Record<NameFormat, (name: string) => string[]> = {
  subdomain: isDns1123Subdomain,
  label: isDns1123Label,
  dns1035: isDns1035Label,
  pathSegment: (name) => isValidPathSegmentName(name),
};

/** Errors for a name in the given format, reported at `path`. */
export function validateName(name: string, format: NameFormat, path: string): SchemaError[] {
  return NAME_CHECKS[format](name).map((msg) => invalid(path, name, msg));
}

function stringMap(value: unknown, path: string): Record<string, unknown> | SchemaError[] {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) return [invalid(path, value, 'must be a map of strings')];
  return value as Record<string, unknown>;
}

function validateLabels(labels: unknown): SchemaError[] {
  const map = stringMap(labels, 'metadata.labels');
  if (Array.isArray(map)) return map;
  const errors: SchemaError[] = [];
  for (const [key, value] of Object.entries(map)) {
    errors.push(...isQualifiedName(key).map((msg) => invalid('metadata.labels', key, msg)));
    if (typeof value !== 'string') errors.push(invalid('metadata.labels', value, 'must be a string'));
    else errors.push(...isValidLabelValue(value).map((msg) => invalid('metadata.labels', value, msg)));
  }
  return errors;
}

function validateAnnotations(annotations: unknown): SchemaError[] {
  const map = stringMap(annotations, 'metadata.annotations');
  if (Array.isArray(map)) return map;
  const errors: SchemaError[] = [];
  let total = 0;
  for (const [key, value] of Object.entries(map)) {
    errors.push(...isQualifiedName(key.toLowerCase()).map((msg) => invalid('metadata.annotations', key, msg)));
    if (typeof value !== 'string') errors.push(invalid('metadata.annotations', value, 'must be a string'));
    else total += key.length + value.length;
  }
  if (total > TOTAL_ANNOTATION_BYTES) errors.push(tooLong('metadata.annotations', TOTAL_ANNOTATION_BYTES));
  return errors;
}

/** Validates metadata of an object about to be written (its name is final by then). */
export function validateObjectMeta(obj: KubeObject, format: NameFormat): SchemaError[] {
  const { name } = obj.metadata;
  const errors: SchemaError[] = [];
  if (name === undefined || name === '') errors.push(required('metadata.name', 'name or generateName is required'));
  else errors.push(...validateName(name, format, 'metadata.name'));
  errors.push(...validateLabels(obj.metadata.labels));
  errors.push(...validateAnnotations(obj.metadata.annotations));
  (obj.metadata.finalizers ?? []).forEach((f, i) => {
    if (typeof f !== 'string') errors.push(invalid(`metadata.finalizers[${i}]`, f, 'must be a string'));
    else errors.push(...isQualifiedName(f).map((msg) => invalid(`metadata.finalizers[${i}]`, f, msg)));
  });
  return errors;
}
