// Replica arithmetic of a canary: weights round up, routers keep stable full, setCanaryScale pins the canary.
// @covers spec.strategy.canary.steps[].setCanaryScale.weight
// @covers spec.strategy.canary.steps[].setCanaryScale.matchTrafficWeight
import { describe, expect, it } from 'vitest';
import { splitAt, splitForCompletion, weightAt } from './canary-replicas.js';
import type { CanaryPlan } from './rollout-plan.js';

const plan = (hasTrafficRouting: boolean, replicas = 10): CanaryPlan => ({
  strategy: 'canary',
  replicas,
  steps: [
    { kind: 'setWeight', weight: 5 },
    { kind: 'pause' },
    { kind: 'setCanaryScale', weight: 50, matchTrafficWeight: false },
    { kind: 'setWeight', weight: 30 },
    { kind: 'setCanaryScale', matchTrafficWeight: true },
  ],
  hasTrafficRouting,
  progressDeadlineSeconds: 600,
  abortScaleDownDelaySeconds: 30,
  gitRevert: true,
});

describe('canary replicas', () => {
  it('given a weight of 5% of 10 pods, then the canary gets one pod (rounded up)', () => {
    expect(splitAt(plan(true), 0)).toEqual({ canary: 1, stable: 10 });
  });

  it('given no router, a weight of 5% of 10 pods and the default 25% surge, then 1 of 11 pods is closer than 1 of 10 (Argo features/canary maxSurge)', () => {
    expect(splitAt(plan(false), 0)).toEqual({ canary: 1, stable: 10 });
    expect(splitAt({ ...plan(false), maxSurge: 0, maxUnavailable: 1 }, 0)).toEqual({ canary: 1, stable: 9 });
  });

  it('given a pause after a setWeight, then the weight and split of that setWeight stay', () => {
    expect(weightAt(plan(true), 1)).toBe(5);
    expect(splitAt(plan(true), 1)).toEqual({ canary: 1, stable: 10 });
  });

  it('given setCanaryScale by weight, then later setWeight steps move traffic but not the pinned canary size', () => {
    expect(splitAt(plan(true), 2)).toEqual({ canary: 5, stable: 10 });
    expect(weightAt(plan(true), 3)).toBe(30);
    expect(splitAt(plan(true), 3)).toEqual({ canary: 5, stable: 10 });
  });

  it('given matchTrafficWeight, then the canary follows the weight again', () => {
    expect(splitAt(plan(true), 4)).toEqual({ canary: 3, stable: 10 });
  });

  it('given the steps are done, then the canary goes to full size; a router keeps stable, a ratio canary is at 100% so stable goes', () => {
    expect(splitForCompletion(plan(true))).toEqual({ canary: 10, stable: 10 });
    expect(splitForCompletion(plan(false))).toEqual({ canary: 10, stable: 0 });
  });

  it('given a replica-ratio canary at 100%, then stable is never negative', () => {
    const full: CanaryPlan = { ...plan(false, 3), steps: [{ kind: 'setWeight', weight: 100 }] };
    expect(splitAt(full, 0)).toEqual({ canary: 3, stable: 0 });
  });

  it('given minPodsPerReplicaSet 2 with a router, then a canary with any pods has at least 2, a 0% canary stays empty and explicit replicas are kept (Argo specification.md)', () => {
    const min: CanaryPlan = {
      ...plan(true),
      minPodsPerReplicaSet: 2,
      steps: [{ kind: 'setWeight', weight: 10 }, { kind: 'setWeight', weight: 0 }, { kind: 'setWeight', weight: 50 }, { kind: 'setCanaryScale', replicas: 1, matchTrafficWeight: false }, { kind: 'setCanaryScale', weight: 5, matchTrafficWeight: false }],
    };
    expect(splitAt(min, 0)).toEqual({ canary: 2, stable: 10 });
    expect(splitAt(min, 1)).toEqual({ canary: 0, stable: 10 });
    expect(splitAt(min, 2)).toEqual({ canary: 5, stable: 10 });
    expect(splitAt(min, 3)).toEqual({ canary: 1, stable: 10 });
    expect(splitAt(min, 4)).toEqual({ canary: 2, stable: 10 });
  });

  it('given minPodsPerReplicaSet above spec.replicas, then it is capped at spec.replicas', () => {
    expect(splitAt({ ...plan(true, 3), minPodsPerReplicaSet: 5 }, 0)).toEqual({ canary: 3, stable: 3 });
  });
});

describe('dynamicStableScale (Argo docs features/canary.md "Dynamic Stable Scale")', () => {
  const dynamic = (minPodsPerReplicaSet?: number): CanaryPlan => ({
    ...plan(true),
    steps: [{ kind: 'setWeight', weight: 30 }],
    dynamicStableScale: true,
    ...(minPodsPerReplicaSet === undefined ? {} : { minPodsPerReplicaSet }),
  });

  it('given the weight of the step in force, then stable keeps the rounded-up share of traffic it still gets', () => {
    expect(splitAt(dynamic(), 0, 30)).toEqual({ canary: 3, stable: 7 });
  });

  it('given a step asking for more weight than the router has yet, then stable stays at the share it still serves', () => {
    expect(splitAt(dynamic(), 0, 5)).toEqual({ canary: 3, stable: 10 });
  });

  it('given minPodsPerReplicaSet, then stable never drops below it', () => {
    expect(splitForCompletion(dynamic(3), 95)).toEqual({ canary: 10, stable: 3 });
  });

  it('given the last step done at 30%, then stable keeps 70% until the promotion', () => {
    expect(splitForCompletion(dynamic(), 30)).toEqual({ canary: 10, stable: 7 });
  });

  it('given the option off, then a router keeps stable at full size whatever the weight', () => {
    expect(splitAt(plan(true), 3, 30).stable).toBe(10);
  });
});
