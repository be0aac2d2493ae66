// Specification of a Rollout's first release end to end: Progressing until its pods are available, then Healthy;
// Degraded (ProgressDeadlineExceeded) when they are not available within progressDeadlineSeconds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RolloutStrategy } from '../../src/resources/rollout.js';
import { hashOfImage, openHarness, type Harness, type RolloutObject } from './controller-harness.js';

let h: Harness;

beforeAll(async () => {
  h = await openHarness('first-release');
});

afterAll(async () => {
  await h?.close();
});

const condition = (ro: RolloutObject, type: string): { status: string; reason: string } | undefined => ro.status?.conditions?.find((c) => c.type === type);

describe('a first release', () => {
  const strategies: Array<[string, RolloutStrategy]> = [
    ['canary', { canary: { steps: [{ setWeight: 50 }, { pause: {} }] } }],
    ['blue-green', { blueGreen: { activeService: 'slow-bg-active', autoPromotionEnabled: false } }],
  ];
  it.each(strategies)('given pods not Ready yet (%s), then it is Progressing (Ready=False) with no pod available, and Healthy once they are', async (name, strategy) => {
    const rollout = `slow-${name === 'canary' ? 'canary' : 'bg'}`;
    const hash = hashOfImage('img:1', rollout);
    h.cluster.workloads.failReadiness(hash);
    await h.apply(rollout, { replicas: 2, strategy }, name === 'canary' ? [] : ['slow-bg-active']);
    const waiting = await h.waitFor(rollout, (ro) => ro.status?.phase !== undefined && (ro.status.replicas ?? 0) === 2, 'its pods to exist');
    expect(waiting.status).toMatchObject({ phase: 'Progressing', stableRS: hash, availableReplicas: 0 });
    expect(condition(waiting, 'Ready')).toMatchObject({ status: 'False' });
    expect(condition(waiting, 'Reconciling')).toMatchObject({ status: 'True' });
    // Still Progressing a little later: nothing but available pods makes it Healthy.
    await new Promise((r) => setTimeout(r, 300));
    expect(h.rollout(rollout)?.status?.phase).toBe('Progressing');

    h.cluster.workloads.restoreReadiness(hash);
    const healthy = await h.waitFor(rollout, (ro) => ro.status?.phase === 'Healthy', 'Healthy once the pods are available');
    expect(healthy.status?.availableReplicas).toBe(2);
    expect(condition(healthy, 'Ready')).toMatchObject({ status: 'True' });
  });

  it('given pods that never become Ready, when progressDeadlineSeconds passes, then it is Degraded (ProgressDeadlineExceeded) and recovers when they come', async () => {
    const hash = hashOfImage('img:1', 'stuck');
    h.cluster.workloads.failReadiness(hash);
    await h.apply('stuck', { replicas: 2, progressDeadlineSeconds: 2, strategy: { canary: { steps: [{ setWeight: 50 }] } } });
    await h.waitFor('stuck', (ro) => ro.status?.phase === 'Progressing', 'Progressing first');
    const degraded = await h.waitFor('stuck', (ro) => ro.status?.phase === 'Degraded', 'Degraded past the deadline', 15_000);
    expect(degraded.status?.message).toMatch(/progressDeadlineSeconds/);
    expect(condition(degraded, 'Ready')).toMatchObject({ status: 'False', reason: 'ProgressDeadlineExceeded' });
    expect(condition(degraded, 'Stalled')).toMatchObject({ status: 'True', reason: 'ProgressDeadlineExceeded' });
    // Nothing to abort to: the first release keeps its pods.
    expect(h.replicaSets('stuck').find((rs) => rs.metadata.labels?.['rollouts-pod-template-hash'] === hash)?.spec?.replicas).toBe(2);
    await expect.poll(async () => (await h.events('stuck')).map((e) => e.reason), { timeout: 5_000 }).toContain('ProgressDeadlineExceeded');

    h.cluster.workloads.restoreReadiness(hash);
    const healthy = await h.waitFor('stuck', (ro) => ro.status?.phase === 'Healthy', 'Healthy once the pods come');
    expect(condition(healthy, 'Stalled')).toBeUndefined();
  });
});
