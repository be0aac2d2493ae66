// What a GitOps tool reads from one scalar of a repository file, by the kind of field it sits in.
import { formatGoFloat, resolvePlainScalar } from './go-yaml-scalar.js';
import { helmRenderedValue } from './helm-value-rendering.js';
import { valueAt } from './unstructured.js';
import { PlainScalar } from './yaml-documents.js';

/**
 * `helm-values`: a values file, as a template prints it (helm-value-rendering.ts).
 * `typed-string`: a Go string field decoded by sigs.k8s.io/yaml (a kustomization's `newTag`): numbers and booleans
 * are turned back into text, floats with float32 precision (yaml.go `convertToJSONableObject`), so `newTag: 1.10`
 * becomes "1.1".
 * `json-string`: YAML converted to JSON first and decoded later (a manifest Argo CD or Flux applies, an Argo CD
 * override file): only a string is a string; a number or boolean there is an error, so nothing is deployed from it.
 */
export type ScalarReader = 'helm-values' | 'typed-string' | 'json-string';

/** A scalar as written (`raw`, its text) and as the tool reads it (`value`; undefined when it reads nothing). */
export interface ScalarField {
  raw: string;
  value: string | undefined;
}

/** The field at `path` of a document from parseStyledDocuments; undefined when there is no scalar there. */
export function scalarFieldAt(doc: unknown, path: ReadonlyArray<string | number>, reader: ScalarReader): ScalarField | undefined {
  const node = valueAt(doc, path);
  if (typeof node === 'string') return { raw: node, value: node };
  if (!(node instanceof PlainScalar)) return undefined;
  return { raw: node.text, value: readPlain(node, reader) };
}

/** The value a tool reads from a scalar node, undefined for nothing (absent, null, not a scalar, unreadable). */
export function scalarValueAt(doc: unknown, path: ReadonlyArray<string | number>, reader: ScalarReader): string | undefined {
  return scalarFieldAt(doc, path, reader)?.value;
}

function readPlain(node: PlainScalar, reader: ScalarReader): string | undefined {
  if (reader === 'helm-values') return helmRenderedValue(node);
  const scalar = resolvePlainScalar(node.text);
  if (scalar.type === 'str') return scalar.value;
  if (reader === 'json-string') return undefined;
  switch (scalar.type) {
    case 'null':
      return undefined;
    case 'bool':
      return String(scalar.value);
    case 'int':
      return scalar.value.toString();
    case 'float':
      return formatGoFloat(scalar.value, 32);
  }
}
