// The text a Helm template prints for one scalar of a values file, or for one `--set` parameter.
//
// Helm reads values files with sigs.k8s.io/yaml: go-yaml v2 types each plain scalar (go-yaml-scalar.ts), the result
// goes through encoding/json and back into map[string]interface{}, so every number arrives as a float64, and a
// template prints it with fmt's %v. Hence `tag: 1.10` renders 1.1, `tag: 1234567` renders 1.234567e+06 and
// `tag: yes` renders true, while `tag: "1.10"` renders 1.10. A null removes the key (Helm's coalescing deletes
// null values), so nothing is rendered; .inf and .nan cannot be written as JSON, so Helm refuses the whole file.
import { formatGoFloat, resolvePlainScalar, type GoYamlScalar } from './go-yaml-scalar.js';
import { PlainScalar } from './yaml-documents.js';

/** What Helm prints for a values node as parseStyledDocuments returns it; undefined when it prints nothing. */
export function helmRenderedValue(node: unknown): string | undefined {
  if (typeof node === 'string') return node;
  if (!(node instanceof PlainScalar)) return undefined;
  return renderTyped(resolvePlainScalar(node.text));
}

function renderTyped(scalar: GoYamlScalar): string | undefined {
  switch (scalar.type) {
    case 'str':
      return scalar.value;
    case 'null':
      return undefined;
    case 'bool':
      return String(scalar.value);
    case 'int':
      // encoding/json writes the integer exactly and decodes it into the nearest float64 (ties to even, as Number does).
      return formatGoFloat(Number(scalar.value));
    case 'float':
      return Number.isFinite(scalar.value) ? formatGoFloat(scalar.value) : undefined;
  }
}

/**
 * Helm's strvals `typedVal` for a `--set` value (Argo CD passes helm parameters as `--set name=value`, or as
 * `--set-string` when forceString is set): true / false / null in any case, "0", and base-10 int64s not starting
 * with 0 are typed and printed back by %v; everything else stays the text. There is no float typing here.
 */
export function helmSetParameterValue(value: string, forceString: boolean): string | undefined {
  if (forceString) return value;
  const lower = value.toLowerCase();
  if (lower === 'true' || lower === 'false') return lower;
  if (lower === 'null') return undefined;
  if (value === '0') return '0';
  if (/^[+-]?[0-9]+$/.test(value) && value[0] !== '0') {
    const integer = BigInt(value);
    if (integer >= -(2n ** 63n) && integer < 2n ** 63n) return integer.toString();
  }
  return value;
}
