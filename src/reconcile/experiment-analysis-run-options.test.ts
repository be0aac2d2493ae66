// An Experiment's analysisRunMetadata, from the Experiment itself or from a Rollout's experiment step, lands on the
// AnalysisRuns the experiment creates (Argo docs features/specification.md: analysisRunMetadata).
// @covers spec.analysisRunMetadata
// @covers spec.analysisRunMetadata.labels
// @covers spec.analysisRunMetadata.annotations
// @covers spec.strategy.canary.steps[].experiment.analysisRunMetadata
// @covers spec.strategy.canary.steps[].experiment.analysisRunMetadata.labels
// @covers spec.strategy.canary.steps[].experiment.analysisRunMetadata.annotations
import { describe, expect, it } from 'vitest';
import type { EffectOf } from '../machine/effects.js';
import type { AnalysisTemplate } from '../resources/analysis.js';
import type { Experiment } from '../resources/experiment.js';
import type { Rollout } from '../resources/rollout.js';
import type { TemplateCache } from './analysis-run-factory.js';
import { buildExperimentAnalysisRun } from './experiment-analysis-run.js';
import { buildStepExperiment } from './step-experiment.js';

const template: AnalysisTemplate = {
  apiVersion: 'vane.dev/v1alpha1',
  kind: 'AnalysisTemplate',
  metadata: { name: 'smoke', namespace: 'shop' },
  spec: { metrics: [{ name: 'm', provider: { web: { url: 'http://stats/' } } }] },
};
const cache: TemplateCache = { analysisTemplate: (ns, name) => (ns === 'shop' && name === 'smoke' ? template : undefined), clusterAnalysisTemplate: () => undefined };
const runMetadata = { labels: { team: 'payments', 'vane.dev/experiment': 'mine' }, annotations: { 'example.com/ticket': 'OPS-7' } };

function experiment(spec: Partial<Experiment['spec']>): Experiment {
  return {
    apiVersion: 'vane.dev/v1alpha1',
    kind: 'Experiment',
    metadata: { name: 'exp', namespace: 'shop', uid: 'u-e' },
    spec: { templates: [{ name: 'canary', selector: { matchLabels: { app: 'shop' } }, template: { metadata: { labels: { app: 'shop' } }, spec: { containers: [{ name: 'app', image: 'img:2' }] } } }], analyses: [{ name: 'smoke', templateName: 'smoke' }], ...spec },
  };
}

describe('analysisRunMetadata of an Experiment', () => {
  it("given labels and annotations, then the experiment's AnalysisRun carries them under Vane's own labels", () => {
    const run = buildExperimentAnalysisRun(cache, experiment({ analysisRunMetadata: runMetadata }), { name: 'smoke', templateName: 'smoke' });
    expect(run.metadata.labels).toEqual({ team: 'payments', 'vane.dev/experiment': 'exp', 'vane.dev/experiment-analysis': 'smoke' });
    expect(run.metadata.annotations).toEqual({ 'example.com/ticket': 'OPS-7' });
  });

  it('given none, then the run has no annotations and only Vane\'s labels', () => {
    const run = buildExperimentAnalysisRun(cache, experiment({}), { name: 'smoke', templateName: 'smoke' });
    expect(run.metadata.annotations).toBeUndefined();
    expect(Object.keys(run.metadata.labels ?? {})).toEqual(['vane.dev/experiment', 'vane.dev/experiment-analysis']);
  });

  it("given a Rollout experiment step with analysisRunMetadata, then the Experiment it creates passes it on to its runs", () => {
    const rollout: Rollout = { apiVersion: 'vane.dev/v1alpha1', kind: 'Rollout', metadata: { name: 'shop', namespace: 'shop', uid: 'u-r' }, spec: { selector: { matchLabels: { app: 'shop' } }, strategy: { canary: {} } } };
    const effect: EffectOf<'createExperiment'> = {
      type: 'createExperiment',
      gate: '1',
      name: 'exp',
      canaryHash: 'new',
      stableHash: 'old',
      step: { templates: [{ name: 'canary', specRef: 'canary' }], analyses: [{ name: 'smoke', templateName: 'smoke' }], analysisRunMetadata: runMetadata },
    };
    const pod = { metadata: { labels: { app: 'shop' } }, spec: { containers: [{ name: 'app', image: 'img:2' }] } };
    const created = buildStepExperiment(rollout, effect, 'shop-exp', () => pod);
    expect(created.spec.analysisRunMetadata).toEqual(runMetadata);
    const run = buildExperimentAnalysisRun(cache, created, { name: 'smoke', templateName: 'smoke' });
    expect(run.metadata.labels).toMatchObject({ team: 'payments' });
    expect(run.metadata.annotations).toEqual({ 'example.com/ticket': 'OPS-7' });
  });
});
