// buildStepExperiment: what a canary `experiment` step's fields become in the Experiment Vane creates (Argo docs
// features/experiment.md "Integration With Rollouts": the step's templates, analyses and settings carry over).
// @covers spec.strategy.canary.steps[].experiment.duration
// @covers spec.strategy.canary.steps[].experiment.templates
// @covers spec.strategy.canary.steps[].experiment.templates[].replicas
// @covers spec.strategy.canary.steps[].experiment.templates[].metadata
// @covers spec.strategy.canary.steps[].experiment.templates[].metadata.labels
// @covers spec.strategy.canary.steps[].experiment.templates[].metadata.annotations
// @covers spec.strategy.canary.steps[].experiment.templates[].selector/**
// @covers spec.strategy.canary.steps[].experiment.analyses
// @covers spec.strategy.canary.steps[].experiment.analyses[].clusterScope
// @covers spec.strategy.canary.steps[].experiment.analyses[].args[].name
// @covers spec.strategy.canary.steps[].experiment.analyses[].args[].value
// @covers spec.strategy.canary.steps[].experiment.analyses[].args[].valueFrom
// @covers spec.strategy.canary.steps[].experiment.analyses[].args[].valueFrom.podTemplateHashValue
// @covers spec.strategy.canary.steps[].experiment.analyses[].args[].valueFrom.fieldRef
// @covers spec.strategy.canary.steps[].experiment.analyses[].args[].valueFrom.fieldRef.fieldPath
// @covers spec.strategy.canary.steps[].experiment.scaleDownDelaySeconds
// @covers spec.strategy.canary.steps[].experiment.dryRun
// @covers spec.strategy.canary.steps[].experiment.dryRun[].metricName
import { describe, expect, it } from 'vitest';
import type { EffectOf } from '../machine/effects.js';
import type { PodTemplateSpec } from '../resources/meta.js';
import type { Rollout, RolloutExperimentStep } from '../resources/rollout.js';
import { buildStepExperiment } from './step-experiment.js';

const pod = (image: string, hash: string): PodTemplateSpec => ({
  metadata: { labels: { app: 'shop', 'rollouts-pod-template-hash': hash }, annotations: { team: 'payments' } },
  spec: { containers: [{ name: 'app', image }] },
});
const PODS: Record<string, PodTemplateSpec> = { s1: pod('shop:1', 's1'), c2: pod('shop:2', 'c2') };

const rollout: Rollout = {
  apiVersion: 'vane.dev/v1alpha1',
  kind: 'Rollout',
  metadata: { name: 'shop', namespace: 'shop', uid: 'u-1', labels: { tier: 'gold' } },
  spec: { selector: { matchLabels: { app: 'shop' } }, strategy: { canary: {} } },
};

function build(step: RolloutExperimentStep): ReturnType<typeof buildStepExperiment> {
  const effect: EffectOf<'createExperiment'> = { type: 'createExperiment', gate: '1', name: 'shop-exp', step, canaryHash: 'c2', stableHash: 's1' };
  return buildStepExperiment(rollout, effect, 'shop-exp', (hash) => PODS[hash]);
}

describe('buildStepExperiment', () => {
  it('given templates with replicas, metadata and a selector, then each Experiment template has them, with the step labels added to pods and selector', () => {
    const exp = build({
      templates: [
        { name: 'baseline', specRef: 'stable', replicas: 2, metadata: { labels: { role: 'baseline' }, annotations: { note: 'b' } } },
        { name: 'canary', specRef: 'canary', selector: { matchLabels: { app: 'shop' }, matchExpressions: [{ key: 'track', operator: 'Exists' }] } },
      ],
    });
    const [baseline, canary] = exp.spec.templates;
    expect(baseline).toMatchObject({ name: 'baseline', replicas: 2, selector: { matchLabels: { app: 'shop', role: 'baseline' } } });
    expect(baseline?.template.metadata).toEqual({ labels: { app: 'shop', role: 'baseline' }, annotations: { team: 'payments', note: 'b' } });
    expect(baseline?.template.spec.containers[0]?.image).toBe('shop:1');
    expect(canary?.replicas).toBeUndefined();
    expect(canary?.selector).toEqual({ matchLabels: { app: 'shop' }, matchExpressions: [{ key: 'track', operator: 'Exists' }] });
    expect(canary?.template.spec.containers[0]?.image).toBe('shop:2');
  });

  it('given duration, scaleDownDelaySeconds and dryRun, then the Experiment carries them', () => {
    const exp = build({ templates: [{ name: 'canary', specRef: 'canary' }], duration: '5m', scaleDownDelaySeconds: 7, dryRun: [{ metricName: 'latency' }] });
    expect(exp.spec).toMatchObject({ duration: '5m', scaleDownDelaySeconds: 7, dryRun: [{ metricName: 'latency' }] });
  });

  it('given analyses with clusterScope and arguments by value, by pod hash and by field reference, then each argument is resolved against the Rollout', () => {
    const exp = build({
      templates: [{ name: 'canary', specRef: 'canary' }],
      analyses: [
        {
          name: 'errors',
          templateName: 'error-rate',
          clusterScope: true,
          args: [
            { name: 'plain', value: 'x' },
            { name: 'latest', valueFrom: { podTemplateHashValue: 'Latest' } },
            { name: 'stable', valueFrom: { podTemplateHashValue: 'Stable' } },
            { name: 'tier', valueFrom: { fieldRef: { fieldPath: "metadata.labels['tier']" } } },
          ],
        },
      ],
    });
    expect(exp.spec.analyses).toEqual([
      {
        name: 'errors',
        templateName: 'error-rate',
        clusterScope: true,
        args: [
          { name: 'plain', value: 'x' },
          { name: 'latest', value: 'c2' },
          { name: 'stable', value: 's1' },
          { name: 'tier', value: 'gold' },
        ],
      },
    ]);
  });
});
