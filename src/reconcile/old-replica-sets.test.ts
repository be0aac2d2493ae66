// What a canary with a router does with old ReplicaSets on each pass: Argo docs features/specification.md
// (scaleDownDelaySeconds, scaleDownDelayRevisionLimit) and features/canary/index.md (maxUnavailable "may still
// throttle old ReplicaSet scale-down"), written as observed ReplicaSets and the plan expected.
import { describe, expect, it } from 'vitest';
import { planOldReplicaSets, type OldReplicaSet, type OldReplicaSetPolicy } from './old-replica-sets.js';

const NOW = Date.parse('2024-05-01T10:00:00Z');
const policy: OldReplicaSetPolicy = { replicas: 4, unavailable: 1, delayMs: 30_000, revisionLimit: Number.POSITIVE_INFINITY, dynamicStableScale: false };

function rs(hash: string, replicas: number, available: number, minute: number, deadline?: number): OldReplicaSet {
  return { hash, replicas, available, createdAt: `2024-05-01T09:${String(minute).padStart(2, '0')}:00Z`, ...(deadline === undefined ? {} : { deadline }) };
}

describe('old ReplicaSets of a canary with a router', () => {
  it('given a promotion, the replaced stable keeps its pods and gets a deadline scaleDownDelaySeconds away', () => {
    const plan = planOldReplicaSets({ policy, promoted: true, old: [rs('v1', 4, 4, 1)], availableTotal: 8, now: NOW });
    expect(plan.scale).toEqual([]);
    expect(plan.deadlines).toEqual([{ hash: 'v1', deadline: NOW + 30_000 }]);
    expect(plan.wakeAt).toBe(NOW + 30_000);
  });

  it('given a deadline still ahead, the old stable keeps waiting and the pass comes back at the deadline', () => {
    const plan = planOldReplicaSets({ policy, promoted: true, old: [rs('v1', 4, 4, 1, NOW + 5_000)], availableTotal: 8, now: NOW });
    expect(plan).toEqual({ scale: [], deadlines: [], wakeAt: NOW + 5_000 });
  });

  it('given a deadline passed, the old stable scales to zero and loses its deadline', () => {
    const plan = planOldReplicaSets({ policy, promoted: true, old: [rs('v1', 4, 4, 1, NOW - 1)], availableTotal: 8, now: NOW });
    expect(plan.scale).toEqual([{ hash: 'v1', replicas: 0 }]);
    expect(plan.deadlines).toEqual([{ hash: 'v1', deadline: null }]);
    expect(plan.wakeAt).toBeUndefined();
  });

  it('given scaleDownDelaySeconds 0, the replaced stable goes at once without a deadline', () => {
    const plan = planOldReplicaSets({ policy: { ...policy, delayMs: 0 }, promoted: true, old: [rs('v1', 4, 4, 1)], availableTotal: 8, now: NOW });
    expect(plan).toEqual({ scale: [{ hash: 'v1', replicas: 0 }], deadlines: [] });
  });

  it('given scaleDownDelayRevisionLimit 1, a newer replaced stable waits and the older waiting one goes at once', () => {
    const old = [rs('v1', 4, 4, 1, NOW + 20_000), rs('v2', 4, 4, 2)];
    const plan = planOldReplicaSets({ policy: { ...policy, revisionLimit: 1 }, promoted: true, old, availableTotal: 12, now: NOW });
    expect(plan.scale).toEqual([{ hash: 'v1', replicas: 0 }]);
    expect(plan.deadlines).toEqual([
      { hash: 'v2', deadline: NOW + 30_000 },
      { hash: 'v1', deadline: null },
    ]);
  });

  it('given scaleDownDelayRevisionLimit 1 and a rollback, the stable just replaced waits even when an older-created ReplicaSet still waits', () => {
    // v2 was rolled back to (v3 waits since then) and is now replaced: it was replaced last, so it is the one to keep.
    const old = [rs('v2', 4, 4, 2), rs('v3', 4, 4, 3, NOW + 20_000)];
    const plan = planOldReplicaSets({ policy: { ...policy, revisionLimit: 1 }, promoted: true, old, availableTotal: 12, now: NOW });
    expect(plan.scale).toEqual([{ hash: 'v3', replicas: 0 }]);
    expect(plan.deadlines).toEqual([
      { hash: 'v2', deadline: NOW + 30_000 },
      { hash: 'v3', deadline: null },
    ]);
  });

  it('given scaleDownDelayRevisionLimit 0, no old ReplicaSet waits', () => {
    const plan = planOldReplicaSets({ policy: { ...policy, revisionLimit: 0 }, promoted: true, old: [rs('v1', 4, 4, 1)], availableTotal: 8, now: NOW });
    expect(plan.scale).toEqual([{ hash: 'v1', replicas: 0 }]);
    expect(plan.deadlines).toEqual([]);
  });

  it('given no revision limit, every replaced stable still within its delay waits', () => {
    const old = [rs('v1', 4, 4, 1, NOW + 20_000), rs('v2', 4, 4, 2)];
    const plan = planOldReplicaSets({ policy, promoted: true, old, availableTotal: 12, now: NOW });
    expect(plan.scale).toEqual([]);
    expect(plan.wakeAt).toBe(NOW + 20_000);
  });

  it('given a canary in flight, a superseded canary without a deadline goes at once', () => {
    const plan = planOldReplicaSets({ policy, promoted: false, old: [rs('v2', 1, 1, 2)], availableTotal: 5, now: NOW });
    expect(plan.scale).toEqual([{ hash: 'v2', replicas: 0 }]);
  });

  it('given a canary in flight, a replaced stable still within its delay keeps waiting', () => {
    const plan = planOldReplicaSets({ policy, promoted: false, old: [rs('v1', 4, 4, 1, NOW + 10_000)], availableTotal: 9, now: NOW });
    expect(plan.scale).toEqual([]);
  });

  it('given maxUnavailable 1 and a new stable not yet available, old pods go only down to spec.replicas - 1 available', () => {
    // 4 wanted, 1 may be unavailable: 3 must stay available; the new stable has 1 available, the old 4.
    const plan = planOldReplicaSets({ policy: { ...policy, delayMs: 0 }, promoted: true, old: [rs('v1', 4, 4, 1)], availableTotal: 5, now: NOW });
    expect(plan.scale).toEqual([{ hash: 'v1', replicas: 2 }]);
  });

  it('given maxUnavailable, unready old pods go without counting against it', () => {
    const plan = planOldReplicaSets({ policy: { ...policy, delayMs: 0, unavailable: 0 }, promoted: true, old: [rs('v1', 4, 2, 1)], availableTotal: 6, now: NOW });
    // 2 unready go freely; of the 2 available, 6 - 4 = 2 may go.
    expect(plan.scale).toEqual([{ hash: 'v1', replicas: 0 }]);
    const tight = planOldReplicaSets({ policy: { ...policy, delayMs: 0, unavailable: 0 }, promoted: true, old: [rs('v1', 4, 2, 1)], availableTotal: 4, now: NOW });
    expect(tight.scale).toEqual([{ hash: 'v1', replicas: 2 }]);
  });

  it('given dynamicStableScale, the replaced stable goes at once', () => {
    const plan = planOldReplicaSets({ policy: { ...policy, dynamicStableScale: true }, promoted: true, old: [rs('v1', 4, 4, 1)], availableTotal: 8, now: NOW });
    expect(plan.scale).toEqual([{ hash: 'v1', replicas: 0 }]);
  });

  it('given an old ReplicaSet at zero that still carries a deadline, the deadline is removed', () => {
    const plan = planOldReplicaSets({ policy, promoted: true, old: [rs('v1', 0, 0, 1, NOW + 1)], availableTotal: 4, now: NOW });
    expect(plan).toEqual({ scale: [], deadlines: [{ hash: 'v1', deadline: null }] });
  });
});
