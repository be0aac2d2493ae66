import { describe, expect, it } from 'vitest';
import type { RolloutSummary } from '../server/rollout-view.js';
import { STATUS_EXIT, statusLine, statusVerdict } from './rollout-status.js';

const base: RolloutSummary = {
  namespace: 'shop',
  name: 'web',
  strategy: 'canary',
  stepCount: 4,
  images: [],
  replicas: { desired: 4, ready: 4, updated: 4, available: 4 },
  generation: 3,
  observedGeneration: 3,
};

describe('statusVerdict', () => {
  it('is healthy only when Healthy and the latest generation was observed', () => {
    expect(statusVerdict({ ...base, phase: 'Healthy' })).toBe('healthy');
    expect(statusVerdict({ ...base, phase: 'Healthy', observedGeneration: 2 })).toBe('progressing');
  });

  it('is degraded when Degraded, whatever the generation', () => {
    expect(statusVerdict({ ...base, phase: 'Degraded', observedGeneration: 1 })).toBe('degraded');
  });

  it('is progressing while Paused, Progressing, or never reconciled', () => {
    expect(['Paused', 'Progressing', undefined].map((phase) => statusVerdict({ ...base, phase: phase as RolloutSummary['phase'] }))).toEqual(['progressing', 'progressing', 'progressing']);
  });

  it('maps verdicts to the documented exit codes', () => {
    expect(STATUS_EXIT).toEqual({ healthy: 0, degraded: 1, progressing: 2, timeout: 2 });
  });
});

describe('statusLine', () => {
  it('names the rollout, phase, step (counted from 1), weight and message', () => {
    expect(statusLine({ ...base, phase: 'Paused', currentStepIndex: 1, weights: { canary: 20, stable: 80 }, message: 'waiting' })).toBe('rollout shop/web: Paused step 2/4 canary 20% — waiting');
  });

  it('given every step done, then it says so instead of a step number past the last', () => {
    expect(statusLine({ ...base, phase: 'Healthy', currentStepIndex: 4 })).toBe('rollout shop/web: Healthy all 4 steps done');
  });
});
