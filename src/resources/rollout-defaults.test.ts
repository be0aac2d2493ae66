import { describe, expect, it } from 'vitest';
import { withRolloutDefaults } from './rollout-defaults.js';
import type { RolloutSpec } from './rollout.js';

const bare = (strategy: RolloutSpec['strategy'], rollback?: RolloutSpec['rollback']): RolloutSpec => ({
  selector: { matchLabels: { app: 'shop' } },
  workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'shop' },
  strategy,
  ...(rollback === undefined ? {} : { rollback }),
});

describe('withRolloutDefaults', () => {
  it('given a bare canary spec, then replicas, history, deadline, abort delay and gitRevert are filled in', () => {
    const spec = withRolloutDefaults(bare({ canary: { steps: [{ setWeight: 10 }] } }));
    expect(spec).toMatchObject({
      replicas: 1,
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      strategy: { canary: { abortScaleDownDelaySeconds: 30, steps: [{ setWeight: 10 }] } },
      rollback: { gitRevert: true },
    });
    expect(spec.strategy.blueGreen).toBeUndefined();
    expect(spec.rollback?.git).toBeUndefined();
  });

  it('given a bare blue-green spec, then auto promotion and both scale-down delays are filled in', () => {
    const spec = withRolloutDefaults(bare({ blueGreen: { activeService: 'shop' } }));
    expect(spec.strategy.blueGreen).toEqual({
      activeService: 'shop',
      autoPromotionEnabled: true,
      scaleDownDelaySeconds: 30,
      abortScaleDownDelaySeconds: 30,
    });
    expect(spec.strategy.canary).toBeUndefined();
  });

  it('given rollback.git with only a repoURL, then branch, path and push get their defaults', () => {
    const spec = withRolloutDefaults(bare({ canary: {} }, { git: { repoURL: 'https://git.example/shop.git' } }));
    expect(spec.rollback).toEqual({
      gitRevert: true,
      git: { repoURL: 'https://git.example/shop.git', branch: 'main', path: '.', push: 'direct' },
    });
  });

  it('given explicit values, including falsy ones, then they are kept', () => {
    const input: RolloutSpec = {
      ...bare({ blueGreen: { activeService: 'a', autoPromotionEnabled: false, scaleDownDelaySeconds: 0 } }),
      replicas: 0,
      revisionHistoryLimit: 0,
      rollback: { gitRevert: false, git: { repoURL: 'r', branch: 'release', path: 'apps/shop', push: 'branch' } },
    };
    const spec = withRolloutDefaults(input);
    expect(spec.replicas).toBe(0);
    expect(spec.revisionHistoryLimit).toBe(0);
    expect(spec.strategy.blueGreen?.autoPromotionEnabled).toBe(false);
    expect(spec.strategy.blueGreen?.scaleDownDelaySeconds).toBe(0);
    expect(spec.rollback).toEqual(input.rollback);
  });

  it('given a spec, when defaulted, then the input is not modified and shares no objects with the result', () => {
    const input = bare({ canary: { steps: [{ pause: {} }] } });
    const before = structuredClone(input);
    const spec = withRolloutDefaults(input);
    expect(input).toEqual(before);
    expect(spec.strategy.canary?.steps).not.toBe(input.strategy.canary?.steps);
    expect(spec.selector).not.toBe(input.selector);
  });
});
