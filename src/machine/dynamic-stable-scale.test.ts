// Scenarios for canary.dynamicStableScale through `decide` (Argo docs features/canary.md "Dynamic Stable Scale (with
// Traffic Routing)"): stable shrinks only after traffic left it, and an abort grows it back before traffic returns.
import { describe, expect, it } from 'vitest';
import { dynamicStableCanary, T0 } from './fixtures/plans.js';
import { RolloutScenario } from './fixtures/rollout-scenario.js';

/** The plan (4 replicas: setWeight 50, pause, setWeight 75) with h2 paused after setWeight 50. */
function pausedAtFifty(): RolloutScenario {
  const s = RolloutScenario.of(dynamicStableCanary);
  s.at(10).revision('h2');
  s.ready('h2');
  return s;
}

describe('canary with dynamicStableScale', () => {
  it('given a setWeight step, when the canary is ready, then the weight is set first and stable shrinks to the share it keeps after it', () => {
    const s = RolloutScenario.of(dynamicStableCanary);
    s.at(10).revision('h2');
    // Before the traffic moves, stable stays at full size.
    expect(s.view.desiredReplicas).toEqual([{ hash: 'h1', replicas: 4 }, { hash: 'h2', replicas: 2 }]);
    s.ready('h2');
    const types = s.effects.filter((e) => e.type === 'setCanaryWeight' || e.type === 'scaleReplicaSet');
    expect(types).toEqual([
      { type: 'setCanaryWeight', weight: 50, canaryHash: 'h2', stableHash: 'h1' },
      { type: 'scaleReplicaSet', hash: 'h1', replicas: 2 },
    ]);
    expect(s.view.desiredReplicas).toEqual([{ hash: 'h1', replicas: 2 }, { hash: 'h2', replicas: 2 }]);
  });

  it('given a canary at 50%, when it is aborted, then stable is asked back to full size and traffic stays until stable is ready', () => {
    const s = pausedAtFifty();
    s.at(20).command('abort');
    expect(s.effectsOf('resetTraffic')).toEqual([]);
    expect(s.effectsOf('scaleReplicaSet')).toContainEqual({ type: 'scaleReplicaSet', hash: 'h1', replicas: 4 });
    expect(s.view).toMatchObject({ phase: 'Degraded', aborted: true, canaryWeight: 50, state: 'aborted.restoringStable' });
    expect(s.view.desiredReplicas).toEqual([{ hash: 'h1', replicas: 4 }, { hash: 'h2', replicas: 2 }]);
    expect(s.view.nextWakeAt).toBeUndefined();

    s.at(25).ready('h1');
    expect(s.effectsOf('resetTraffic')).toEqual([{ type: 'resetTraffic', canaryHash: 'h2', stableHash: 'h1' }]);
    expect(s.effectsOf('scaleReplicaSet')).toEqual([]);
    expect(s.view).toMatchObject({ canaryWeight: 0, state: 'aborted.scalingDown' });
    // abortScaleDownDelaySeconds (300) counts from the moment traffic moved back, not from the abort.
    expect(s.view.nextWakeAt).toBe(T0 + 25_000 + dynamicStableCanary.abortScaleDownDelaySeconds * 1000);
  });

  it('given a step that lowers the weight (75 → 25), then stable is asked to grow first and the weight moves only once the stable pods are ready', () => {
    const s = pausedAtFifty();
    s.at(20).command('promote');
    s.ready('h2');
    expect(s.view).toMatchObject({ canaryWeight: 75, currentStepIndex: 3 });
    expect(s.view.desiredReplicas).toEqual([{ hash: 'h1', replicas: 3 }, { hash: 'h2', replicas: 1 }]);
    s.ready('h2');
    expect(s.effectsOf('setCanaryWeight')).toEqual([]);
    expect(s.view.canaryWeight).toBe(75);
    s.ready('h1');
    expect(s.effectsOf('setCanaryWeight')).toEqual([{ type: 'setCanaryWeight', weight: 25, canaryHash: 'h2', stableHash: 'h1' }]);
    expect(s.view.canaryWeight).toBe(25);
  });
});
