// buildExperimentAnalysisRun: what an Experiment's analysis and its dryRun / measurementRetention settings make of the
// AnalysisRun (Argo docs features/experiment.md, analysis.md "Dry-Run Mode" and "Measurements Retention").
// @covers spec.analyses
// @covers spec.analyses[].name
// @covers spec.analyses[].templateName
// @covers spec.analyses[].clusterScope
// @covers spec.analyses[].args
// @covers spec.analyses[].args[].name
// @covers spec.analyses[].args[].value
// @covers spec.analyses[].args[].valueFrom
// @covers spec.analyses[].args[].valueFrom.secretKeyRef
// @covers spec.analyses[].args[].valueFrom.secretKeyRef.name
// @covers spec.analyses[].args[].valueFrom.secretKeyRef.key
// @covers spec.dryRun
// @covers spec.dryRun[].metricName
// @covers spec.measurementRetention
// @covers spec.measurementRetention[].metricName
// @covers spec.measurementRetention[].limit
import { describe, expect, it } from 'vitest';
import { TerminalError } from '../errors.js';
import type { AnalysisTemplate } from '../resources/analysis.js';
import type { Experiment, ExperimentSpec } from '../resources/experiment.js';
import type { TemplateCache } from './analysis-run-factory.js';
import { buildExperimentAnalysisRun } from './experiment-analysis-run.js';

function analysisTemplate(name: string): AnalysisTemplate {
  return {
    apiVersion: 'vane.dev/v1alpha1',
    kind: 'AnalysisTemplate',
    metadata: { name },
    spec: {
      args: [{ name: 'service' }, { name: 'token' }],
      metrics: ['errors', 'latency'].map((m) => ({ name: m, provider: { web: { url: 'http://stats/{{args.service}}', jsonPath: '{$.v}' } } })),
      measurementRetention: [{ metricName: 'errors', limit: 5 }],
    },
  };
}

const cache: TemplateCache = {
  analysisTemplate: (ns: string, name: string) => (ns === 'shop' && name === 'local' ? analysisTemplate('local') : undefined),
  clusterAnalysisTemplate: (name: string) => (name === 'shared' ? analysisTemplate('shared') : undefined),
} as TemplateCache;

function experiment(spec: Partial<ExperimentSpec>): Experiment {
  return { apiVersion: 'vane.dev/v1alpha1', kind: 'Experiment', metadata: { name: 'trial', namespace: 'shop', uid: 'u-1' }, spec: { templates: [], ...spec } };
}

const ARGS = [{ name: 'service', value: 'checkout' }, { name: 'token', valueFrom: { secretKeyRef: { name: 'stats', key: 'token' } } }];

describe('buildExperimentAnalysisRun', () => {
  it('given clusterScope, then the ClusterAnalysisTemplate of that name is used; without it the namespaced one, which is missing here', () => {
    const analysis = { name: 'errors', templateName: 'shared', clusterScope: true, args: ARGS };
    const run = buildExperimentAnalysisRun(cache, experiment({ analyses: [analysis] }), analysis);
    expect(run.metadata.name).toBe('trial-errors');
    expect(run.metadata.labels?.['vane.dev/experiment-analysis']).toBe('errors');
    expect(() => buildExperimentAnalysisRun(cache, experiment({}), { ...analysis, clusterScope: false })).toThrow(/AnalysisTemplate shop\/shared not found/);
  });

  it('given a value argument and a Secret argument, then the run holds the value and keeps the Secret reference; an argument left without either is refused', () => {
    const analysis = { name: 'errors', templateName: 'local', args: ARGS };
    expect(buildExperimentAnalysisRun(cache, experiment({}), analysis).spec.args).toEqual(ARGS);
    expect(() => buildExperimentAnalysisRun(cache, experiment({}), { ...analysis, args: [ARGS[0]!] })).toThrow(TerminalError);
  });

  it('given dryRun naming a metric, then only that metric of the run is dry-run', () => {
    const analysis = { name: 'errors', templateName: 'local', args: ARGS };
    const run = buildExperimentAnalysisRun(cache, experiment({ dryRun: [{ metricName: 'latency' }] }), analysis);
    expect(run.spec.metrics.map((m) => [m.name, m.dryRun ?? false])).toEqual([['errors', false], ['latency', true]]);
  });

  it('given measurementRetention, then it overrides the template\'s limit for its metric and adds its own', () => {
    const analysis = { name: 'errors', templateName: 'local', args: ARGS };
    const run = buildExperimentAnalysisRun(cache, experiment({ measurementRetention: [{ metricName: 'errors', limit: 2 }, { metricName: 'latency', limit: 7 }] }), analysis);
    expect(run.spec.measurementRetention).toEqual([{ metricName: 'errors', limit: 2 }, { metricName: 'latency', limit: 7 }]);
  });
});
