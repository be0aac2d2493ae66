// Specification: a blue-green's maxUnavailable paces a spec.restartAt restart, the one thing Argo uses it for (Argo
// docs features/restart.md: "the controller limits itself to deleting up to maxUnavailable Pods at a time"), end to
// end on the sandbox. Every ReplicaSet status the watch delivers is recorded, so the fewest available pods seen is
// exact, not sampled.
// @covers spec.strategy.blueGreen.maxUnavailable
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { Kinds } from '../../src/kube/resource-kind.js';
import { SupervisedInformer } from '../../src/kube/supervised-informer.js';
import type { ReplicaSetObject } from '../../src/resources/replica-set.js';
import { openHarness, type Harness } from './controller-harness.js';

const NS = 'bg-restart';
let h: Harness;
let informer: SupervisedInformer<ReplicaSetObject>;
const fewestAvailable = new Map<string, number>();

beforeAll(async () => {
  h = await openHarness(NS);
  informer = new SupervisedInformer<ReplicaSetObject>(h.controller.client, Kinds.ReplicaSet, { namespace: NS, resyncMs: 0 });
  informer.addHandler((event) => {
    if (event.type === 'delete') return;
    const rs = event.object;
    const app = rs.metadata.labels?.['app'] ?? '';
    if ((rs.spec?.replicas ?? 0) !== 4) return;
    fewestAvailable.set(app, Math.min(fewestAvailable.get(app) ?? 4, rs.status?.availableReplicas ?? 0));
  });
  informer.start();
  await informer.waitForSync();
}, 60_000);

afterAll(async () => {
  await informer?.stop();
  await h?.close();
});

async function podUids(app: string): Promise<string[]> {
  const { items } = await h.controller.client.list<KubeObject>(Kinds.Pod, NS, { labelSelector: `app=${app}` });
  return items.filter((p) => !p.metadata.deletionTimestamp).map((p) => p.metadata.uid ?? '');
}

/** Restarts `name` (4 pods) and returns the fewest available pods its ReplicaSet reported during the restart. */
async function restart(name: string, maxUnavailable: number | string): Promise<number> {
  await h.apply(name, { replicas: 4, strategy: { blueGreen: { activeService: `${name}-active`, maxUnavailable } } }, [`${name}-active`]);
  await h.waitFor(name, (ro) => ro.status?.phase === 'Healthy' && ro.status.availableReplicas === 4, 'healthy with four pods');
  const before = new Set(await podUids(name));
  fewestAvailable.delete(name);
  // Pods carry second-precision creation times: the restart time must be after their second.
  await new Promise((r) => setTimeout(r, 1_100));
  const restartAt = `${new Date().toISOString().slice(0, 19)}Z`;
  await h.controller.client.patch(Kinds.Rollout, NS, name, { spec: { restartAt } }, 'merge');
  await h.waitFor(name, (ro) => ro.status?.restartedAt === restartAt, 'status.restartedAt', 30_000);
  const after = await podUids(name);
  expect(after).toHaveLength(4);
  expect(after.filter((uid) => before.has(uid))).toEqual([]);
  return fewestAvailable.get(name) ?? 4;
}

describe('blueGreen.maxUnavailable paces a restart', () => {
  it('given a blue-green of 4 pods and maxUnavailable 2, when spec.restartAt is set, then every pod is recreated with two down at a time and never more', async () => {
    expect(await restart('two', 2)).toBe(2);
  }, 60_000);

  it('given maxUnavailable 0, then the restart still moves, one pod at a time', async () => {
    expect(await restart('one', 0)).toBe(3);
  }, 60_000);
});
