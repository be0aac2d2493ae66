// @covers spec.strategy.canary.steps[].analysis.templates[].clusterScope
// @covers spec.strategy.canary.analysis.templates[].clusterScope
// @covers spec.strategy.blueGreen.prePromotionAnalysis.templates[].clusterScope
// @covers spec.strategy.blueGreen.postPromotionAnalysis.templates[].clusterScope
// @covers spec.strategy.canary.steps[].analysis.args[].valueFrom
// @covers spec.strategy.canary.steps[].analysis.args[].valueFrom.podTemplateHashValue
// @covers spec.strategy.canary.steps[].analysis.args[].valueFrom.fieldRef
// @covers spec.strategy.canary.steps[].analysis.args[].valueFrom.fieldRef.fieldPath
// @covers spec.strategy.canary.analysis.args
// @covers spec.strategy.canary.analysis.args[].name
// @covers spec.strategy.canary.analysis.args[].value
// @covers spec.strategy.canary.analysis.args[].valueFrom
// @covers spec.strategy.canary.analysis.args[].valueFrom.podTemplateHashValue
// @covers spec.strategy.canary.analysis.args[].valueFrom.fieldRef
// @covers spec.strategy.canary.analysis.args[].valueFrom.fieldRef.fieldPath
// @covers spec.strategy.blueGreen.prePromotionAnalysis.args
// @covers spec.strategy.blueGreen.prePromotionAnalysis.args[].name
// @covers spec.strategy.blueGreen.prePromotionAnalysis.args[].value
// @covers spec.strategy.blueGreen.prePromotionAnalysis.args[].valueFrom
// @covers spec.strategy.blueGreen.prePromotionAnalysis.args[].valueFrom.podTemplateHashValue
// @covers spec.strategy.blueGreen.prePromotionAnalysis.args[].valueFrom.fieldRef
// @covers spec.strategy.blueGreen.prePromotionAnalysis.args[].valueFrom.fieldRef.fieldPath
// @covers spec.strategy.blueGreen.postPromotionAnalysis.args
// @covers spec.strategy.blueGreen.postPromotionAnalysis.args[].name
// @covers spec.strategy.blueGreen.postPromotionAnalysis.args[].value
// @covers spec.strategy.blueGreen.postPromotionAnalysis.args[].valueFrom
// @covers spec.strategy.blueGreen.postPromotionAnalysis.args[].valueFrom.podTemplateHashValue
// @covers spec.strategy.blueGreen.postPromotionAnalysis.args[].valueFrom.fieldRef
// @covers spec.strategy.blueGreen.postPromotionAnalysis.args[].valueFrom.fieldRef.fieldPath
// @covers spec.args[].valueFrom.fieldRef
// @covers spec.args[].valueFrom.fieldRef.fieldPath
import { describe, expect, it } from 'vitest';
import { TerminalError } from '../errors.js';
import type { EffectOf } from '../machine/effects.js';
import type { AnalysisTemplate, TemplateArgument } from '../resources/analysis.js';
import type { AnalysisRunArgument, Rollout } from '../resources/rollout.js';
import { buildRolloutAnalysisRun } from './analysis-run-factory.js';
import type { RolloutCache } from './rollout-cache.js';

const rollout: Rollout = {
  apiVersion: 'vane.dev/v1alpha1',
  kind: 'Rollout',
  metadata: { name: 'shop', namespace: 'shop-staging', uid: 'u-1', labels: { team: 'payments' } },
  spec: { selector: { matchLabels: { app: 'shop' } }, strategy: { canary: {} } },
};

function templateWith(args: TemplateArgument[]): AnalysisTemplate {
  return {
    apiVersion: 'vane.dev/v1alpha1',
    kind: 'AnalysisTemplate',
    metadata: { name: 'error-rate', namespace: 'shop-staging' },
    spec: { args, metrics: [{ name: 'm', provider: { prometheus: { address: 'http://p:9090', query: 'vector({{args.namespace}})' } } }] },
  };
}

function cacheWith(template: AnalysisTemplate): RolloutCache {
  return { analysisTemplate: (ns: string, name: string) => (ns === 'shop-staging' && name === 'error-rate' ? template : undefined) } as unknown as RolloutCache;
}

function build(templateArgs: TemplateArgument[], args: AnalysisRunArgument[] = []): TemplateArgument[] | undefined {
  const effect: EffectOf<'createAnalysisRun'> = { type: 'createAnalysisRun', gate: '1', name: 'run', templates: [{ templateName: 'error-rate' }], args, canaryHash: 'new', stableHash: 'old' };
  return buildRolloutAnalysisRun(cacheWith(templateWith(templateArgs)), rollout, effect, 'shop-run').spec.args;
}

describe('buildRolloutAnalysisRun arguments', () => {
  it("given a template argument from fieldRef metadata.namespace, then the run holds the Rollout's namespace as its value", () => {
    expect(build([{ name: 'namespace', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } }])).toEqual([{ name: 'namespace', value: 'shop-staging' }]);
  });

  it('given template arguments from a label and the name, then each is resolved from the Rollout', () => {
    const args = build([
      { name: 'team', valueFrom: { fieldRef: { fieldPath: "metadata.labels['team']" } } },
      { name: 'rollout', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
    ]);
    expect(args).toEqual([{ name: 'team', value: 'payments' }, { name: 'rollout', value: 'shop' }]);
  });

  it("given a template fieldRef overridden by the Rollout's own arg, then the Rollout's value wins", () => {
    expect(build([{ name: 'namespace', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } }], [{ name: 'namespace', value: 'other' }])).toEqual([{ name: 'namespace', value: 'other' }]);
  });

  it("given a Rollout arg from fieldRef and a hash, then both are resolved", () => {
    const args = build([{ name: 'ns' }, { name: 'hash' }], [
      { name: 'ns', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
      { name: 'hash', valueFrom: { podTemplateHashValue: 'Latest' } },
    ]);
    expect(args).toEqual([{ name: 'ns', value: 'shop-staging' }, { name: 'hash', value: 'new' }]);
  });

  it('given a Secret-backed template argument, then it stays a reference for measure time', () => {
    const secret = { name: 'token', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } };
    expect(build([secret])).toEqual([secret]);
  });

  it.each([
    [[{ name: 'gen', valueFrom: { fieldRef: { fieldPath: 'metadata.generation' } } }], [], 'analysis argument "gen" has no value (step 2 analysis): fieldRef metadata.generation: fieldPath "metadata.generation" is not supported'],
    [[{ name: 'ns' }], [{ name: 'ns', valueFrom: { fieldRef: { fieldPath: 'spec.nothing' } } }], 'analysis argument "ns" has no value (step 2 analysis): fieldRef spec.nothing: spec.nothing is not set in the Rollout'],
    [[{ name: 'service-name' }], [], 'analysis argument "service-name" has no value (step 2 analysis); set it in the Rollout\'s analysis args'],
  ] as Array<[TemplateArgument[], AnalysisRunArgument[], string]>)('given an argument that cannot be resolved (%j), then a TerminalError names the argument, the gate and the cause', (templateArgs, args, message) => {
    let thrown: unknown;
    try {
      build(templateArgs, args);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(TerminalError);
    expect((thrown as Error).message.startsWith(message)).toBe(true);
  });
});

describe('buildRolloutAnalysisRun templates', () => {
  it('given a template reference with clusterScope, then the ClusterAnalysisTemplate is used, not the namespaced one of the same name', () => {
    const cluster: AnalysisTemplate = { ...templateWith([]), kind: 'ClusterAnalysisTemplate', metadata: { name: 'error-rate' }, spec: { metrics: [{ name: 'cluster-wide', provider: { prometheus: { address: 'http://p:9090', query: 'vector(1)' } } }] } };
    const cache = { ...cacheWith(templateWith([])), clusterAnalysisTemplate: (name: string) => (name === 'error-rate' ? cluster : undefined) } as unknown as RolloutCache;
    const effect = (clusterScope: boolean): EffectOf<'createAnalysisRun'> => ({ type: 'createAnalysisRun', gate: '1', name: 'run', templates: [{ templateName: 'error-rate', clusterScope }], args: [], canaryHash: 'new', stableHash: 'old' });
    expect(buildRolloutAnalysisRun(cache, rollout, effect(true), 'r').spec.metrics.map((m) => m.name)).toEqual(['cluster-wide']);
    expect(buildRolloutAnalysisRun(cache, rollout, effect(false), 'r').spec.metrics.map((m) => m.name)).toEqual(['m']);
  });
});

describe('buildRolloutAnalysisRun with dryRun, measurementRetention and analysisRunMetadata (Argo docs features/analysis.md)', () => {
  const template: AnalysisTemplate = {
    ...templateWith([{ name: 'namespace', value: 'x' }]),
    spec: {
      ...templateWith([{ name: 'namespace', value: 'x' }]).spec,
      dryRun: [{ metricName: 'm' }],
      measurementRetention: [{ metricName: 'm', limit: 5 }],
    },
  };
  const effect = (options: EffectOf<'createAnalysisRun'>['options']): EffectOf<'createAnalysisRun'> => ({
    type: 'createAnalysisRun', gate: '1', name: 'run', templates: [{ templateName: 'error-rate' }], args: [], canaryHash: 'new', stableHash: 'old', options,
  });

  it("given the reference's rules and the template's, then the run holds the reference's first, then the template's", () => {
    const run = buildRolloutAnalysisRun(cacheWith(template), rollout, effect({ dryRun: [{ metricName: '.*' }], measurementRetention: [{ metricName: '^m$', limit: 20 }] }), 'shop-run');
    expect(run.spec.dryRun).toEqual([{ metricName: '.*' }, { metricName: 'm' }]);
    expect(run.spec.measurementRetention).toEqual([{ metricName: '^m$', limit: 20 }, { metricName: 'm', limit: 5 }]);
  });

  it("given analysisRunMetadata, then its labels and annotations are on the run and Vane's own labels win a clash", () => {
    const run = buildRolloutAnalysisRun(
      cacheWith(template),
      rollout,
      effect({ analysisRunMetadata: { labels: { team: 'payments', 'vane.dev/gate': 'mine' }, annotations: { 'example.com/owner': 'sre' } } }),
      'shop-run',
    );
    expect(run.metadata.labels).toEqual({ team: 'payments', 'vane.dev/rollout': 'shop', 'vane.dev/gate': '1', 'rollouts-pod-template-hash': 'new' });
    expect(run.metadata.annotations).toEqual({ 'example.com/owner': 'sre' });
  });

  it.each([
    [{ dryRun: [{ metricName: 'm' }] }, 'dryRun[1]: two rules have the same metricName "m" (step 2 analysis)'],
    [{ measurementRetention: [{ metricName: 'latency', limit: 3 }] }, 'measurementRetention[0]: metricName "latency" matches no metric ("m") (step 2 analysis)'],
  ] as Array<[EffectOf<'createAnalysisRun'>['options'], string]>)('given rules %j that cannot be used, then a TerminalError names the rule and the gate', (options, message) => {
    expect(() => buildRolloutAnalysisRun(cacheWith(template), rollout, effect(options), 'shop-run')).toThrow(new TerminalError(message));
  });
});
