import { describe, expect, it } from 'vitest';
import type { Effect } from '../machine/effects.js';
import type { RolloutStatus } from '../resources/rollout.js';
import { HeldStatusWrites, onlyCountsMoved, onlyEnteredPodWait, type WaitEntry } from './held-status-writes.js';

const machine = (progressAt: number | null, pausedAt: number | null = null, value: unknown = 'x'): Record<string, unknown> => ({ machine: 'canary', version: 1, snapshot: { value, context: { at: { progressAt, pausedAt } } } });
const base: RolloutStatus = { phase: 'Progressing', currentStepIndex: 0, replicas: 1, readyReplicas: 1, availableReplicas: 1, updatedReplicas: 0, HPAReplicas: 1, machine: machine(1_000) };

describe('onlyCountsMoved', () => {
  it('given pods created (counts and the machine\'s progress clock moved), then only counts moved', () => {
    expect(onlyCountsMoved(base, { ...base, replicas: 2, updatedReplicas: 1, HPAReplicas: 2, machine: machine(2_000) })).toBe(true);
  });

  it('given a step, a phase, another clock or nothing at all changed, then it is not a counts-only write', () => {
    expect(onlyCountsMoved(base, { ...base, replicas: 2, currentStepIndex: 1 })).toBe(false);
    expect(onlyCountsMoved(base, { ...base, replicas: 2, phase: 'Paused' })).toBe(false);
    expect(onlyCountsMoved(base, { ...base, replicas: 2, machine: machine(1_000, 2_000) })).toBe(false);
    expect(onlyCountsMoved(base, { ...base })).toBe(false);
  });
});

describe('onlyEnteredPodWait', () => {
  const healthy: RolloutStatus = { phase: 'Healthy', currentStepIndex: 4, currentPodHash: 'h1', machine: machine(null, null, 'healthy') };
  const waiting: RolloutStatus = { phase: 'Progressing', currentStepIndex: 0, currentPodHash: 'h2', machine: machine(5_000, null, { progressing: { flow: 'settingWeight', hold: 'running' } }) };
  const started: Effect[] = [
    { type: 'setCanaryService', hash: 'h2' },
    { type: 'recordRevision', hash: 'h2', attempt: 1, outcome: 'Progressing', at: '2026-12-07T10:00:00.000Z' },
    { type: 'recordMoment', hash: 'h2', attempt: 1, at: '2026-12-07T10:00:00.000Z', moment: { kind: 'step', index: 0 } },
    { type: 'scaleReplicaSet', hash: 'h2', replicas: 1 },
    { type: 'setCanaryWeight', weight: 25, canaryHash: 'h2', stableHash: 'h1' },
  ];
  const pass: WaitEntry = { state: 'progressing.flow.settingWeight+hold.running', effects: started, routed: false };

  it('given a release started that waits for the canary pods it just asked for, without a router, then the write may wait for the next one', () => {
    expect(onlyEnteredPodWait(healthy, waiting, pass)).toBe(true);
  });

  it('given a wait already written, a pause, a router weight, an Event or an answered command, then it is written at once', () => {
    expect(onlyEnteredPodWait(waiting, { ...waiting, replicas: 2 }, pass)).toBe(false);
    expect(onlyEnteredPodWait(healthy, waiting, { ...pass, state: 'progressing.flow.pausedForDuration+hold.running' })).toBe(false);
    expect(onlyEnteredPodWait(healthy, waiting, { ...pass, routed: true })).toBe(false);
    const event: Effect = { type: 'emitEvent', key: 'k', eventType: 'Normal', reason: 'RolloutRetried', message: 'm' };
    expect(onlyEnteredPodWait(healthy, waiting, { ...pass, effects: [...started, event] })).toBe(false);
    const ack = { id: 'c1', action: 'promote' as const, result: 'Accepted' as const, message: '', time: '2026-12-07T10:00:00.000Z' };
    expect(onlyEnteredPodWait(healthy, { ...waiting, lastCommand: ack }, pass)).toBe(false);
  });
});

describe('HeldStatusWrites', () => {
  const moved: RolloutStatus = { ...base, replicas: 2 };

  it('given counts-only changes, then they are held for 2 s from the first, then written; any other change is written at once and ends the hold', () => {
    const held = new HeldStatusWrites(2_000);
    expect(held.holdBack('ns/a', base, moved, 10_000)).toBe(2_000);
    expect(held.holdBack('ns/a', base, { ...moved, readyReplicas: 2 }, 11_500)).toBe(500);
    expect(held.holdBack('ns/a', base, moved, 12_000)).toBeUndefined();
    expect(held.size).toBe(0);

    expect(held.holdBack('ns/a', base, moved, 20_000)).toBe(2_000);
    expect(held.holdBack('ns/a', base, { ...moved, currentStepIndex: 1 }, 20_100)).toBeUndefined();
    expect(held.holdBack('ns/a', base, moved, 20_200)).toBe(2_000);
    held.forget('ns/a');
    expect(held.size).toBe(0);
  });

  it('given a pass that only entered a pod wait, then it is held like counts, at most 2 s from the first such pass', () => {
    const held = new HeldStatusWrites(2_000);
    const step: RolloutStatus = { ...base, currentStepIndex: 1 };
    expect(held.holdBack('ns/a', base, step, 10_000, true)).toBe(2_000);
    expect(held.holdBack('ns/a', base, step, 11_000, true)).toBe(1_000);
    expect(held.holdBack('ns/a', base, step, 12_000, true)).toBeUndefined();
  });
});
