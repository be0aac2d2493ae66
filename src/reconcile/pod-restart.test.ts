// The restart budget and order of Argo docs features/restart.md.
import { describe, expect, it } from 'vitest';
import type { ReplicaSetObject } from '../resources/replica-set.js';
import type { Rollout } from '../resources/rollout.js';
import { restartBudget, restartOrder } from './pod-restart.js';

function rollout(strategy: Rollout['spec']['strategy']): Rollout {
  return { apiVersion: 'vane.dev/v1alpha1', kind: 'Rollout', metadata: { name: 'web' }, spec: { replicas: 8, strategy } };
}

function rs(hash: string, replicas: number, created: string): ReplicaSetObject {
  return { metadata: { name: `web-${hash}`, creationTimestamp: created, labels: { 'rollouts-pod-template-hash': hash } }, spec: { replicas } } as unknown as ReplicaSetObject;
}

describe('restartBudget', () => {
  it("given a canary's maxUnavailable as a number or a percent, then that many pods at a time (25% by default)", () => {
    expect(restartBudget(rollout({ canary: { maxUnavailable: 3 } }), 8)).toBe(3);
    expect(restartBudget(rollout({ canary: { maxUnavailable: '50%' } }), 8)).toBe(4);
    expect(restartBudget(rollout({ canary: {} }), 8)).toBe(2);
  });

  it('given maxUnavailable 0, then still one pod at a time', () => {
    expect(restartBudget(rollout({ canary: { maxUnavailable: 0 } }), 8)).toBe(1);
    expect(restartBudget(rollout({ blueGreen: { activeService: 'a', maxUnavailable: 0 } }), 8)).toBe(1);
  });

  it("given a blue-green's maxUnavailable as a number or a percent (rounded down), then that many pods at a time (25% by default, as Argo)", () => {
    expect(restartBudget(rollout({ blueGreen: { activeService: 'a', maxUnavailable: 3 } }), 8)).toBe(3);
    expect(restartBudget(rollout({ blueGreen: { activeService: 'a', maxUnavailable: '40%' } }), 8)).toBe(3);
    expect(restartBudget(rollout({ blueGreen: { activeService: 'a' } }), 8)).toBe(2);
    expect(restartBudget(rollout({ blueGreen: { activeService: 'a', maxUnavailable: 20 } }), 8)).toBe(8);
  });
});

describe('restartOrder', () => {
  it('given stable, current and two older ReplicaSets, then stable first, current next, then the others oldest first, skipping empty ones', () => {
    const order = restartOrder(
      [rs('new', 2, '2024-01-04T00:00:00Z'), rs('old2', 1, '2024-01-02T00:00:00Z'), rs('stable', 6, '2024-01-03T00:00:00Z'), rs('old1', 1, '2024-01-01T00:00:00Z'), rs('gone', 0, '2023-01-01T00:00:00Z')],
      'stable',
      'new',
    );
    expect(order.map((r) => r.metadata.name)).toEqual(['web-stable', 'web-new', 'web-old1', 'web-old2']);
  });
});
