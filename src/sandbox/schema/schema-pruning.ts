// Structural pruning of unknown fields, as apiextensions-apiserver's pruning.Prune does on every write,
// plus the ObjectMeta round trip that drops unknown metadata fields at the root and in embedded resources.
import { OBJECT_META } from '../builtin-field-orders.js';
import type { JSONSchemaProps } from './structural-schema.js';
import { childPath, indexPath } from './field-error.js';
import { isJsonObject, jsonClone } from './json-value.js';
import type { JsonObject } from './json-value.js';

const META_FIELDS: ReadonlySet<string> = new Set(['apiVersion', 'kind', 'metadata']);

/** The fields metav1.ObjectMeta has; anything else under metadata disappears when it is decoded. */
const OBJECT_META_FIELDS: ReadonlySet<string> = new Set(OBJECT_META.fields);

/** The schema a node is pruned with; `null` is the apiserver's nil schema, which keeps no fields. */
type PruneSchema = JSONSchemaProps | null;

class Pruner {
  readonly removed: string[] = [];

  prune(value: unknown, schema: PruneSchema, path: string): void {
    if (schema !== null && schema['x-kubernetes-preserve-unknown-fields'] === true) {
      this.skipPrune(value, schema, path);
      return;
    }
    if (Array.isArray(value)) {
      value.forEach((item, i) => this.prune(item, schema === null ? null : itemsOf(schema), indexPath(path, i)));
      return;
    }
    if (!isJsonObject(value)) return;
    if (schema === null) {
      for (const key of Object.keys(value)) this.remove(value, key, path);
      return;
    }
    for (const [key, child] of Object.entries(value)) {
      if (isEmbedded(schema) && META_FIELDS.has(key)) continue;
      const next = childSchema(schema, key);
      if (next === undefined) this.remove(value, key, path);
      else this.prune(child, next, childPath(path, key));
    }
  }

  /** Under x-kubernetes-preserve-unknown-fields unknown keys stay, but known ones are still pruned inside. */
  private skipPrune(value: unknown, schema: JSONSchemaProps, path: string): void {
    if (Array.isArray(value)) {
      const items = itemsOf(schema);
      if (items === null) return;
      value.forEach((item, i) => this.skipPrune(item, items, indexPath(path, i)));
      return;
    }
    if (!isJsonObject(value)) return;
    for (const [key, child] of Object.entries(value)) {
      if (isEmbedded(schema) && META_FIELDS.has(key)) continue;
      const next = childSchema(schema, key);
      if (next !== undefined) this.prune(child, next, childPath(path, key));
    }
  }

  /** Drops unknown metadata fields wherever a resource (the root or an embedded one) has metadata. */
  coerceMetadata(value: unknown, schema: PruneSchema, path: string, isResource: boolean): void {
    if (Array.isArray(value)) {
      const items = schema === null ? null : itemsOf(schema);
      value.forEach((item, i) => this.coerceMetadata(item, items, indexPath(path, i), false));
      return;
    }
    if (!isJsonObject(value)) return;
    if ((isResource || (schema !== null && isEmbedded(schema))) && isJsonObject(value.metadata)) {
      const metaPath = childPath(path, 'metadata');
      for (const key of Object.keys(value.metadata)) {
        if (!OBJECT_META_FIELDS.has(key)) this.remove(value.metadata, key, metaPath);
      }
    }
    if (schema === null) return;
    for (const [key, child] of Object.entries(value)) {
      if (key === 'metadata' && (isResource || isEmbedded(schema))) continue;
      const next = childSchema(schema, key);
      if (next !== undefined && next !== null) this.coerceMetadata(child, next, childPath(path, key), false);
    }
  }

  private remove(obj: JsonObject, key: string, path: string): void {
    delete obj[key];
    this.removed.push(childPath(path, key));
  }
}

function isEmbedded(schema: JSONSchemaProps): boolean {
  return schema['x-kubernetes-embedded-resource'] === true;
}

function itemsOf(schema: JSONSchemaProps): PruneSchema {
  const items = schema.items;
  return items === undefined || Array.isArray(items) ? null : items;
}

/** The schema for `key`: its property, else additionalProperties (a bare `true`/`false` is a nil schema). */
function childSchema(schema: JSONSchemaProps, key: string): PruneSchema | undefined {
  const prop = schema.properties?.[key];
  if (prop !== undefined) return prop;
  const additional = schema.additionalProperties;
  if (additional === undefined) return undefined;
  return typeof additional === 'boolean' ? null : additional;
}

/** Prunes a copy of `value`; `isResource` gives it the root's treatment of apiVersion, kind and metadata. */
export function pruneCopy(
  schema: JSONSchemaProps,
  value: unknown,
  isResource: boolean,
): { pruned: unknown; removedPaths: string[] } {
  const pruned = jsonClone(value);
  const pruner = new Pruner();
  const top: JSONSchemaProps = isResource ? { ...schema, 'x-kubernetes-embedded-resource': true } : schema;
  pruner.prune(pruned, top, '');
  pruner.coerceMetadata(pruned, schema, '', isResource);
  return { pruned, removedPaths: [...pruner.removed].sort() };
}

/**
 * Removes every field the schema does not specify, as the apiserver does before storing a custom resource.
 * The root keeps apiVersion, kind and metadata, as do embedded resources; unknown metadata fields are dropped.
 * `removedPaths` lists what went (`spec.foo`, `spec.items[0].bar`), sorted. Does not mutate `obj`.
 */
export function pruneUnknownFields(schema: JSONSchemaProps, obj: unknown): { pruned: unknown; removedPaths: string[] } {
  return pruneCopy(schema, obj, true);
}
