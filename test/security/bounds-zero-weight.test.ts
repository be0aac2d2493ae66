// Issue #20, finding 2: a `setWeight: 0` step never completed. The step waited for the canary's pods to be ready, a
// zero canary has none, so no readiness was ever observed and a healthy release was aborted at the progress deadline.
// As in Argo Rollouts, such a step sets the canary weight (and pods) to zero and completes at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ratioCanary, routedCanary } from '../../src/machine/fixtures/plans.js';
import { RolloutScenario } from '../../src/machine/fixtures/rollout-scenario.js';
import type { CanaryPlan } from '../../src/machine/rollout-plan.js';
import { openHarness, type Harness } from '../reconcile/controller-harness.js';

const zeroFirst: CanaryPlan = {
  ...ratioCanary,
  steps: [{ kind: 'setWeight', weight: 0 }, { kind: 'pause', durationMs: 1_000 }, { kind: 'setWeight', weight: 50 }],
};

describe('given a canary whose first step is setWeight 0', () => {
  it('when a revision starts, then the canary gets no pods and the pause after it starts in the same decision', () => {
    const s = RolloutScenario.of(zeroFirst);
    s.at(10).revision('h2');
    expect(s.effectsOf('scaleReplicaSet')).toEqual([
      { type: 'scaleReplicaSet', hash: 'h2', replicas: 0 },
      { type: 'scaleReplicaSet', hash: 'h1', replicas: 4 },
    ]);
    expect(s.view).toMatchObject({ currentStepIndex: 1, canaryWeight: 0, phase: 'Paused' });
  });

  it('when the pause ends and the 50% canary is ready, then it is promoted without reaching the progress deadline', () => {
    const s = RolloutScenario.of(zeroFirst);
    s.at(10).revision('h2');
    s.tick(true);
    expect(s.view).toMatchObject({ currentStepIndex: 2, phase: 'Progressing' });
    s.ready('h2');
    s.ready('h2');
    expect(s.view).toMatchObject({ phase: 'Healthy', stableHash: 'h2' });
  });

  it('given a routed canary at 20%, when a later setWeight 0 step starts, then the router goes back to 0 at once and the canary pods go', () => {
    const plan: CanaryPlan = { ...routedCanary, steps: [{ kind: 'setWeight', weight: 20 }, { kind: 'setWeight', weight: 0 }, { kind: 'pause' }] };
    const s = RolloutScenario.of(plan);
    s.at(10).revision('h2');
    s.ready('h2');
    expect(s.view).toMatchObject({ currentStepIndex: 2, canaryWeight: 0, phase: 'Paused' });
    expect(s.effectsOf('setCanaryWeight').map((e) => e.weight)).toEqual([20, 0]);
    expect(s.effectsOf('scaleReplicaSet')).toContainEqual({ type: 'scaleReplicaSet', hash: 'h2', replicas: 0 });
  });
});

describe('given setWeight 0, a 1 s pause and setWeight 50 on a sandbox', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await openHarness('bounds-zero');
  });

  afterAll(async () => {
    await h?.close();
  });

  it('when the image changes, then the Rollout walks every step to Healthy on the new revision', async () => {
    const steps = [{ setWeight: 0 }, { pause: { duration: '1s' } }, { setWeight: 50 }];
    await h.apply('zero', { replicas: 2, progressDeadlineSeconds: 30, strategy: { canary: { steps } } });
    await h.waitFor('zero', (ro) => ro.status?.phase === 'Healthy', 'the first release');
    const hash = await h.setImage('zero', 'img:2');
    await h.waitFor('zero', (ro) => ro.status?.phase === 'Healthy' && ro.status.stableRS === hash, 'Healthy on img:2', 15_000);
    const reasons = (await h.events('zero')).map((e) => e.reason);
    expect(reasons).toContain('RolloutCompleted');
    expect(reasons).not.toContain('RolloutAborted');
  });
});
