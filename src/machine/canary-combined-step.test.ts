// Scenarios for steps that set several fields (Argo docs features/canary.md; examples/apisix/rollout.yaml): what the
// step waits for follows Argo's order, and its canary scale and routes take effect as it is entered.
import { describe, expect, it } from 'vitest';
import type { RolloutSpec } from '../resources/rollout.js';
import type { Effect } from './effects.js';
import { RolloutScenario } from './fixtures/rollout-scenario.js';
import { planFromSpec, type CanaryPlan } from './rollout-plan.js';

const TRACE = [{ headerName: 'trace', headerValue: { exact: 'debug' } }];
const MIRROR = [{ method: { exact: 'GET' } }];

function planOf(steps: NonNullable<NonNullable<RolloutSpec['strategy']['canary']>['steps']>): CanaryPlan {
  const plan = planFromSpec({
    selector: { matchLabels: { app: 'web' } },
    replicas: 4,
    strategy: {
      canary: {
        stableService: 'web',
        canaryService: 'web-canary',
        trafficRouting: { managedRoutes: [{ name: 'set-header' }, { name: 'mirror' }], istio: { virtualService: { name: 'web' } } },
        steps,
      },
    },
  });
  if (plan.strategy !== 'canary') throw new Error('not a canary plan');
  return plan;
}

/** What the routers and ReplicaSets are asked to do, in order. */
function actions(s: RolloutScenario): Effect[] {
  return s.effects.filter((e) => ['scaleReplicaSet', 'setCanaryWeight', 'setHeaderRoute', 'setMirrorRoute', 'removeHeaderRoute'].includes(e.type));
}

describe('canary: a step that sets several fields', () => {
  it('given setCanaryScale, setHeaderRoute and a timed pause in one step (the APISIX e2e manifest), then entering it scales the canary and sets the route, and the step waits for the pause, not the pods', () => {
    const plan = planOf([
      { setCanaryScale: { replicas: 1 }, setHeaderRoute: { name: 'set-header', match: TRACE }, pause: { duration: 15 } },
      { setWeight: 50 },
    ]);
    expect(plan.steps[0]).toEqual({
      kind: 'pause',
      durationMs: 15_000,
      canaryScale: { replicas: 1, matchTrafficWeight: false },
      routes: [{ kind: 'setHeaderRoute', name: 'set-header', match: TRACE }],
    });
    const s = RolloutScenario.of(plan);
    s.at(10).revision('h2');

    expect(actions(s)).toEqual([
      { type: 'setHeaderRoute', name: 'set-header', match: TRACE, canaryHash: 'h2', stableHash: 'h1' },
      { type: 'scaleReplicaSet', hash: 'h2', replicas: 1 },
      { type: 'scaleReplicaSet', hash: 'h1', replicas: 4 },
    ]);
    expect(s.view).toMatchObject({ currentStepIndex: 0, headerRoutes: ['set-header'], canaryWeight: 0 });

    s.at(26).tick(true);
    expect(s.view.currentStepIndex).toBe(1);
    expect(s.view.state).toContain('settingWeight');
  });

  it('given setCanaryScale with setHeaderRoute (the APISIX example), then the step waits for the scaled canary pods and moves no weight', () => {
    const s = RolloutScenario.of(planOf([{ setCanaryScale: { replicas: 1 }, setHeaderRoute: { name: 'set-header', match: TRACE } }, { pause: {} }]));
    s.at(10).revision('h2');
    expect(actions(s)).toEqual([
      { type: 'setHeaderRoute', name: 'set-header', match: TRACE, canaryHash: 'h2', stableHash: 'h1' },
      { type: 'scaleReplicaSet', hash: 'h2', replicas: 1 },
      { type: 'scaleReplicaSet', hash: 'h1', replicas: 4 },
    ]);
    expect(s.view).toMatchObject({ currentStepIndex: 0, headerRoutes: ['set-header'] });
    expect(s.view.state).toContain('settingWeight');

    s.at(20).ready('h2');
    expect(actions(s)).toEqual([]);
    expect(s.view).toMatchObject({ currentStepIndex: 1, phase: 'Paused', canaryWeight: 0 });
  });

  it('given setCanaryScale beside setWeight, then the canary is pinned to its scale and the weight moves once those pods are ready', () => {
    const s = RolloutScenario.of(planOf([{ setWeight: 30, setCanaryScale: { replicas: 3 } }, { pause: {} }]));
    s.at(10).revision('h2');
    expect(s.effectsOf('scaleReplicaSet')).toContainEqual({ type: 'scaleReplicaSet', hash: 'h2', replicas: 3 });
    expect(s.effectsOf('setCanaryWeight')).toEqual([]);

    s.at(20).ready('h2');
    expect(s.effectsOf('setCanaryWeight')).toEqual([{ type: 'setCanaryWeight', weight: 30, canaryHash: 'h2', stableHash: 'h1' }]);
    expect(s.view).toMatchObject({ currentStepIndex: 1, canaryWeight: 30 });
  });

  it('given setWeight with a header route and a mirror route, then both routes are set on entry, the weight once the pods are ready, and promotion removes both', () => {
    const s = RolloutScenario.of(
      planOf([{ setWeight: 20, setHeaderRoute: { name: 'set-header', match: TRACE }, setMirrorRoute: { name: 'mirror', match: MIRROR, percentage: 50 } }]),
    );
    s.at(10).revision('h2');
    expect(actions(s).filter((e) => e.type !== 'scaleReplicaSet')).toEqual([
      { type: 'setHeaderRoute', name: 'set-header', match: TRACE, canaryHash: 'h2', stableHash: 'h1' },
      { type: 'setMirrorRoute', name: 'mirror', match: MIRROR, percentage: 50, canaryHash: 'h2', stableHash: 'h1' },
    ]);
    expect(s.view.headerRoutes).toEqual(['set-header', 'mirror']);

    s.at(20).ready('h2');
    expect(s.effectsOf('setCanaryWeight')[0]).toMatchObject({ weight: 20 });
    s.at(30).ready('h2');
    expect(s.view.phase).toBe('Healthy');
    expect(s.effectsOf('removeHeaderRoute').map((e) => e.name)).toEqual(['set-header', 'mirror']);
  });

  it('given a header route beside an analysis step, then the route is set as the run starts and an abort removes it', () => {
    const analysis = { templates: [{ templateName: 'error-rate' }] };
    const s = RolloutScenario.of(planOf([{ analysis, setHeaderRoute: { name: 'set-header', match: TRACE } }]));
    s.at(10).revision('h2');
    expect(s.effectsOf('setHeaderRoute').map((e) => e.name)).toEqual(['set-header']);
    expect(s.effectsOf('createAnalysisRun')).toHaveLength(1);

    s.at(20).command('abort');
    expect(s.effectsOf('removeHeaderRoute').map((e) => e.name)).toEqual(['set-header']);
    expect(s.view.headerRoutes).toEqual([]);
  });

  it('given setHeaderRoute beside setMirrorRoute, then the step is a header-route step that sets both and moves on at once', () => {
    const plan = planOf([{ setHeaderRoute: { name: 'set-header', match: TRACE }, setMirrorRoute: { name: 'mirror', match: MIRROR } }, { pause: {} }]);
    expect(plan.steps[0]).toMatchObject({ kind: 'setHeaderRoute', routes: [{ kind: 'setMirrorRoute', name: 'mirror', percentage: 100 }] });
    const s = RolloutScenario.of(plan);
    s.at(10).revision('h2');
    expect(s.view).toMatchObject({ currentStepIndex: 1, phase: 'Paused', headerRoutes: ['set-header', 'mirror'] });
  });
});
