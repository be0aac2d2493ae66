// Specification: a reconcile pass writes status only when it changes by meaning. A real API server serves custom
// resources with their keys sorted, so the order a status was built in must never make a pass write again — each
// such no-op PUT keeps the resourceVersion, sends no watch event, and once left the controller waiting for ever.
import { describe, expect, it } from 'vitest';
import type { KubeClient } from '../../src/kube/kube-client.js';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { silentLogger } from '../../src/logger.js';
import type { EventRecorder } from '../../src/kube/event-recorder.js';
import { WriteTracker } from '../../src/kube/write-tracker.js';
import type { RolloutCache } from '../../src/reconcile/rollout-cache.js';
import { reconcileRollout } from '../../src/reconcile/rollout-reconciler.js';
import type { ReplicaSetObject } from '../../src/resources/replica-set.js';
import type { Rollout } from '../../src/resources/rollout.js';
import { template } from './controller-harness.js';

interface Write {
  verb: 'create' | 'patch' | 'replaceStatus' | 'delete';
  kind: string;
  obj?: KubeObject;
}

/** A tiny in-memory cluster: the cache a pass reads and the client it writes through, serving keys in `order`. */
function fakeCluster(order: (value: unknown) => unknown) {
  let version = 1;
  let rollout: Rollout & KubeObject = {
    apiVersion: 'vane.dev/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'web', namespace: 'ns', uid: 'u1', generation: 1, resourceVersion: String(version) },
    spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: template('img:1'), strategy: { canary: { steps: [{ setWeight: 50 }, { pause: { duration: '1h' } }] } } },
  };
  const replicaSets = new Map<string, ReplicaSetObject>();
  const writes: Write[] = [];
  const stored = <T extends KubeObject>(obj: T): T => order({ ...obj, metadata: { ...obj.metadata, resourceVersion: String(++version) } }) as T;
  const client = {
    create: async (kind: { kind: string }, obj: KubeObject) => {
      writes.push({ verb: 'create', kind: kind.kind, obj });
      const rs = stored(obj) as ReplicaSetObject;
      replicaSets.set(rs.metadata.name ?? '', rs);
      return rs;
    },
    patch: async (kind: { kind: string }, _ns: string, name: string, patch: { spec?: { replicas?: number } }) => {
      writes.push({ verb: 'patch', kind: kind.kind });
      const rs = replicaSets.get(name);
      if (!rs) throw new Error(`no ${name}`);
      const next = stored({ ...rs, spec: { ...rs.spec, ...patch.spec } });
      replicaSets.set(name, next);
      return next;
    },
    replaceStatus: async (kind: { kind: string }, obj: Rollout & KubeObject) => {
      writes.push({ verb: 'replaceStatus', kind: kind.kind, obj });
      rollout = stored(obj);
      return rollout;
    },
    delete: async (kind: { kind: string }) => {
      writes.push({ verb: 'delete', kind: kind.kind });
    },
  } as unknown as KubeClient;
  const cache: RolloutCache = {
    rollout: () => rollout,
    replicaSetsOf: () => [...replicaSets.values()],
    service: () => undefined,
    analysisRunsOf: () => [],
    deployment: () => undefined,
    analysisTemplate: () => undefined,
    clusterAnalysisTemplate: () => undefined,
  };
  /** The ReplicaSet controller: every ReplicaSet's Pods are all ready. */
  const podsReady = (): void => {
    for (const [name, rs] of replicaSets) {
      const n = rs.spec?.replicas ?? 0;
      replicaSets.set(name, stored({ ...rs, status: { replicas: n, readyReplicas: n, availableReplicas: n, observedGeneration: 1 } }));
    }
  };
  return { client, cache, writes, podsReady, rollout: () => rollout };
}

const events: EventRecorder = { record: async () => undefined };

function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortedKeys((value as Record<string, unknown>)[k])]));
}

function reversedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversedKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.keys(value).sort().reverse().map((k) => [k, reversedKeys((value as Record<string, unknown>)[k])]));
}

/** Runs passes (pods ready after each) until one writes nothing; returns how many passes that took. */
async function settle(cluster: ReturnType<typeof fakeCluster>, clock: () => number): Promise<number> {
  for (let pass = 1; pass <= 10; pass++) {
    const before = cluster.writes.length;
    await reconcileRollout('ns/web', { cache: cluster.cache, client: cluster.client, events, clock, logger: silentLogger, writes: new WriteTracker() });
    cluster.podsReady();
    if (cluster.writes.length === before) return pass;
  }
  throw new Error(`no steady state after 10 passes: ${cluster.writes.map((w) => `${w.verb} ${w.kind}`).join(', ')}`);
}

describe('status writes', () => {
  for (const [served, order] of [['with keys sorted, as a real API server does', sortedKeys], ['with keys in reverse order', reversedKeys]] as const) {
    it(`given a server that serves objects ${served}, when a Rollout has settled, then a pass with nothing to do issues no write`, async () => {
      const cluster = fakeCluster(order);
      const now = Date.parse('2026-12-07T10:00:00Z');
      await settle(cluster, () => now);
      expect(cluster.rollout().status?.phase).toBe('Healthy');

      const before = cluster.writes.length;
      for (let i = 0; i < 3; i++) await reconcileRollout('ns/web', { cache: cluster.cache, client: cluster.client, events, clock: () => now + 1_000 * i, logger: silentLogger });
      expect(cluster.writes.slice(before)).toEqual([]);
    });
  }

  it('given a write the server answered without a new resourceVersion, the next wake-up is not skipped as stale', async () => {
    const cluster = fakeCluster(sortedKeys);
    const writes = new WriteTracker();
    // A server that accepts the write but changes nothing: the same resourceVersion back, no watch event.
    (cluster.client as { replaceStatus: unknown }).replaceStatus = async (_kind: never, obj: KubeObject) => structuredClone(obj);
    const now = Date.parse('2026-12-07T10:00:00Z');
    await reconcileRollout('ns/web', { cache: cluster.cache, client: cluster.client, events, clock: () => now, logger: silentLogger, writes });
    expect(writes.isStale('ns/web', cluster.rollout().metadata.resourceVersion)).toBe(false);
  });
});
