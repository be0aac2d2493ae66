import { describe, expect, it } from 'vitest';
import type { Rollout } from '../resources/rollout.js';
import { POD_TEMPLATE_HASH_LABEL } from '../resources/pod-template-hash.js';
import { describeRollout, summarizeRollout } from './rollout-view.js';
import type { AnalysisRunObject, EventObject, ReplicaSetObject } from './rollout-read-model.js';

const canary: Rollout = {
  apiVersion: 'vane.dev/v1alpha1',
  kind: 'Rollout',
  metadata: { namespace: 'shop', name: 'web', uid: 'u1', generation: 2 },
  spec: {
    replicas: 4,
    selector: { matchLabels: { app: 'web' } },
    template: { spec: { containers: [{ name: 'app', image: 'shop:2' }] } },
    strategy: {
      canary: {
        stableService: 'web-stable',
        canaryService: 'web-canary',
        steps: [{ setWeight: 20 }, { pause: { duration: '5m' } }, { pause: {} }, { setCanaryScale: { replicas: 2 } }, { analysis: { templates: [{ templateName: 'error-rate' }] } }],
      },
    },
  },
  status: {
    phase: 'Paused',
    observedGeneration: 2,
    currentStepIndex: 2,
    currentPodHash: 'new',
    stableRS: 'old',
    canary: { weights: { canary: 20, stable: 80 } },
    analysisRuns: [{ name: 'web-new-4', gate: '4' }],
    command: { id: 'c2', action: 'promote', actor: 'alice', time: 't2' },
    lastCommand: { id: 'c1', action: 'pause', result: 'Accepted', time: 't1' },
  },
};

function blueGreen(status: NonNullable<Rollout['status']>): Rollout {
  const { canary: _canary, ...strategy } = { ...canary.spec.strategy, blueGreen: { activeService: 'web-active', previewService: 'web-preview' } };
  return { ...canary, spec: { ...canary.spec, strategy }, status };
}

function rs(hash: string, createdAt: string): ReplicaSetObject {
  return {
    metadata: { name: `web-${hash}`, labels: { [POD_TEMPLATE_HASH_LABEL]: hash }, creationTimestamp: createdAt },
    spec: { replicas: 1, template: { spec: { containers: [{ name: 'app', image: `shop:${hash}` }] } } },
    status: { readyReplicas: 1, availableReplicas: 1 },
  };
}

describe('describeRollout', () => {
  it('marks steps before the current index done, the current one current, the rest pending', () => {
    const steps = describeRollout(canary, { replicaSets: [], analysisRuns: [], events: [] }).steps;
    expect(steps.map((s) => [s.description, s.state])).toEqual([
      ['setWeight 20%', 'done'],
      ['pause 5m', 'done'],
      ['pause (until promoted)', 'current'],
      ['setCanaryScale replicas=2', 'pending'],
      ['analysis error-rate', 'pending'],
    ]);
  });

  it('labels ReplicaSets stable, canary or old by hash, newest first', () => {
    const detail = describeRollout(canary, { replicaSets: [rs('old', '2024-01-01T00:00:00Z'), rs('new', '2024-02-01T00:00:00Z'), rs('older', '2023-01-01T00:00:00Z')], analysisRuns: [], events: [] });
    expect(detail.replicaSets.map((r) => [r.name, r.role])).toEqual([
      ['web-new', 'canary'],
      ['web-old', 'stable'],
      ['web-older', 'old'],
    ]);
  });

  it('given a blue-green released to "new" whose "old" waits for its scale-down, then "new" is active and "old" the previous revision with its time', () => {
    const released = blueGreen({ phase: 'Healthy', currentPodHash: 'new', stableRS: 'new', blueGreen: { activeSelector: 'new', scaleDownAt: '2024-03-01T00:10:00Z' } });
    const detail = describeRollout(released, { replicaSets: [rs('old', '2024-01-01T00:00:00Z'), rs('new', '2024-02-01T00:00:00Z')], analysisRuns: [], events: [] });
    expect(detail.replicaSets.map((r) => [r.name, r.role, r.scaleDownAt])).toEqual([
      ['web-new', 'active', undefined],
      ['web-old', 'previous', '2024-03-01T00:10:00Z'],
    ]);
  });

  it('given a blue-green switched to "new" under post-promotion analysis, then "new" is active and "old" still the stable rollback target', () => {
    const switched = blueGreen({ phase: 'Progressing', currentPodHash: 'new', stableRS: 'old', blueGreen: { activeSelector: 'new' } });
    const detail = describeRollout(switched, { replicaSets: [rs('old', '2024-01-01T00:00:00Z'), rs('new', '2024-02-01T00:00:00Z')], analysisRuns: [], events: [] });
    expect(detail.replicaSets.map((r) => [r.name, r.role])).toEqual([
      ['web-new', 'active'],
      ['web-old', 'stable'],
    ]);
  });

  it('given a blue-green previewing "new", then "old" is active and "new" the preview; a status without activeSelector reads active from stableRS', () => {
    const replicaSets = [rs('old', '2024-01-01T00:00:00Z'), rs('new', '2024-02-01T00:00:00Z')];
    for (const status of [{ blueGreen: { activeSelector: 'old' } }, {}]) {
      const previewing = blueGreen({ phase: 'Paused', currentPodHash: 'new', stableRS: 'old', ...status });
      expect(describeRollout(previewing, { replicaSets, analysisRuns: [], events: [] }).replicaSets.map((r) => [r.name, r.role])).toEqual([
        ['web-new', 'preview'],
        ['web-old', 'active'],
      ]);
    }
  });

  it('shows each analysis run with its gate and the latest measurement of each metric', () => {
    const run: AnalysisRunObject = {
      apiVersion: 'vane.dev/v1alpha1',
      kind: 'AnalysisRun',
      metadata: { name: 'web-new-4' },
      spec: { metrics: [] },
      status: {
        phase: 'Running',
        metricResults: [
          {
            name: 'error-rate', phase: 'Running', count: 2, successful: 2, failed: 0, inconclusive: 0, error: 0, consecutiveError: 0,
            measurements: [{ phase: 'Successful', startedAt: 'a', value: '[0.1]' }, { phase: 'Successful', startedAt: 'b', value: '[0.2]' }],
          },
        ],
      },
    };
    const [view] = describeRollout(canary, { replicaSets: [], analysisRuns: [run], events: [] }).analysisRuns;
    expect(view).toMatchObject({ name: 'web-new-4', gate: '4', phase: 'Running', metrics: [{ name: 'error-rate', successful: 2, latest: { value: '[0.2]' } }] });
  });

  it('lists recent events newest first with their series count', () => {
    const events: EventObject[] = [
      { metadata: { name: 'e1' }, reason: 'StepCompleted', note: 'step 0', eventTime: '2024-05-01T10:00:00Z' },
      { metadata: { name: 'e2' }, reason: 'Paused', note: 'paused', eventTime: '2024-05-01T10:01:00Z', series: { count: 3, lastObservedTime: '2024-05-01T10:05:00Z' } },
    ];
    const detail = describeRollout(canary, { replicaSets: [], analysisRuns: [], events });
    expect(detail.events.map((e) => [e.reason, e.count])).toEqual([['Paused', 3], ['StepCompleted', 1]]);
  });
});

describe('summarizeRollout', () => {
  it('reports a command as pending only until the controller acknowledges the same id', () => {
    expect(summarizeRollout(canary).pendingCommand?.id).toBe('c2');
    const acked = { ...canary, status: { ...canary.status, lastCommand: { id: 'c2', action: 'promote' as const, result: 'Accepted' as const, time: 't3' } } };
    expect(summarizeRollout(acked).pendingCommand).toBeUndefined();
  });

  it('summarizes strategy, images, step count and weights', () => {
    expect(summarizeRollout(canary)).toMatchObject({ strategy: 'canary', images: ['shop:2'], stepCount: 5, currentStepIndex: 2, weights: { canary: 20, stable: 80 } });
  });
});
