// Specification of what Helm and kustomize make of a scalar in git: go-yaml v2 typing of plain scalars, Go's %v for numbers.
import { describe, expect, it } from 'vitest';
import { formatGoFloat } from '../../src/gitops/go-yaml-scalar.js';
import { helmSetParameterValue } from '../../src/gitops/helm-value-rendering.js';
import { scalarValueAt, type ScalarReader } from '../../src/gitops/scalar-reading.js';
import { parseStyledDocuments } from '../../src/gitops/yaml-documents.js';

/** The value a tool reads from `tag: <written>` in a file it consumes. */
function read(reader: ScalarReader, written: string): string | undefined {
  const [doc] = parseStyledDocuments(`tag: ${written}\n`) ?? [];
  return scalarValueAt(doc, ['tag'], reader);
}

// [as written in values.yaml, what {{ .Values.tag }} prints; undefined when the key is gone]
const HELM_CASES: Array<[string, string | undefined]> = [
  ['1.10', '1.1'],
  ['"1.10"', '1.10'],
  ["'1.10'", '1.10'],
  ['1.0', '1'],
  ['2.0', '2'],
  ['2.0.0', '2.0.0'],
  ['1e3', '1000'],
  ['1234567', '1.234567e+06'],
  ['123456', '123456'],
  ['1000000', '1e+06'],
  ['20230101', '2.0230101e+07'],
  ['0x1F', '31'],
  ['010', '8'],
  ['0o17', '15'],
  ['08', '8'],
  ['0b101', '5'],
  ['1_000', '1000'],
  ['+12', '12'],
  ['-1.5', '-1.5'],
  ['.5', '0.5'],
  ['0.0001', '0.0001'],
  ['0.00001', '1e-05'],
  ['9007199254740993', '9.007199254740992e+15'],
  ['1e400', '1e400'],
  ['yes', 'true'],
  ['Yes', 'true'],
  ['on', 'true'],
  ['y', 'true'],
  ['off', 'false'],
  ['No', 'false'],
  ['true', 'true'],
  ['"yes"', 'yes'],
  ['null', undefined],
  ['~', undefined],
  ['', undefined],
  ['.inf', undefined],
  ['.nan', undefined],
  ['v1.2', 'v1.2'],
  ['1.5.0-rc.1', '1.5.0-rc.1'],
  ['2024-01-01', '2024-01-01'],
  ['0x', '0x'],
  ['sha256:abc', 'sha256:abc'],
  ['|\n  1.10', '1.10\n'],
];

describe('helm values: what a template prints for a scalar', () => {
  it.each(HELM_CASES)('given tag: %s in a values file, when Helm renders it, then it prints %s', (written, rendered) => {
    expect(read('helm-values', written)).toBe(rendered);
  });
});

// [as written in kustomization.yaml, the string kustomize's Image.newTag holds]
const KUSTOMIZE_CASES: Array<[string, string | undefined]> = [
  ['1.10', '1.1'],
  ['"1.10"', '1.10'],
  ['1234567', '1234567'],
  ['2.0', '2'],
  ['1.0e7', '1e+07'],
  ['yes', 'true'],
  ['0x1F', '31'],
  ['null', undefined],
  ['2.3.0', '2.3.0'],
];

describe('kustomization string fields: what kustomize reads', () => {
  it.each(KUSTOMIZE_CASES)('given newTag: %s, when kustomize decodes it into a string, then it holds %s', (written, value) => {
    expect(read('typed-string', written)).toBe(value);
  });
});

describe('manifest string fields applied as JSON', () => {
  it.each([
    ['ghcr.io/acme/app:1.10', 'ghcr.io/acme/app:1.10'],
    ['"1.10"', '1.10'],
    ['1.10', undefined],
    ['yes', undefined],
  ])('given image: %s, when applied, then the image is %s', (written, value) => {
    expect(read('json-string', written)).toBe(value);
  });
});

describe('formatGoFloat: strconv.FormatFloat(f, g, -1, bits)', () => {
  it.each([
    [0, 64, '0'],
    [-0, 64, '-0'],
    [100000, 64, '100000'],
    [123456.7, 64, '123456.7'],
    [1e21, 64, '1e+21'],
    [1.5e-7, 64, '1.5e-07'],
    [1e100, 64, '1e+100'],
    [Number.POSITIVE_INFINITY, 64, '+Inf'],
    [Number.NaN, 64, 'NaN'],
    [1.1, 32, '1.1'],
    [0.1, 32, '0.1'],
    [16777217, 32, '1.6777216e+07'],
  ] as Array<[number, 32 | 64, string]>)('given %d as a float%d, when formatted, then it reads %s', (value, bits, text) => {
    expect(formatGoFloat(value, bits)).toBe(text);
  });
});

describe('helm --set parameters (Argo CD helm.parameters)', () => {
  it.each([
    ['1.10', false, '1.10'],
    ['1234567', false, '1234567'],
    ['+5', false, '5'],
    ['010', false, '010'],
    ['0', false, '0'],
    ['TRUE', false, 'true'],
    ['null', false, undefined],
    ['null', true, 'null'],
    ['99999999999999999999', false, '99999999999999999999'],
  ] as Array<[string, boolean, string | undefined]>)('given value %s with forceString %s, when Helm types it, then it prints %s', (value, forceString, rendered) => {
    expect(helmSetParameterValue(value, forceString)).toBe(rendered);
  });
});
