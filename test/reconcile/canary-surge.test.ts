// Specification: a canary without traffic routing moves its ReplicaSets as Argo Rollouts' basic canary does — the
// split nearest each setWeight, reached no faster than maxSurge and maxUnavailable allow (Argo docs
// features/canary/index.md, "maxSurge", "maxUnavailable", "Mimicking Rolling Update"). Every ReplicaSet count the
// controller writes is watched, and each must keep both bounds; each step ends at the counts Argo computes.
// @covers spec.strategy.canary.maxSurge
// @covers spec.strategy.canary.maxUnavailable
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kinds } from '../../src/kube/resource-kind.js';
import { hashOf, type ReplicaSetObject } from '../../src/resources/replica-set.js';
import { argoRollout } from '../fixtures/argo-corpus.js';
import { openHarness, type Harness } from './controller-harness.js';

const NS = 'surge';
let h: Harness;

beforeAll(async () => {
  h = await openHarness(NS);
}, 60_000);

afterAll(async () => {
  await h?.close();
});

interface Sample {
  stable: number;
  canary: number;
  available: number;
  others: number;
}

/** Samples the Rollout's ReplicaSets (as the controller's informers hold them) until `stop` is called. */
function watchCounts(name: string, stableHash: () => string, canaryHash: string): { samples: Sample[]; stop: () => void } {
  const samples: Sample[] = [];
  const timer = setInterval(() => {
    const sets = h.replicaSets(name);
    const spec = (hash: string): number => sets.find((rs) => hashOf(rs) === hash)?.spec?.replicas ?? 0;
    const others = sets.filter((rs) => hashOf(rs) !== stableHash() && hashOf(rs) !== canaryHash).reduce((n, rs) => n + (rs.spec?.replicas ?? 0), 0);
    const available = sets.reduce((n, rs: ReplicaSetObject) => n + (rs.status?.availableReplicas ?? 0), 0);
    samples.push({ stable: spec(stableHash()), canary: spec(canaryHash), available, others });
  }, 2);
  return { samples, stop: () => clearInterval(timer) };
}

function countsOf(name: string, hash: string): number | undefined {
  return h.replicaSets(name).find((rs) => hashOf(rs) === hash)?.spec?.replicas;
}

async function pausedAt(name: string, step: number): Promise<void> {
  await h.waitFor(name, (ro) => ro.status?.phase === 'Paused' && ro.status.currentStepIndex === step, `the pause at index ${step}`, 30_000);
}

describe('maxSurge and maxUnavailable of a canary without traffic routing', () => {
  it('given 10 replicas, maxSurge 25% and maxUnavailable 0, then the canary surges up to 3 pods over 10, no pod is ever unavailable, and each step ends at the split Argo computes', async () => {
    const steps = [{ setWeight: 20 }, { pause: {} }, { setWeight: 50 }, { pause: {} }];
    await h.apply('surge', { replicas: 10, strategy: { canary: { maxSurge: '25%', maxUnavailable: 0, steps } } });
    const first = await h.waitFor('surge', (ro) => ro.status?.phase === 'Healthy' && ro.status.availableReplicas === 10, 'the first release, all 10 pods available');
    const stable = first.status?.stableRS ?? '';
    const canary = await h.setImage('surge', 'img:2');
    const watch = watchCounts('surge', () => stable, canary);
    try {
      await pausedAt('surge', 1);
      expect({ stable: countsOf('surge', stable), canary: countsOf('surge', canary) }).toEqual({ stable: 8, canary: 2 });
      await h.command('surge', 'promote');
      await pausedAt('surge', 3);
      expect({ stable: countsOf('surge', stable), canary: countsOf('surge', canary) }).toEqual({ stable: 5, canary: 5 });
      await h.command('surge', 'promote');
      await h.waitFor('surge', (ro) => ro.status?.phase === 'Healthy' && ro.status.stableRS === canary, 'the promotion', 30_000);
      expect({ stable: countsOf('surge', stable), canary: countsOf('surge', canary) }).toEqual({ stable: 0, canary: 10 });
    } finally {
      watch.stop();
    }
    expect(watch.samples.length).toBeGreaterThan(10);
    // Never more than 10 + 25% (3) pods asked for, never fewer than 10 available.
    expect(Math.max(...watch.samples.map((s) => s.stable + s.canary))).toBe(13);
    expect(watch.samples.filter((s) => s.stable + s.canary > 13)).toEqual([]);
    expect(watch.samples.filter((s) => s.available < 10)).toEqual([]);
    // Stable gives up pods only once the canary's are there: it never drops below the step's share.
    expect(Math.min(...watch.samples.filter((s) => s.canary <= 2).map((s) => s.stable))).toBe(8);
  }, 90_000);

  it('given 10 replicas, maxSurge 0 and maxUnavailable 1, then a stable pod goes before each canary pod comes, never more than 10 pods, never fewer than 9 available', async () => {
    const steps = [{ setWeight: 20 }, { pause: {} }];
    await h.apply('nosurge', { replicas: 10, strategy: { canary: { maxSurge: 0, maxUnavailable: 1, steps } } });
    const first = await h.waitFor('nosurge', (ro) => ro.status?.phase === 'Healthy' && ro.status.availableReplicas === 10, 'the first release, all 10 pods available');
    const stable = first.status?.stableRS ?? '';
    const canary = await h.setImage('nosurge', 'img:2');
    const watch = watchCounts('nosurge', () => stable, canary);
    try {
      await pausedAt('nosurge', 1);
      expect({ stable: countsOf('nosurge', stable), canary: countsOf('nosurge', canary) }).toEqual({ stable: 8, canary: 2 });
      await h.command('nosurge', 'promote');
      await h.waitFor('nosurge', (ro) => ro.status?.phase === 'Healthy' && ro.status.stableRS === canary, 'the promotion', 30_000);
      expect({ stable: countsOf('nosurge', stable), canary: countsOf('nosurge', canary) }).toEqual({ stable: 0, canary: 10 });
    } finally {
      watch.stop();
    }
    expect(watch.samples.filter((s) => s.stable + s.canary > 10)).toEqual([]);
    expect(watch.samples.filter((s) => s.available < 9)).toEqual([]);
    // Pod by pod: the canary's count passes through every value on its way to 10.
    expect(new Set(watch.samples.map((s) => s.canary))).toEqual(new Set([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]));
  }, 90_000);

  it("given Argo's rolling-update example (5 replicas, maxSurge 1, maxUnavailable 1, no steps), then a new image rolls out within 6 pods and 4 available", async () => {
    const manifest = argoRollout('examples/rollout-rolling-update.yaml');
    const name = manifest.metadata.name ?? 'rollout-rolling-update';
    await h.controller.client.create(Kinds.Rollout, { ...manifest, metadata: { name, namespace: NS } } as never);
    const first = await h.waitFor(name, (ro) => ro.status?.phase === 'Healthy' && ro.status.availableReplicas === 5, 'the first release, all 5 pods available');
    const stable = first.status?.stableRS ?? '';
    const canary = await h.setImage(name, 'argoproj/rollouts-demo:yellow');
    const watch = watchCounts(name, () => stable, canary);
    try {
      await h.waitFor(name, (ro) => ro.status?.phase === 'Healthy' && ro.status.stableRS === canary, 'the rolling update', 30_000);
      await expect.poll(() => countsOf(name, stable), { timeout: 5_000 }).toBe(0);
    } finally {
      watch.stop();
    }
    expect(countsOf(name, canary)).toBe(5);
    expect(watch.samples.filter((s) => s.stable + s.canary > 6)).toEqual([]);
    expect(watch.samples.filter((s) => s.available < 4)).toEqual([]);
  }, 90_000);
});
