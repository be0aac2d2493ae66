// Specification: a pass killed after its effects but before its status write is replayed from the older stored
// step; the replay must not undo what the killed pass did (a canary scaled back down, a stable grown back up).
import { describe, expect, it } from 'vitest';
import type { EventRecorder } from '../../src/kube/event-recorder.js';
import type { KubeClient } from '../../src/kube/kube-client.js';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { silentLogger } from '../../src/logger.js';
import type { RolloutCache } from '../../src/reconcile/rollout-cache.js';
import { reconcileRollout } from '../../src/reconcile/rollout-reconciler.js';
import { hashOf, type ReplicaSetObject } from '../../src/resources/replica-set.js';
import type { Rollout, RolloutSpec } from '../../src/resources/rollout.js';
import type { ServiceObject } from '../../src/traffic/service-selector.js';
import type { TrafficRouter } from '../../src/traffic/traffic-router.js';
import { hashOfImage, template } from './controller-harness.js';

/** A pass's death between its effects and its status write: what a SIGKILL at that instant leaves behind. */
class KilledBeforeStatusWrite extends Error {}

/** An in-memory cluster whose status write can be made to fail, recording every count each ReplicaSet was given. */
function fakeCluster(spec: RolloutSpec) {
  let version = 1;
  let rollout: Rollout & KubeObject = {
    apiVersion: 'vane.dev/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'web', namespace: 'ns', uid: 'u1', generation: 1, resourceVersion: String(version) },
    spec,
  };
  const replicaSets = new Map<string, ReplicaSetObject>();
  const scaled = new Map<string, number[]>();
  const services = new Map<string, ServiceObject>(
    ['web-stable', 'web-canary'].map((name) => [name, { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'ns' }, spec: { selector: { app: 'web' } } }]),
  );
  // Each step index a status write would move to is first reached by a pass that dies before writing it.
  const killedFor = new Set<number>();
  let kills = 0;
  const stored = <T extends KubeObject>(obj: T): T => structuredClone({ ...obj, metadata: { ...obj.metadata, resourceVersion: String(++version) } });
  const record = (rs: ReplicaSetObject): void => {
    const counts = scaled.get(hashOf(rs) ?? '') ?? [];
    if (counts.at(-1) !== rs.spec?.replicas) counts.push(rs.spec?.replicas ?? 0);
    scaled.set(hashOf(rs) ?? '', counts);
  };
  const client = {
    create: async (_kind: unknown, obj: KubeObject) => {
      const rs = stored({ ...obj, metadata: { ...obj.metadata, creationTimestamp: new Date(version * 1000).toISOString() } }) as ReplicaSetObject;
      replicaSets.set(rs.metadata.name ?? '', rs);
      record(rs);
      return rs;
    },
    patch: async (kind: { kind: string }, _ns: string, name: string, patch: { metadata?: { annotations?: Record<string, string | null> }; spec?: { replicas?: number } }) => {
      if (kind.kind === 'Service') {
        const svc = services.get(name) as ServiceObject;
        const next = stored({ ...svc, spec: { ...svc.spec, ...(patch as { spec?: object }).spec } });
        services.set(name, next);
        return next;
      }
      if (kind.kind === 'Rollout') {
        // The traffic finalizer, added with a JSON patch: the only patch a pass makes to its Rollout.
        const finalizers = (patch as unknown as Array<{ op: string; value: string[] }>).find((op) => op.op !== 'test')?.value ?? [];
        rollout = stored({ ...rollout, metadata: { ...rollout.metadata, finalizers } });
        return rollout;
      }
      const rs = replicaSets.get(name);
      if (!rs) throw new Error(`no ReplicaSet ${name}`);
      // A JSON merge patch: a null annotation is removed.
      const merged = { ...rs.metadata.annotations, ...patch.metadata?.annotations };
      const annotations = Object.fromEntries(Object.entries(merged).filter((e): e is [string, string] => e[1] !== null && e[1] !== undefined));
      const generation = (rs.metadata.generation ?? 1) + (patch.spec === undefined ? 0 : 1);
      const next = stored({ ...rs, metadata: { ...rs.metadata, generation, annotations }, spec: { ...rs.spec, ...patch.spec } });
      replicaSets.set(name, next);
      record(next);
      return next;
    },
    replaceStatus: async (_kind: unknown, obj: Rollout & KubeObject) => {
      const step = obj.status?.currentStepIndex;
      if (step !== undefined && step !== rollout.status?.currentStepIndex && !killedFor.has(step)) {
        killedFor.add(step);
        kills++;
        throw new KilledBeforeStatusWrite(`killed before writing step ${step}`);
      }
      rollout = stored(obj);
      return rollout;
    },
    delete: async () => undefined,
  } as unknown as KubeClient;
  const cache: RolloutCache = {
    rollout: () => rollout,
    replicaSetsOf: () => [...replicaSets.values()],
    service: (_namespace, name) => services.get(name),
    analysisRunsOf: () => [],
    deployment: () => undefined,
    analysisTemplate: () => undefined,
    clusterAnalysisTemplate: () => undefined,
  };
  return {
    client,
    cache,
    scaled,
    rollout: () => rollout,
    setTemplate: (image: string): void => {
      rollout = stored({ ...rollout, metadata: { ...rollout.metadata, generation: 2 }, spec: { ...rollout.spec, template: template(image) } });
    },
    kills: (): number => kills,
    /** The ReplicaSet controller: every ReplicaSet has all its pods, all available. */
    podsReady: (): void => {
      for (const [name, rs] of replicaSets) {
        const n = rs.spec?.replicas ?? 0;
        replicaSets.set(name, stored({ ...rs, status: { replicas: n, readyReplicas: n, availableReplicas: n, observedGeneration: rs.metadata.generation ?? 1 } }));
      }
    },
  };
}

const events: EventRecorder = { record: async () => undefined };
const STEPS = [{ setWeight: 20 }, { pause: { duration: '1s' } }, { setWeight: 40 }, { setWeight: 60 }, { pause: { duration: '1s' } }, { setWeight: 80 }];

type Cluster = ReturnType<typeof fakeCluster>;

/** Runs passes 2 s apart (pods ready after each) until `done`; a killed pass is simply followed by the next one. */
async function runUntil(cluster: Cluster, done: () => boolean, start: number, router?: TrafficRouter): Promise<number> {
  let now = start;
  const routerFor = router === undefined ? {} : { routerFor: () => router };
  for (let pass = 0; pass < 200 && !done(); pass++) {
    await reconcileRollout('ns/web', { cache: cluster.cache, client: cluster.client, events, clock: () => now, logger: silentLogger, ...routerFor }).catch((err: unknown) => {
      if (!(err instanceof KilledBeforeStatusWrite)) throw err;
    });
    cluster.podsReady();
    now += 2_000;
  }
  if (!done()) throw new Error(`not done after 200 passes: ${JSON.stringify(cluster.rollout().status?.message)}`);
  return now;
}

describe('a pass replayed after it died before its status write', () => {
  it('given a canary without a router, when each step is reached by a pass killed before its status write, then the canary only ever grows and stable only ever shrinks', async () => {
    const cluster = fakeCluster({ replicas: 5, selector: { matchLabels: { app: 'web' } }, template: template('img:1'), strategy: { canary: { steps: STEPS } } });
    const adopted = await runUntil(cluster, () => cluster.rollout().status?.phase === 'Healthy', Date.parse('2026-12-07T10:00:00Z'));
    const stable = hashOfImage('img:1');
    const next = hashOfImage('img:2');
    cluster.setTemplate('img:2');
    await runUntil(cluster, () => cluster.rollout().status?.stableRS === next && cluster.rollout().status?.phase === 'Healthy', adopted);

    expect(cluster.kills()).toBeGreaterThanOrEqual(STEPS.length);
    expect(cluster.scaled.get(next)).toEqual([1, 2, 3, 4, 5]);
    const stableCounts = cluster.scaled.get(stable) ?? [];
    expect(stableCounts.slice(1)).toEqual([...stableCounts.slice(1)].sort((a, b) => b - a));
    expect(stableCounts.at(-1)).toBe(0);
  });

  it('given a canary with a router, when each step is reached by a pass killed before its status write, then the release finishes and neither the canary count nor its weight ever goes back', async () => {
    const weights: number[] = [];
    const router: TrafficRouter = {
      provider: 'recording',
      setWeight: async (percent) => {
        if (weights.at(-1) !== percent) weights.push(percent);
      },
      getWeight: async () => weights.at(-1),
      reset: async () => {
        if (weights.at(-1) !== 0) weights.push(0);
      },
      finalize: async () => undefined,
    };
    // 5 pods: 10% and 20% both ask for 1 canary pod, 40% and the pause for 2, 80% for 4.
    const steps = [{ setWeight: 10 }, { setWeight: 20 }, { setWeight: 40 }, { pause: { duration: '1s' } }, { setWeight: 80 }];
    const strategy = { canary: { stableService: 'web-stable', canaryService: 'web-canary', trafficRouting: { gatewayAPI: { httpRoutes: [{ name: 'web' }] } }, steps } };
    const cluster = fakeCluster({ replicas: 5, selector: { matchLabels: { app: 'web' } }, template: template('img:1'), strategy });
    const adopted = await runUntil(cluster, () => cluster.rollout().status?.phase === 'Healthy', Date.parse('2026-12-07T10:00:00Z'), router);
    const next = hashOfImage('img:2');
    cluster.setTemplate('img:2');
    weights.length = 0;
    await runUntil(cluster, () => cluster.rollout().status?.stableRS === next && cluster.rollout().status?.phase === 'Healthy', adopted, router);

    expect(cluster.kills()).toBeGreaterThanOrEqual(steps.length);
    expect(cluster.scaled.get(next)).toEqual([1, 2, 4, 5]);
    // Up to the promotion's reset: steps crossed in one pass write only the last weight (10% and 20% share a pod).
    const released = weights.slice(0, weights.lastIndexOf(100) + 1);
    expect(released).toEqual([...new Set(released)].sort((a, b) => a - b));
    expect(released.slice(-4)).toEqual([20, 40, 80, 100]);
  });
});
