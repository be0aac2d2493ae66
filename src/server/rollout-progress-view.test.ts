import { describe, expect, it } from 'vitest';
import type { CanaryStep, Rollout, RolloutStatus } from '../resources/rollout.js';
import { metricThreshold, stepWait, weightHistory } from './rollout-progress-view.js';

const STEPS: CanaryStep[] = [{ setWeight: 20 }, { pause: { duration: '5m' } }, { setWeight: 50 }, { pause: {} }, { analysis: { templates: [{ templateName: 'error-rate' }] } }];

function rollout(status: RolloutStatus): Rollout {
  return {
    apiVersion: 'vane.dev/v1alpha1',
    kind: 'Rollout',
    metadata: { namespace: 'shop', name: 'web' },
    spec: { replicas: 4, selector: { matchLabels: { app: 'web' } }, template: { spec: { containers: [{ name: 'app', image: 'shop:2' }] } }, strategy: { canary: { steps: STEPS } } },
    status,
  };
}

describe('what the current step waits for', () => {
  it('gives a timed pause its end, from the pause condition and the duration', () => {
    const wait = stepWait(rollout({ phase: 'Paused', pauseConditions: [{ reason: 'CanaryPauseStep', startTime: '2026-01-01T10:00:00Z' }] }), STEPS[1]!, 1);
    expect(wait).toEqual({ kind: 'pause', description: 'pause 5m until 2026-01-01T10:05:00.000Z', until: '2026-01-01T10:05:00.000Z' });
  });

  it('says a pause without a duration waits for a person', () => {
    expect(stepWait(rollout({ phase: 'Paused' }), STEPS[3]!, 3)).toMatchObject({ kind: 'promotion' });
  });

  it('names the analysis run of this step, not of another gate', () => {
    const status: RolloutStatus = { phase: 'Progressing', analysisRuns: [{ name: 'web-bg', gate: 'background', phase: 'Running' }, { name: 'web-4', gate: '4', phase: 'Running' }] };
    expect(stepWait(rollout(status), STEPS[4]!, 4)).toEqual({ kind: 'analysis', description: 'analysis web-4 (Running)', analysisRun: 'web-4' });
  });

  it('says a weight step waits for its pods, in the status message', () => {
    expect(stepWait(rollout({ phase: 'Progressing', message: 'canary 1/2 pods ready' }), STEPS[0]!, 0)).toEqual({ kind: 'pods', description: 'canary 1/2 pods ready' });
  });

  it('says nothing once the rollout is not moving', () => {
    expect(stepWait(rollout({ phase: 'Healthy' }), STEPS[3]!, 3)).toBeUndefined();
    expect(stepWait(rollout({ phase: 'Degraded' }), STEPS[1]!, 1)).toBeUndefined();
  });
});

describe('the canary weight over the current release', () => {
  const release = { podTemplateHash: 'new', images: ['shop:2'], startedAt: '2026-01-01T10:00:00Z' };

  it('starts at 0 and takes each entered step at the weight in force there', () => {
    const steps = [0, 1, 2, 3].map((index) => ({ index, at: `2026-01-01T10:0${index + 1}:00Z` }));
    const points = weightHistory(rollout({ phase: 'Paused', canary: { weights: { canary: 50, stable: 50 } }, history: [{ ...release, outcome: 'Progressing', steps }] }));
    expect(points.map((p) => p.canary)).toEqual([0, 20, 20, 50, 50]);
    expect(points[0]?.at).toBe(release.startedAt);
  });

  it('ends at 0 when traffic went back to stable after an abort', () => {
    const points = weightHistory(
      rollout({ phase: 'Degraded', history: [{ ...release, outcome: 'Aborted', steps: [{ index: 0, at: '2026-01-01T10:01:00Z' }], trafficResetAt: '2026-01-01T10:02:00Z' }] }),
    );
    expect(points.at(-1)).toEqual({ at: '2026-01-01T10:02:00Z', canary: 0 });
  });

  it('ends at 100 when the release was promoted', () => {
    const points = weightHistory(rollout({ phase: 'Healthy', history: [{ ...release, outcome: 'Promoted', finishedAt: '2026-01-01T10:09:00Z' }] }));
    expect(points).toEqual([
      { at: release.startedAt, canary: 0 },
      { at: '2026-01-01T10:09:00Z', canary: 100 },
    ]);
  });

  it('is empty without a release record', () => {
    expect(weightHistory(rollout({ phase: 'Healthy' }))).toEqual([]);
  });
});

describe('a metric condition as a threshold line', () => {
  it.each([
    ['result[0] < 0.01', { condition: 'success', operator: '<', value: 0.01 }],
    ['result <= 5', { condition: 'success', operator: '<=', value: 5 }],
    ['asFloat(result) >= 0.95', { condition: 'success', operator: '>=', value: 0.95 }],
    ['0.95 <= result[0]', { condition: 'success', operator: '>=', value: 0.95 }],
    ['result[0] < 1e-3', { condition: 'success', operator: '<', value: 0.001 }],
    ['result.errorRate < 0.05', { condition: 'success', operator: '<', value: 0.05 }],
    ["result['p99'] <= 250", { condition: 'success', operator: '<=', value: 250 }],
  ])('reads %s', (condition, expected) => {
    expect(metricThreshold(condition, undefined)).toEqual(expected);
  });

  it('falls back to the failure condition, and to nothing for a condition that is not one comparison', () => {
    expect(metricThreshold('len(result) > 0 && result[0] < 1', 'result[0] > 2')).toEqual({ condition: 'failure', operator: '>', value: 2 });
    expect(metricThreshold('result[0] < 1 || result[1] < 1', undefined)).toBeUndefined();
    expect(metricThreshold('result[1] < 1', undefined)).toBeUndefined();
    expect(metricThreshold(undefined, undefined)).toBeUndefined();
  });

  // Runs of spaces make the patterns backtrack; a text past the limit is not matched at all, even a real comparison.
  it('does not match a condition longer than one comparison needs, so a crafted one cannot stall the API', () => {
    expect(metricThreshold(`result${' '.repeat(150)}< 1`, undefined)).toEqual({ condition: 'success', operator: '<', value: 1 });
    expect(metricThreshold(`result${' '.repeat(250)}< 1`, undefined)).toBeUndefined();
  });
});
