// Scenarios for a Rollout's first release, both strategies: Progressing until its pods are available, then Healthy;
// Degraded (ProgressDeadlineExceeded) when they are not available within progressDeadlineSeconds.
import { describe, expect, it } from 'vitest';
import { instantBlueGreen, routedCanary, T0 } from './fixtures/plans.js';
import { RolloutScenario } from './fixtures/rollout-scenario.js';
import { decide, viewOf, type PersistedMachineState } from './rollout-machine.js';

describe.each([
  ['canary', routedCanary],
  ['blue-green', instantBlueGreen],
] as const)('a first release (%s)', (_name, plan) => {
  it('given a Rollout seen for the first time, then it is Progressing with stable at full size, waiting for the progress deadline', () => {
    const s = RolloutScenario.firstRelease(plan);
    expect(s.view).toMatchObject({ phase: 'Progressing', state: 'adopting.waiting', stableHash: 'h1', aborted: false });
    expect(s.view.desiredReplicas).toEqual([{ hash: 'h1', replicas: plan.replicas }]);
    expect(s.effectsOf('scaleReplicaSet')).toEqual([{ type: 'scaleReplicaSet', hash: 'h1', replicas: plan.replicas }]);
    expect(s.view.message).toContain(`waiting for ${plan.replicas} pod(s)`);
    expect(s.view.nextWakeAt).toBe(T0 + plan.progressDeadlineSeconds * 1000);
  });

  it('when its pods are available, then it is Healthy', () => {
    const s = RolloutScenario.firstRelease(plan);
    s.at(30).ready('h1');
    expect(s.decision.handled).toBe(true);
    expect(s.view).toMatchObject({ phase: 'Healthy', state: 'healthy', stableHash: 'h1' });
    expect(s.view.nextWakeAt).toBeUndefined();
  });

  it('given no pods available by progressDeadlineSeconds, then it is Degraded with ProgressDeadlineExceeded, one Warning Event and nothing scaled down', () => {
    const s = RolloutScenario.firstRelease(plan);
    s.at(plan.progressDeadlineSeconds - 1).tick();
    expect(s.decision.handled).toBe(false);
    s.tick(true);
    expect(s.view).toMatchObject({ phase: 'Degraded', state: 'adopting.stalled', aborted: false, abort: { reason: 'ProgressDeadlineExceeded' } });
    expect(s.view.message).toMatch(/made no progress for 600s .*waiting for \d pod\(s\)/);
    expect(s.effectsOf('emitEvent')).toEqual([expect.objectContaining({ eventType: 'Warning', reason: 'ProgressDeadlineExceeded' })]);
    expect(s.effectsOf('scaleReplicaSet')).toEqual([]);
    expect(s.view.nextWakeAt).toBeUndefined();
    expect(s.at(plan.progressDeadlineSeconds + 3600).tick().handled).toBe(false);
  });

  it('given a stalled first release, when its pods become available, then it is Healthy', () => {
    const s = RolloutScenario.firstRelease(plan);
    s.at(plan.progressDeadlineSeconds).tick();
    s.at(plan.progressDeadlineSeconds + 60).ready('h1');
    expect(s.view).toMatchObject({ phase: 'Healthy', aborted: false });
    expect(s.view.abort).toBeUndefined();
  });

  it('given pods coming up (progress), then the deadline counts from the last progress, and progress after a stall is Progressing again', () => {
    const s = RolloutScenario.firstRelease(plan);
    s.at(500).progress();
    expect(s.view.nextWakeAt).toBe(T0 + (500 + plan.progressDeadlineSeconds) * 1000);
    s.at(plan.progressDeadlineSeconds).tick();
    expect(s.view.phase).toBe('Progressing');
    s.tick(true);
    expect(s.view.phase).toBe('Degraded');
    s.at(2000).progress();
    expect(s.view).toMatchObject({ phase: 'Progressing', state: 'adopting.waiting' });
    expect(s.view.abort).toBeUndefined();
  });

  it('given a first release that never came up, when a new revision appears, then it rolls out over it like any revision', () => {
    const s = RolloutScenario.firstRelease(plan);
    s.at(plan.progressDeadlineSeconds).tick();
    s.at(700).revision('h2');
    expect(s.decision.handled).toBe(true);
    expect(s.view).toMatchObject({ phase: 'Progressing', stableHash: 'h1', attempt: 1 });
    expect(s.view.abort).toBeUndefined();
    expect(s.effectsOf('recordRevision')).toEqual([expect.objectContaining({ hash: 'h2', attempt: 1, outcome: 'Progressing' })]);
  });

  it('given no replicas asked for, then a first release is Healthy at once', () => {
    const s = RolloutScenario.firstRelease({ ...plan, replicas: 0 });
    expect(s.view).toMatchObject({ phase: 'Healthy', state: 'healthy' });
  });

  it('rejects commands while it waits: there is nothing to promote or abort', () => {
    const s = RolloutScenario.firstRelease(plan);
    s.command('abort');
    expect(s.decision.handled).toBe(false);
    expect(s.ack).toMatchObject({ result: 'Rejected' });
  });
});

describe('a Healthy state stored before first releases waited for their pods', () => {
  it('stays Healthy when read by this controller', () => {
    const s = RolloutScenario.of(routedCanary);
    const stored: PersistedMachineState = JSON.parse(JSON.stringify(s.decision.state)) as PersistedMachineState;
    expect(stored.snapshot.value).toBe('healthy');
    expect(viewOf(stored).phase).toBe('Healthy');
    expect(decide(stored, { type: 'tick', now: T0 + 3_600_000 }).view.phase).toBe('Healthy');
  });
});
