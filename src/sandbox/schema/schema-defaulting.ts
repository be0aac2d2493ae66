// Structural defaulting of custom resources, as apiextensions-apiserver's defaulting package applies it
// when decoding a request and when reading from storage.
import type { JSONSchemaProps } from './structural-schema.js';
import { isJsonObject, jsonClone } from './json-value.js';

function additionalSchema(schema: JSONSchemaProps): JSONSchemaProps | undefined {
  return typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined;
}

function itemsSchema(schema: JSONSchemaProps): JSONSchemaProps | undefined {
  return Array.isArray(schema.items) ? undefined : schema.items;
}

function isNonNullableNull(value: unknown, schema: JSONSchemaProps): boolean {
  return value === null && schema.nullable !== true;
}

/** Mutates `value` in place; callers pass a copy. */
function defaultInPlace(value: unknown, schema: JSONSchemaProps | undefined): void {
  if (schema === undefined) return;
  if (Array.isArray(value)) {
    const items = itemsSchema(schema);
    for (const item of value) defaultInPlace(item, items);
    return;
  }
  if (!isJsonObject(value)) return;
  for (const [key, prop] of Object.entries(schema.properties ?? {})) {
    if (prop.default === undefined) continue;
    if (!(key in value) || isNonNullableNull(value[key], prop)) value[key] = jsonClone(prop.default);
  }
  const additional = additionalSchema(schema);
  for (const [key, child] of Object.entries(value)) {
    const prop = schema.properties?.[key];
    defaultInPlace(child, prop ?? additional);
  }
}

/**
 * Fills in defaults: a property with a `default` that is missing from a present object (or null while not
 * nullable) gets a copy of the default, recursively, inside array items and additionalProperties values too.
 * Defaults never create the parent object. Does not mutate `obj`.
 */
export function applyDefaults(schema: JSONSchemaProps, obj: unknown): unknown {
  const copy = jsonClone(obj);
  defaultInPlace(copy, schema);
  return copy;
}

function pruneNullsInPlace(value: unknown, schema: JSONSchemaProps | undefined): void {
  if (schema === undefined) return;
  if (Array.isArray(value)) {
    const items = itemsSchema(schema);
    for (const item of value) pruneNullsInPlace(item, items);
    return;
  }
  if (!isJsonObject(value)) return;
  const additional = additionalSchema(schema);
  for (const [key, child] of Object.entries(value)) {
    const prop = schema.properties?.[key];
    if (prop !== undefined && child === null && prop.default === undefined && prop.nullable !== true) {
      delete value[key];
    } else {
      pruneNullsInPlace(child, prop ?? additional);
    }
  }
}

/**
 * Drops properties set to null that are neither nullable nor defaulted, which the apiserver does right before
 * defaulting (so `replicas: null` reads as "not set" instead of failing validation). Does not mutate `obj`.
 */
export function pruneNonNullableNullsWithoutDefaults(schema: JSONSchemaProps, obj: unknown): unknown {
  const copy = jsonClone(obj);
  pruneNullsInPlace(copy, schema);
  return copy;
}
