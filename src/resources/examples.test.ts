import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { pruneUnknownFields, validateObject } from '../sandbox/schema/structural-schema.js';
import { validateAnalysisRun, validateAnalysisTemplate } from './analysis-template-validation.js';
import { schemaForKind, type VaneKind } from './crd-manifests.js';
import type { FieldError } from './field-error.js';
import type { JSONSchemaProps } from './json-schema.js';
import { validateExperiment } from './experiment-validation.js';
import { validateClusterNotifier, validateNotifier } from './notifier-validation.js';
import { validateRollout } from './rollout-validation.js';
import { FIXTURE_CRD_DIR } from '../../test/fixtures/fixture-files.js';

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface ExampleDoc {
  file: string;
  index: number;
  kind: string;
  doc: Doc;
}

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const examplesDir = resolve(repoRoot, 'examples');
const httpRouteCrd = resolve(FIXTURE_CRD_DIR, 'gateway.networking.k8s.io_httproutes.yaml');

const docs: ExampleDoc[] = readdirSync(examplesDir)
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .flatMap((file) =>
    yaml
      .loadAll(readFileSync(resolve(examplesDir, file), 'utf8'))
      .filter((d): d is Doc => typeof d === 'object' && d !== null)
      .map((doc, index) => ({ file, index, kind: String(doc.kind), doc })),
  );
const vaneDocs = docs.filter((d) => String(d.doc.apiVersion).startsWith('vane.dev/'));
const httpRoutes = docs.filter((d) => d.kind === 'HTTPRoute');
const rollouts = vaneDocs.filter((d) => d.kind === 'Rollout');

const semanticRules: Record<VaneKind, (obj: unknown) => FieldError[]> = {
  Rollout: validateRollout,
  AnalysisTemplate: validateAnalysisTemplate,
  ClusterAnalysisTemplate: validateAnalysisTemplate,
  AnalysisRun: validateAnalysisRun,
  Experiment: validateExperiment,
  Notifier: validateNotifier,
  ClusterNotifier: validateClusterNotifier,
};

function servedSchema(crdFile: string, version: string): JSONSchemaProps {
  const crd = yaml.load(readFileSync(crdFile, 'utf8')) as Doc;
  const found = (crd.spec.versions as Doc[]).find((v) => v.name === version);
  if (found === undefined) throw new Error(`${crdFile} has no version ${version}`);
  return found.schema.openAPIV3Schema as JSONSchemaProps;
}

function inNamespace(kind: string, name: string, namespace: string): Doc | undefined {
  return docs.find((d) => d.kind === kind && d.doc.metadata?.name === name && d.doc.metadata?.namespace === namespace)?.doc;
}

describe('examples/', () => {
  it('given the examples folder, then the three documented examples are there with their Vane documents, each after its Namespace', () => {
    const kindsByFile = (file: string): string[] => docs.filter((d) => d.file === file).map((d) => d.kind);
    expect(kindsByFile('canary-gateway-api.yaml')).toEqual(['Namespace', 'Service', 'Service', 'HTTPRoute', 'Rollout']);
    expect(kindsByFile('blue-green.yaml')).toEqual(['Namespace', 'Service', 'Service', 'Rollout']);
    expect(kindsByFile('analysis-template-error-rate.yaml')).toEqual(['Namespace', 'AnalysisTemplate']);
  });

  it.each(vaneDocs)('given $file #$index ($kind), then the CRD schema accepts it and prunes nothing', ({ kind, doc }) => {
    const schema = schemaForKind(kind as VaneKind);
    expect(validateObject(schema, doc)).toEqual([]);
    expect(pruneUnknownFields(schema, doc).removedPaths).toEqual([]);
  });

  it.each(vaneDocs)('given $file #$index ($kind), then the semantic validation passes', ({ kind, doc }) => {
    expect(semanticRules[kind as VaneKind](doc)).toEqual([]);
  });

  it.each(httpRoutes)('given $file #$index (HTTPRoute), then it validates against the Gateway API v1 CRD', ({ doc }) => {
    expect(doc.apiVersion).toBe('gateway.networking.k8s.io/v1');
    expect(validateObject(servedSchema(httpRouteCrd, 'v1'), doc)).toEqual([]);
  });

  it.each(rollouts)('given $file ($kind), then the Services, routes and templates it names exist beside it', ({ doc }) => {
    const ns = String(doc.metadata.namespace);
    const strategy = doc.spec.strategy.canary ?? doc.spec.strategy.blueGreen;
    const services = ['stableService', 'canaryService', 'activeService', 'previewService'].flatMap((k) =>
      strategy[k] === undefined ? [] : [String(strategy[k])],
    );
    for (const name of services) expect(inNamespace('Service', name, ns), `Service ${name}`).toBeDefined();
    const templateNames = JSON.stringify(doc.spec).match(/"templateName":"[^"]+"/g) ?? [];
    for (const ref of templateNames) {
      const name = ref.split('"')[3] ?? '';
      expect(inNamespace('AnalysisTemplate', name, ns), `AnalysisTemplate ${name}`).toBeDefined();
    }
    for (const route of strategy.trafficRouting?.gatewayAPI?.httpRoutes ?? []) {
      const httpRoute = inNamespace('HTTPRoute', route.name, ns);
      const rules = (httpRoute?.spec.rules ?? []) as Doc[];
      const split = rules.filter((r) => (route.rules ?? []).includes(r.name));
      expect(split.length, `rules ${String(route.rules)} of HTTPRoute ${route.name}`).toBe((route.rules ?? []).length);
      for (const rule of split) {
        expect((rule.backendRefs as Doc[]).map((b) => b.name).sort()).toEqual([strategy.canaryService, strategy.stableService].sort());
      }
    }
  });
});
