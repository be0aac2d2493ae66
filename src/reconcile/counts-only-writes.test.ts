import { describe, expect, it } from 'vitest';
import type { RolloutStatus } from '../resources/rollout.js';
import { CountsOnlyWrites, onlyCountsMoved } from './counts-only-writes.js';

const machine = (progressAt: number | null, pausedAt: number | null = null): Record<string, unknown> => ({ machine: 'canary', version: 1, snapshot: { value: 'x', context: { at: { progressAt, pausedAt } } } });
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

describe('CountsOnlyWrites', () => {
  const moved: RolloutStatus = { ...base, replicas: 2 };

  it('given counts-only changes, then they are held for 2 s from the first, then written; any other change is written at once and ends the hold', () => {
    const held = new CountsOnlyWrites(2_000);
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
});
