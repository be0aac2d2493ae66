// Fields an Argo Rollouts manifest may set that Vane does not implement: kept by the CRD (never pruned by the API
// server) and rejected by validation with a message naming them, so nobody believes a field works when it does not.
import { ARGO_UNSUPPORTED_FIELDS, type ArgoKind } from './argo-unsupported-fields.js';
import { isFields } from './field-checker.js';
import type { FieldError } from './field-error.js';
import type { JSONSchemaProps } from './json-schema.js';

export const UNSUPPORTED_DESCRIPTION = 'An Argo Rollouts field Vane does not support: an object that sets it is rejected (InvalidSpec).';

/** The message for a set field Vane does not support. */
export function unsupportedMessage(key: string): string {
  return `Argo Rollouts field ${JSON.stringify(key)} is not supported by Vane; remove it (docs/argo-rollouts.md lists what is supported)`;
}

/** `schema` with a property, kept verbatim, for every Argo field of `kind` it lacks, so the API server keeps them. */
export function withArgoFieldGaps(kind: string, schema: JSONSchemaProps): JSONSchemaProps {
  const gaps = ARGO_UNSUPPORTED_FIELDS[kind as ArgoKind];
  if (gaps === undefined) return schema;
  const copy = structuredClone(schema);
  for (const path of gaps) {
    const { parent, key } = splitPath(path);
    const node = nodeAt(copy, parent);
    if (node === undefined) continue;
    node.properties = { ...node.properties, [key]: { description: UNSUPPORTED_DESCRIPTION, 'x-kubernetes-preserve-unknown-fields': true } };
  }
  return copy;
}

/**
 * An error for every Argo field of `kind` that `obj` sets and Vane does not support; errors of `semantic` that
 * already complain about the same key at its parent (an "unknown step kind") are replaced by it.
 */
export function withUnsupportedArgoFields(kind: string, obj: unknown, semantic: readonly FieldError[]): FieldError[] {
  const gaps = ARGO_UNSUPPORTED_FIELDS[kind as ArgoKind] ?? [];
  const unsupported = gaps.flatMap((path) => setPaths(obj, path).map((at) => ({ path: at, message: unsupportedMessage(lastKey(at)) })));
  if (unsupported.length === 0) return [...semantic];
  const named = (e: FieldError): boolean =>
    unsupported.some((u) => u.path === e.path || u.path.startsWith(`${e.path}.`) && e.message.includes(JSON.stringify(lastKey(u.path))));
  return [...unsupported, ...semantic.filter((e) => !named(e))];
}

/** The concrete paths (`steps[2].plugin`) at which `obj` sets the field `path` (`steps[].plugin`) names. */
function setPaths(obj: unknown, path: string): string[] {
  let reached: Array<[string, unknown]> = [['', obj]];
  for (const part of path.split('.')) {
    const list = part.endsWith('[]');
    const key = list ? part.slice(0, -2) : part;
    reached = reached.flatMap(([at, value]): Array<[string, unknown]> => {
      if (!isFields(value) || value[key] === undefined) return [];
      const here = at === '' ? key : `${at}.${key}`;
      const child = value[key];
      if (!list) return [[here, child]];
      return Array.isArray(child) ? child.map((item, i): [string, unknown] => [`${here}[${i}]`, item]) : [];
    });
  }
  return reached.map(([at]) => at);
}

function splitPath(path: string): { parent: string; key: string } {
  const dot = path.lastIndexOf('.');
  return { parent: path.slice(0, dot), key: path.slice(dot + 1) };
}

function lastKey(path: string): string {
  return path.slice(path.lastIndexOf('.') + 1).replace(/\[\d+\]$/, '');
}

/** The schema node at a dotted path whose list parts end in `[]`. */
export function nodeAt(schema: JSONSchemaProps, path: string): JSONSchemaProps | undefined {
  let node: JSONSchemaProps | undefined = schema;
  for (const part of path === '' ? [] : path.split('.')) {
    const list = part.endsWith('[]');
    node = node?.properties?.[list ? part.slice(0, -2) : part];
    if (list) node = node?.items;
  }
  return node;
}
