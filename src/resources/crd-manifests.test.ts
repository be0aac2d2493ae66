import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { checkStructural } from '../sandbox/schema/structural-schema.js';
import { crdFiles } from './crd-files.js';
import {
  analysisRunCrd,
  analysisTemplateCrd,
  clusterAnalysisTemplateCrd,
  experimentCrd,
  rolloutCrd,
  schemaForKind,
  vaneCrds,
  type CustomResourceDefinition,
} from './crd-manifests.js';
import { ARGO_UNSUPPORTED_FIELDS, type ArgoKind } from './argo-unsupported-fields.js';
import { UNSUPPORTED_DESCRIPTION } from './argo-field-gaps.js';
import { DEFAULT_CRD_DIR } from './generate-crds.js';
import type { JSONSchemaProps } from './json-schema.js';

const ALLOWED_KEYS = new Set([
  'type', 'description', 'format', 'properties', 'required', 'additionalProperties', 'items', 'enum', 'minimum',
  'maximum', 'minLength', 'maxLength', 'minItems', 'maxItems', 'pattern', 'x-kubernetes-int-or-string',
  'x-kubernetes-preserve-unknown-fields',
]);

/** The structural-schema rules of apiextensions.k8s.io/v1 (as a 1.19 apiserver enforces them), per node. */
function structuralProblems(node: JSONSchemaProps, path: string): string[] {
  const problems: string[] = [];
  const say = (m: string): void => void problems.push(`${path || '<root>'}: ${m}`);
  for (const key of Object.keys(node)) if (!ALLOWED_KEYS.has(key)) say(`uses ${key}`);
  const intOrString = node['x-kubernetes-int-or-string'] === true;
  const preserved = node['x-kubernetes-preserve-unknown-fields'] === true;
  if (intOrString && node.type !== undefined) say('int-or-string must not also have a type');
  // A node kept verbatim may go untyped (it takes any value): the Argo fields Vane keeps only to reject them.
  if (!intOrString && !preserved && node.type === undefined) say('has no type');
  if (node.properties !== undefined && node.additionalProperties !== undefined) say('has properties and additionalProperties');
  if ((node.properties !== undefined || node.additionalProperties !== undefined) && node.type !== 'object') say('properties on a non-object');
  if ((node.items !== undefined) !== (node.type === 'array')) say('items and type array must go together');
  for (const key of node.required ?? []) if (node.properties?.[key] === undefined) say(`requires undeclared ${key}`);
  for (const value of node.enum ?? []) if (typeof value !== 'string' || node.type !== 'string') say(`enum value ${String(value)} does not fit`);
  const children: Array<[string, JSONSchemaProps]> = [
    ...Object.entries(node.properties ?? {}).map(([k, s]): [string, JSONSchemaProps] => [`${path}.${k}`, s]),
    ...(node.items === undefined ? [] : [[`${path}[]`, node.items] as [string, JSONSchemaProps]]),
    ...(node.additionalProperties === undefined ? [] : [[`${path}.*`, node.additionalProperties] as [string, JSONSchemaProps]]),
  ];
  return [...problems, ...children.flatMap(([p, s]) => structuralProblems(s, p))];
}

/** Where unknown fields are kept, apart from the Argo fields kept only to be rejected (argo-field-gaps.ts). */
function preservedPaths(node: JSONSchemaProps, path = ''): string[] {
  if (node.description === UNSUPPORTED_DESCRIPTION) return [];
  const here = node['x-kubernetes-preserve-unknown-fields'] === true ? [path] : [];
  const props = Object.entries(node.properties ?? {}).flatMap(([k, s]) => preservedPaths(s, path === '' ? k : `${path}.${k}`));
  const items = node.items === undefined ? [] : preservedPaths(node.items, `${path}[]`);
  return [...here, ...props, ...items];
}

function at(schema: JSONSchemaProps, path: string): JSONSchemaProps {
  return path.split('.').reduce<JSONSchemaProps>((node, key) => {
    const next = key === '[]' ? node.items : node.properties?.[key];
    if (next === undefined) throw new Error(`no schema at ${path} (stuck at ${key})`);
    return next;
  }, schema);
}

const schemaOf = (crd: CustomResourceDefinition): JSONSchemaProps => crd.spec.versions[0]!.schema.openAPIV3Schema;

describe('crds/*.yaml', () => {
  it('given the generator, when compared with crds/, then every file is identical (run generate-crds.ts to fix drift)', () => {
    for (const file of crdFiles()) {
      expect(readFileSync(join(DEFAULT_CRD_DIR, file.name), 'utf8'), `crds/${file.name}`).toBe(file.content);
    }
  });

  it('given crds/, then it holds exactly the generated files and nothing else', () => {
    const onDisk = readdirSync(DEFAULT_CRD_DIR).filter((f) => f.endsWith('.yaml')).sort();
    expect(onDisk).toEqual(crdFiles().map((f) => f.name).sort());
  });

  it('given a generated file, when parsed, then it is the CRD object without anchors or aliases', () => {
    for (const [file, crd] of crdFiles().map((f, i) => [f, vaneCrds[i]] as const)) {
      expect(file.content).not.toMatch(/[&*]ref_\d/);
      expect(yaml.load(file.content)).toEqual(JSON.parse(JSON.stringify(crd)));
    }
  });
});

describe('Vane CRDs', () => {
  it.each([
    [rolloutCrd, 'rollouts.vane.dev', 'ro', 'Namespaced'],
    [analysisTemplateCrd, 'analysistemplates.vane.dev', 'at', 'Namespaced'],
    [clusterAnalysisTemplateCrd, 'clusteranalysistemplates.vane.dev', 'cat', 'Cluster'],
    [analysisRunCrd, 'analysisruns.vane.dev', 'ar', 'Namespaced'],
    [experimentCrd, 'experiments.vane.dev', 'exp', 'Namespaced'],
  ] as const)('given %#, then name, short name, categories, scope and v1alpha1 served+storage are set', (crd, name, short, scope) => {
    expect(crd.metadata.name).toBe(name);
    expect(crd.spec.group).toBe('vane.dev');
    expect(crd.spec.names.shortNames).toEqual([short]);
    expect(crd.spec.names.categories).toEqual(['vane', 'all']);
    expect(crd.spec.names.plural).toBe(name.split('.')[0]);
    expect(crd.spec.scope).toBe(scope);
    expect(crd.spec.versions.map((v) => [v.name, v.served, v.storage])).toEqual([['v1alpha1', true, true]]);
  });

  it("given the Rollout CRD, then it has status and scale subresources wired as Argo's: spec.replicas, status.HPAReplicas and the selector", () => {
    expect(rolloutCrd.spec.versions[0]!.subresources).toEqual({
      status: {},
      scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.HPAReplicas', labelSelectorPath: '.status.selector' },
    });
    expect(analysisRunCrd.spec.versions[0]!.subresources).toEqual({ status: {} });
    expect(analysisTemplateCrd.spec.versions[0]!.subresources).toBeUndefined();
  });

  it('given the printer columns, then Rollout shows Desired, Ready, Phase, Step-Index (named for the zero-based field it shows), Weight, Age and AnalysisRun Phase, Age', () => {
    const columns = (crd: CustomResourceDefinition): string[][] =>
      (crd.spec.versions[0]!.additionalPrinterColumns ?? []).map((c) => [c.name, c.type, c.jsonPath]);
    expect(columns(rolloutCrd)).toEqual([
      ['Desired', 'integer', '.spec.replicas'],
      ['Ready', 'integer', '.status.readyReplicas'],
      ['Phase', 'string', '.status.phase'],
      ['Step-Index', 'integer', '.status.currentStepIndex'],
      ['Weight', 'integer', '.status.canary.weights.canary'],
      ['Age', 'date', '.metadata.creationTimestamp'],
    ]);
    expect(columns(analysisRunCrd)).toEqual([
      ['Phase', 'string', '.status.phase'],
      ['Age', 'date', '.metadata.creationTimestamp'],
    ]);
  });

  it.each(vaneCrds.map((c) => [c.spec.names.kind, c] as const))(
    'given the %s schema, then it is structural: every node typed, no unsupported keywords',
    (_kind, crd) => {
      expect(structuralProblems(schemaOf(crd), '')).toEqual([]);
      expect(checkStructural(schemaOf(crd))).toEqual([]);
      expect(schemaOf(crd).properties?.metadata).toEqual({ type: 'object' });
    },
  );

  it('given the checker, when a schema breaks a rule, then it reports it (the check can fail)', () => {
    const broken = {
      type: 'object',
      properties: { a: { description: 'untyped' }, b: { type: 'array', uniqueItems: true, items: { type: 'string' } } },
      required: ['c'],
    } as unknown as JSONSchemaProps;
    expect(structuralProblems(broken, '')).toEqual([
      '<root>: requires undeclared c',
      '.a: has no type',
      '.b: uses uniqueItems',
    ]);
  });

  it('given the Rollout schema, then unknown fields are preserved only below the pod spec and in status.machine; in the analysis schemas only below a job metric\'s JobSpec', () => {
    expect(preservedPaths(schemaOf(rolloutCrd))).toEqual([
      'spec.template.spec',
      'spec.template.spec.containers[]',
      'status.machine',
    ]);
    for (const crd of [analysisTemplateCrd, clusterAnalysisTemplateCrd, analysisRunCrd]) {
      // The rest of a batch/v1 JobSpec goes to Kubernetes as written, which validates it when the Job is created.
      expect(preservedPaths(schemaOf(crd))).toEqual([
        'spec.metrics[].provider.job.spec',
        'spec.metrics[].provider.job.spec.template.spec',
        'spec.metrics[].provider.job.spec.template.spec.containers[]',
      ]);
    }
  });

  it.each(vaneCrds.map((c) => [c.spec.names.kind, c] as const))(
    'given the %s CRD, then every Argo Rollouts field Vane lacks is declared, untyped and kept verbatim, so the API server never prunes it',
    (kind, crd) => {
      const gaps = ARGO_UNSUPPORTED_FIELDS[kind as ArgoKind] ?? [];
      for (const path of gaps) {
        expect(at(schemaOf(crd), path.replaceAll('[]', '.[]'))).toEqual({ description: UNSUPPORTED_DESCRIPTION, 'x-kubernetes-preserve-unknown-fields': true });
      }
    },
  );
  it('given the Experiment schema, then unknown fields are preserved only below its templates\' pod specs and in status.machine', () => {
    expect(preservedPaths(schemaOf(experimentCrd))).toEqual([
      'spec.templates[].template.spec',
      'spec.templates[].template.spec.containers[]',
      'status.machine',
    ]);
    expect(experimentCrd.spec.versions[0]!.subresources).toEqual({ status: {} });
  });

  it('given the pod template, then labels, annotations and container name/image are typed at the top', () => {
    const template = at(rolloutCrd.spec.versions[0]!.schema.openAPIV3Schema, 'spec.template');
    expect(at(template, 'metadata.labels').additionalProperties).toEqual({ type: 'string' });
    expect(at(template, 'metadata.annotations').additionalProperties).toEqual({ type: 'string' });
    expect(at(template, 'spec.containers.[].name')).toMatchObject({ type: 'string', maxLength: 63, pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$' });
    expect(at(template, 'spec.containers.[].image')).toEqual({ type: 'string' });
    expect(at(template, 'spec').required).toEqual(['containers']);
  });

  it('given static bounds, then weights are 0..100, counts are >= 0, int-or-string fields carry the extension', () => {
    const rollout = schemaForKind('Rollout');
    expect(at(rollout, 'spec.strategy.canary.steps.[].setWeight')).toMatchObject({ type: 'integer', minimum: 0, maximum: 100 });
    expect(at(rollout, 'spec.replicas')).toMatchObject({ type: 'integer', format: 'int32', minimum: 0, maximum: 2_147_483_647 });
    expect(at(rollout, 'spec.revisionHistoryLimit')).toMatchObject({ minimum: 0 });
    for (const path of ['spec.strategy.canary.steps.[].pause.duration', 'spec.strategy.canary.maxSurge', 'spec.strategy.canary.maxUnavailable']) {
      expect(at(rollout, path)['x-kubernetes-int-or-string']).toBe(true);
    }
    const metric = at(schemaForKind('AnalysisTemplate'), 'spec.metrics.[]');
    expect(at(metric, 'interval')['x-kubernetes-int-or-string']).toBe(true);
    expect(at(metric, 'count').minimum).toBe(1);
    expect(at(rollout, 'spec.rollback.git.push').enum).toEqual(['direct', 'branch']);
  });
});
