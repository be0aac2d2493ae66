// Property paths a structural schema declares, and which of them a value actually sets (for drift tests).
import { isFields } from './field-checker.js';
import type { JSONSchemaProps } from './json-schema.js';

/** List items appear as `path[]`, map values as `path.*`, so `spec.steps[].setWeight`, `labels.*`. */
export function schemaPaths(schema: JSONSchemaProps, base = ''): string[] {
  return children(schema, base).flatMap(([path, child]) => [path, ...schemaPaths(child, path)]);
}

/** The paths of `schemaPaths(schema)` that `value` sets, reached through non-empty lists and maps. */
export function coveredSchemaPaths(schema: JSONSchemaProps, value: unknown, base = ''): Set<string> {
  const covered = new Set<string>();
  collect(schema, value, base, covered);
  return covered;
}

function children(schema: JSONSchemaProps, base: string): Array<[string, JSONSchemaProps]> {
  const props = Object.entries(schema.properties ?? {}).map(([k, s]): [string, JSONSchemaProps] => [join(base, k), s]);
  const items: Array<[string, JSONSchemaProps]> = schema.items === undefined ? [] : [[`${base}[]`, schema.items]];
  const map: Array<[string, JSONSchemaProps]> =
    schema.additionalProperties === undefined ? [] : [[join(base, '*'), schema.additionalProperties]];
  return [...props, ...items, ...map];
}

function collect(schema: JSONSchemaProps, value: unknown, base: string, covered: Set<string>): void {
  for (const [path, child, childValue] of childValues(schema, value, base)) {
    covered.add(path);
    collect(child, childValue, path, covered);
  }
}

function childValues(schema: JSONSchemaProps, value: unknown, base: string): Array<[string, JSONSchemaProps, unknown]> {
  if (Array.isArray(value) && schema.items !== undefined) {
    const items = schema.items;
    return value.map((v): [string, JSONSchemaProps, unknown] => [`${base}[]`, items, v]);
  }
  if (!isFields(value)) return [];
  if (schema.additionalProperties !== undefined) {
    const values = schema.additionalProperties;
    return Object.values(value).map((v): [string, JSONSchemaProps, unknown] => [join(base, '*'), values, v]);
  }
  return Object.entries(schema.properties ?? {})
    .filter(([key]) => value[key] !== undefined)
    .map(([key, child]): [string, JSONSchemaProps, unknown] => [join(base, key), child, value[key]]);
}

function join(base: string, key: string): string {
  return base === '' ? key : `${base}.${key}`;
}
