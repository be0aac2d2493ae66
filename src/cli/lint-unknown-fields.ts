// Unknown fields in a Vane manifest, each named: what the CRD schema does not declare (the fields kubectl's strict
// field validation rejects, or the API server silently drops), and in the pod template — which the CRD keeps
// verbatim — what a Kubernetes PodSpec, Container or ObjectMeta does not have.
import type { FieldError } from '../resources/field-error.js';
import type { JSONSchemaProps } from '../resources/json-schema.js';
import { OBJECT_META, POD } from '../sandbox/builtin-field-orders.js';
import type { StructOrder } from '../sandbox/field-order.js';

/**
 * The Kubernetes structs whose field names stand in for the schema where it preserves unknown fields: the
 * metadata of the resource itself, and the pod template's spec with its containers.
 */
const POD_SPEC = POD.nested?.['spec'];
const RESOURCE_SHAPE: StructOrder = {
  fields: [],
  nested: {
    metadata: OBJECT_META,
    spec: { fields: [], nested: { template: { fields: [], nested: POD_SPEC === undefined ? {} : { spec: POD_SPEC } } } },
  },
};

/** One error per field that `schema` (or, where the schema is open, the Kubernetes struct) does not know. */
export function unknownFields(schema: JSONSchemaProps, doc: unknown): FieldError[] {
  const errors: FieldError[] = [];
  if (isRecord(doc)) walkObject(doc, schema, RESOURCE_SHAPE, '', errors);
  return errors;
}

/**
 * A schema with properties is closed over them. Where it declares none (the resource's metadata) or preserves
 * unknown fields (the pod spec, containers), the Kubernetes struct's field names, when there is one, say what is
 * known; a map (additionalProperties) takes any key.
 */
function walk(value: unknown, schema: JSONSchemaProps | undefined, shape: StructOrder | 'map' | undefined, path: string, errors: FieldError[]): void {
  const struct = shape === 'map' ? undefined : shape;
  if (Array.isArray(value)) {
    value.forEach((item, i) => walk(item, schema?.items, struct, `${path}[${i}]`, errors));
    return;
  }
  if (isRecord(value) && shape !== 'map') walkObject(value, schema, struct, path, errors);
}

function walkObject(value: Record<string, unknown>, schema: JSONSchemaProps | undefined, shape: StructOrder | undefined, path: string, errors: FieldError[]): void {
  const declared = Object.keys(schema?.properties ?? {});
  const open = schema?.['x-kubernetes-preserve-unknown-fields'] === true;
  const isMap = schema?.additionalProperties !== undefined;
  const closedBySchema = declared.length > 0 && !open && !isMap;
  const closedByShape = !closedBySchema && !isMap && shape !== undefined && shape.fields.length > 0;
  const known = [...declared, ...(shape?.fields ?? [])];
  for (const [key, child] of Object.entries(value)) {
    const childPath = path === '' ? key : `${path}.${key}`;
    const childSchema = schema?.properties?.[key] ?? schema?.additionalProperties;
    if ((closedBySchema || closedByShape) && !known.includes(key)) {
      errors.push({ path: childPath, message: unknownFieldMessage(key, known) });
      continue;
    }
    walk(child, childSchema, shape?.nested?.[key], childPath, errors);
  }
}

/** `unknown field "replica"`, with the closest known name when one is a likely typo of it. */
function unknownFieldMessage(key: string, known: readonly string[]): string {
  const guess = closest(key, known);
  return `unknown field ${JSON.stringify(key)}${guess === undefined ? '' : ` (did you mean ${JSON.stringify(guess)}?)`}`;
}

function closest(key: string, known: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  let best: { name: string; distance: number } | undefined;
  for (const name of new Set(known)) {
    const distance = name.toLowerCase() === lower ? 0 : editDistance(lower, name.toLowerCase());
    if (distance <= Math.max(1, Math.floor(name.length / 4)) && (best === undefined || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

/** Edits (insert, delete, replace, swap two neighbours) from `a` to `b`: the optimal string alignment distance. */
function editDistance(a: string, b: string): number {
  const rows: number[][] = [Array.from({ length: b.length + 1 }, (_, j) => j)];
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const at = (r: number, c: number): number => (r === i ? row[c] : rows[r]?.[c]) ?? 0;
      let distance = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) distance = Math.min(distance, at(i - 2, j - 2) + 1);
      row[j] = distance;
    }
    rows.push(row);
  }
  return rows[a.length]?.[b.length] ?? 0;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
