// Uniqueness of x-kubernetes-list-type set and map lists, as apiextensions-apiserver's
// structurallisttype.ValidateListSetsAndMaps enforces it after schema validation.
import type { JSONSchemaProps, SchemaError } from './structural-schema.js';
import { childPath, duplicate, indexPath, invalid, keyPath } from './field-error.js';
import { canonicalJson, isJsonObject } from './json-value.js';

/** Walks the structural part of the schema and reports duplicates in set and map lists. */
export function validateListTypes(schema: JSONSchemaProps | undefined, value: unknown, path: string): SchemaError[] {
  if (schema === undefined) return [];
  if (Array.isArray(value)) return validateList(schema, value, path);
  if (!isJsonObject(value)) return [];
  const errors: SchemaError[] = [];
  const additional = typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined;
  for (const [key, child] of Object.entries(value)) {
    const prop = schema.properties?.[key];
    if (prop !== undefined) errors.push(...validateListTypes(prop, child, childPath(path, key)));
    else if (additional !== undefined) errors.push(...validateListTypes(additional, child, keyPath(path, key)));
  }
  return errors;
}

function validateList(schema: JSONSchemaProps, list: unknown[], path: string): SchemaError[] {
  const errors: SchemaError[] = [];
  const listType = schema['x-kubernetes-list-type'];
  if (listType === 'set') errors.push(...duplicatesInSet(list, path));
  if (listType === 'map') errors.push(...duplicatesInMap(schema, list, path));
  const items = Array.isArray(schema.items) ? undefined : schema.items;
  list.forEach((item, i) => errors.push(...validateListTypes(items, item, indexPath(path, i))));
  return errors;
}

/** Reports the second appearance of each repeated value (later repeats are not reported again). */
function secondAppearances(keys: string[]): number[] {
  const counts = new Map<string, number>();
  const result: number[] = [];
  keys.forEach((key, i) => {
    const seen = counts.get(key) ?? 0;
    counts.set(key, seen + 1);
    if (seen === 1) result.push(i);
  });
  return result;
}

function duplicatesInSet(list: unknown[], path: string): SchemaError[] {
  if (list.length <= 1) return [];
  // Scalars compare by Go value (so 1 and "1" differ); compounds by their JSON text.
  const keys = list.map((item) => `${typeof item}:${canonicalJson(item)}`);
  return secondAppearances(keys).map((i) => duplicate(indexPath(path, i), list[i]));
}

const UNSPECIFIED = '\u0000unspecified';

function mapKeyValue(item: Record<string, unknown>, key: string, schema: JSONSchemaProps): unknown {
  if (key in item) return item[key];
  const itemSchema = Array.isArray(schema.items) ? undefined : schema.items;
  const def = itemSchema?.properties?.[key]?.default;
  return def !== undefined ? def : UNSPECIFIED;
}

function duplicatesInMap(schema: JSONSchemaProps, list: unknown[], path: string): SchemaError[] {
  const badIndex = list.findIndex((item) => item !== null && !isJsonObject(item));
  if (badIndex >= 0) {
    return [invalid(indexPath(path, badIndex), list[badIndex], 'must be an object for an array of list-type map')];
  }
  if (list.length <= 1) return [];
  const keyFields = schema['x-kubernetes-list-map-keys'] ?? [];
  const entries = list.flatMap((item, i) => {
    if (!isJsonObject(item)) return [];
    const values = keyFields.map((k) => mapKeyValue(item, k, schema));
    return [{ index: i, values, text: values.map((v) => `${typeof v}:${canonicalJson(v)}`).join('\u0001') }];
  });
  return secondAppearances(entries.map((e) => e.text)).map((n) => {
    const entry = entries[n];
    const keyMap = Object.fromEntries(keyFields.map((k, j) => [k, entry?.values[j]]).filter(([, v]) => v !== UNSPECIFIED));
    return duplicate(indexPath(path, entry?.index ?? n), keyMap);
  });
}
