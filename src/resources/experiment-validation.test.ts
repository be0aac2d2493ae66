import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { validateExperiment } from './experiment-validation.js';

const CORPUS = resolve(import.meta.dirname, '../../test/fixtures/argo-rollouts');

/** The corpus document of `kind` in `file`, with only its apiVersion changed (the parity rule of issue #15). */
function corpusExperiment(file: string): Record<string, unknown> {
  const text = readFileSync(resolve(CORPUS, file), 'utf8').replaceAll('argoproj.io/v1alpha1', 'vane.dev/v1alpha1');
  const doc = yaml.loadAll(text).find((d) => (d as { kind?: string }).kind === 'Experiment');
  if (doc === undefined) throw new Error(`${file} has no Experiment`);
  return doc as Record<string, unknown>;
}

function experiment(spec: Record<string, unknown>): Record<string, unknown> {
  return { apiVersion: 'vane.dev/v1alpha1', kind: 'Experiment', metadata: { name: 'e' }, spec };
}

const baseline = {
  name: 'baseline',
  selector: { matchLabels: { app: 'web' } },
  template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'img:1' }] } },
};

describe('Experiment validation', () => {
  it.each(['test/e2e/functional/experiment-basic.yaml', 'examples/experiment-with-analysis.yaml', 'test/e2e/functional/experiment-same-template.yaml'])(
    'given Argo\'s published %s with only its apiVersion changed, then it is valid',
    (file) => {
      expect(validateExperiment(corpusExperiment(file))).toEqual([]);
    },
  );

  it('given Argo\'s experiment-invalid.yaml (a template without a pod spec), then the missing spec is named', () => {
    expect(validateExperiment(corpusExperiment('test/e2e/expectedfailures/experiment-invalid.yaml'))).toContainEqual({ path: 'spec.templates[1].template.spec', message: 'is required' });
  });

  it('given no templates, duplicate template names or a selector that misses its pods, then each problem is named by its path', () => {
    expect(validateExperiment(experiment({ templates: [] }))).toEqual([{ path: 'spec.templates', message: 'must not be empty' }]);
    expect(validateExperiment(experiment({ templates: [baseline, baseline] }))).toEqual([{ path: 'spec.templates[1].name', message: 'duplicate name "baseline"' }]);
    const stray = { ...baseline, selector: { matchLabels: { app: 'other' } } };
    expect(validateExperiment(experiment({ templates: [stray] }))).toEqual([{ path: 'spec.templates[0].selector', message: 'does not match spec.templates[0].template.metadata.labels' }]);
  });

  it('given an analysis argument naming a template the experiment lacks, then the argument is rejected with the name', () => {
    const analyses = [{ name: 'cmp', templateName: 'judge', args: [{ name: 'canary-hash', value: '{{templates.canary.podTemplateHash}}' }] }];
    expect(validateExperiment(experiment({ templates: [baseline], analyses }))).toEqual([
      { path: 'spec.analyses[0].args[0].value', message: 'names template "canary", which spec.templates does not have' },
    ]);
  });

  it('given a zero duration, a negative scale-down delay and a zero progress deadline, then each is out of range', () => {
    const errors = validateExperiment(experiment({ templates: [baseline], duration: '0s', scaleDownDelaySeconds: -1, progressDeadlineSeconds: 0 }));
    expect(errors.map((e) => e.path)).toEqual(['spec.duration', 'spec.progressDeadlineSeconds', 'spec.scaleDownDelaySeconds']);
  });
});
