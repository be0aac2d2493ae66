import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { pruneUnknownFields, validateObject } from '../sandbox/schema/structural-schema.js';
import { schemaForKind, type VaneKind } from './crd-manifests.js';
import {
  maximalAnalysisRun,
  maximalAnalysisTemplate,
  maximalClusterAnalysisTemplate,
  maximalRollout,
} from './fixtures/maximal-resources.js';
import { typeCheck } from './fixtures/type-check.js';
import type { JSONSchemaProps } from './json-schema.js';
import { coveredSchemaPaths, schemaPaths } from './schema-paths.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = resolve(here, '../..');
const fixture = resolve(here, 'fixtures/maximal-resources.ts');

const maximal: Array<[VaneKind, unknown]> = [
  ['Rollout', maximalRollout],
  ['AnalysisTemplate', maximalAnalysisTemplate],
  ['ClusterAnalysisTemplate', maximalClusterAnalysisTemplate],
  ['AnalysisRun', maximalAnalysisRun],
];

const uncovered = (schema: JSONSchemaProps, value: unknown): string[] => {
  const covered = coveredSchemaPaths(schema, value);
  return schemaPaths(schema).filter((p) => !covered.has(p));
};

describe('schema ↔ TypeScript type drift', () => {
  it.each(maximal)('given the maximal %s, then its CRD schema accepts it and prunes nothing', (kind, literal) => {
    const schema = schemaForKind(kind);
    expect(validateObject(schema, literal)).toEqual([]);
    expect(pruneUnknownFields(schema, literal).removedPaths).toEqual([]);
  });

  it('given a literal with a field the schema lacks, then pruning removes it (so the check above can fail)', () => {
    const extended = { ...maximalRollout, spec: { ...maximalRollout.spec, notAField: true } };
    expect(pruneUnknownFields(schemaForKind('Rollout'), extended).removedPaths).toEqual(['spec.notAField']);
  });

  it.each(maximal)('given the maximal %s, then every property path of its schema is set in the literal', (kind, literal) => {
    expect(uncovered(schemaForKind(kind), literal)).toEqual([]);
  });

  it('given a schema with a field the literal lacks, then the coverage check names it (so it can fail)', () => {
    const schema = schemaForKind('Rollout');
    const spec = schema.properties!.spec!;
    const widened: JSONSchemaProps = {
      ...schema,
      properties: { ...schema.properties, spec: { ...spec, properties: { ...spec.properties, notAField: { type: 'boolean' } } } },
    };
    expect(uncovered(widened, maximalRollout)).toEqual(['spec.notAField']);
  });

  it('given the maximal literals, when compiled, then they satisfy their types with every optional field set', () => {
    const probe = resolve(here, 'fixtures/__incomplete-probe__.ts');
    const { errors } = typeCheck(repoRoot, [fixture], {
      [probe]: [
        "import type { Metric } from '../analysis.js';",
        "import type { Complete } from './maximal-resources.js';",
        "export const incomplete = { name: 'm' } satisfies Complete<Metric>;",
      ].join('\n'),
    });
    expect(errors.get(fixture)).toEqual([]);
    // A literal that leaves an optional field out must not compile, or the check above would prove nothing.
    expect(errors.get(probe)?.join('\n')).toMatch(/interval/);
  }, 30_000);
});
