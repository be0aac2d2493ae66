// planFromSpec: what the machines read from a Rollout spec, with defaults filled in.
import { describe, expect, it } from 'vitest';
import { TerminalError } from '../errors.js';
import type { RolloutSpec } from '../resources/rollout.js';
import { planFromSpec } from './rollout-plan.js';

const base: Omit<RolloutSpec, 'strategy'> = { selector: { matchLabels: { app: 'web' } }, replicas: 5 };

describe('planFromSpec', () => {
  it('given setHeaderRoute steps with and without match, then one sets the route and the other carries an empty match (a removal)', () => {
    const match = [{ headerName: 'x-canary', headerValue: { exact: 'yes' } }];
    const spec: RolloutSpec = {
      ...base,
      strategy: {
        canary: {
          stableService: 'web',
          canaryService: 'web-canary',
          trafficRouting: { istio: { virtualService: { name: 'web' } } },
          steps: [{ setWeight: 10 }, { setHeaderRoute: { name: 'testers', match } }, { setHeaderRoute: { name: 'testers' } }],
        },
      },
    };
    const plan = planFromSpec(spec);
    expect(plan.strategy === 'canary' ? plan.steps.slice(1) : []).toEqual([
      { kind: 'setHeaderRoute', name: 'testers', match },
      { kind: 'setHeaderRoute', name: 'testers', match: [] },
    ]);
    // The plan holds its own copy: editing the spec object afterwards cannot change a stored plan.
    match[0]!.headerValue.exact = 'no';
    expect(plan.strategy === 'canary' ? plan.steps[1] : undefined).toMatchObject({ match: [{ headerValue: { exact: 'yes' } }] });
  });

  it('given a routed canary with every step kind, then each step becomes a plan step and durations become milliseconds', () => {
    const plan = planFromSpec({
      ...base,
      progressDeadlineSeconds: 120,
      strategy: {
        canary: {
          stableService: 'web',
          canaryService: 'web-canary',
          trafficRouting: { smi: {} },
          steps: [
            { setWeight: 10 },
            { pause: {} },
            { pause: { duration: '1m30s' } },
            { pause: { duration: 45 } },
            { analysis: { templates: [{ templateName: 'error-rate' }] } },
            { setCanaryScale: { replicas: 2 } },
            { setCanaryScale: { matchTrafficWeight: true } },
          ],
          analysis: { templates: [{ templateName: 'latency' }], startingStep: 2 },
        },
      },
    });
    expect(plan).toEqual({
      strategy: 'canary',
      replicas: 5,
      steps: [
        { kind: 'setWeight', weight: 10 },
        { kind: 'pause' },
        { kind: 'pause', durationMs: 90_000 },
        { kind: 'pause', durationMs: 45_000 },
        { kind: 'analysis', analysis: { templates: [{ templateName: 'error-rate' }], args: [] } },
        { kind: 'setCanaryScale', replicas: 2, matchTrafficWeight: false },
        { kind: 'setCanaryScale', matchTrafficWeight: true },
      ],
      hasTrafficRouting: true,
      progressDeadlineSeconds: 120,
      abortScaleDownDelaySeconds: 30,
      backgroundAnalysis: { templates: [{ templateName: 'latency' }], args: [], startingStep: 2 },
      gitRevert: true,
    });
  });

  it('given a canary without a router or steps, then it is a replica-ratio canary that goes straight to full size', () => {
    const plan = planFromSpec({ ...base, replicas: undefined, strategy: { canary: {} }, rollback: { gitRevert: false } });
    expect(plan).toMatchObject({ strategy: 'canary', replicas: 1, steps: [], hasTrafficRouting: false, progressDeadlineSeconds: 600, gitRevert: false });
  });

  it('given a blue-green spec with only the active Service, then the documented defaults apply', () => {
    expect(planFromSpec({ ...base, strategy: { blueGreen: { activeService: 'web' } } })).toEqual({
      strategy: 'blueGreen',
      replicas: 5,
      previewReplicaCount: 5,
      autoPromotionEnabled: true,
      autoPromotionSeconds: 0,
      scaleDownDelaySeconds: 30,
      abortScaleDownDelaySeconds: 30,
      progressDeadlineSeconds: 600,
      gitRevert: true,
    });
  });

  it('given blue-green analysis and manual promotion, then both gates and the settings are kept', () => {
    const plan = planFromSpec({
      ...base,
      strategy: {
        blueGreen: {
          activeService: 'web',
          previewReplicaCount: 1,
          autoPromotionEnabled: false,
          prePromotionAnalysis: { templates: [{ templateName: 'smoke' }], args: [{ name: 'host', value: 'preview' }] },
          postPromotionAnalysis: { templates: [{ templateName: 'errors', clusterScope: true }] },
        },
      },
    });
    expect(plan).toMatchObject({
      previewReplicaCount: 1,
      autoPromotionEnabled: false,
      prePromotionAnalysis: { templates: [{ templateName: 'smoke' }], args: [{ name: 'host', value: 'preview' }] },
      postPromotionAnalysis: { templates: [{ templateName: 'errors', clusterScope: true }], args: [] },
    });
  });

  it('given no strategy, then it is a TerminalError', () => {
    expect(() => planFromSpec({ ...base, strategy: {} })).toThrow(TerminalError);
  });
});
