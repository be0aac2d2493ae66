// Specification: the pod counts of a canary over a router, end to end on the sandbox — minPodsPerReplicaSet gives a
// canary with any pods at least that many, and abortScaleDownDelaySeconds keeps an aborted canary's pods for that
// long before they go (Argo docs features/specification.md, minPodsPerReplicaSet; features/scaledown-aborted-rs.md).
// @covers spec.strategy.canary.minPodsPerReplicaSet
// @covers spec.strategy.canary.abortScaleDownDelaySeconds
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kinds } from '../../src/kube/resource-kind.js';
import { hashOf } from '../../src/resources/replica-set.js';
import type { CanaryStrategy } from '../../src/resources/rollout.js';
import { ROUTING_CRD_FILES } from '../traffic/support/traffic-cluster.js';
import { openHarness, type Harness, type RolloutObject } from './controller-harness.js';
import type { HTTPRouteObject } from './route-weights.js';

const NS = 'podcounts';
let h: Harness;

beforeAll(async () => {
  h = await openHarness(NS, { crdFiles: ROUTING_CRD_FILES });
}, 60_000);

afterAll(async () => {
  await h?.close();
});

function route(name: string): HTTPRouteObject {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name, namespace: NS },
    spec: { rules: [{ name: 'main', backendRefs: [{ name: `${name}-stable`, port: 80, weight: 100 }, { name: `${name}-canary`, port: 80, weight: 0 }] }] },
  };
}

async function healthyRouted(name: string, replicas: number, canary: Partial<CanaryStrategy>): Promise<RolloutObject> {
  await h.controller.client.create(Kinds.HTTPRoute, route(name));
  const strategy = { canary: { stableService: `${name}-stable`, canaryService: `${name}-canary`, trafficRouting: { gatewayAPI: { httpRoutes: [{ name }] } }, ...canary } };
  await h.apply(name, { replicas, strategy }, [`${name}-stable`, `${name}-canary`]);
  return h.waitFor(name, (ro) => ro.status?.phase === 'Healthy', 'the first revision Healthy');
}

function specOf(name: string, hash: string): number | undefined {
  return h.replicaSets(name).find((rs) => hashOf(rs) === hash)?.spec?.replicas;
}

describe('pod counts of a canary over a router', () => {
  it('given minPodsPerReplicaSet 2 and 4 replicas, when setWeight 10 asks for 1 canary pod, then the canary gets 2 and stable stays at 4', async () => {
    await healthyRouted('minpods', 4, { minPodsPerReplicaSet: 2, steps: [{ setWeight: 10 }, { pause: {} }] });
    const canary = await h.setImage('minpods', 'img:2');
    const paused = await h.waitFor('minpods', (ro) => ro.status?.phase === 'Paused' && ro.status.currentStepIndex === 1, 'the pause after setWeight 10');
    expect(specOf('minpods', canary)).toBe(2);
    expect(specOf('minpods', paused.status?.stableRS ?? '')).toBe(4);
    expect(paused.status?.canary?.weights).toEqual({ canary: 10, stable: 90 });
  });

  it('given the same canary without minPodsPerReplicaSet, then setWeight 10 of 4 replicas gets 1 canary pod', async () => {
    await healthyRouted('nomin', 4, { steps: [{ setWeight: 10 }, { pause: {} }] });
    const canary = await h.setImage('nomin', 'img:2');
    await h.waitFor('nomin', (ro) => ro.status?.phase === 'Paused' && ro.status.currentStepIndex === 1, 'the pause after setWeight 10');
    expect(specOf('nomin', canary)).toBe(1);
  });

  it('given abortScaleDownDelaySeconds 2, when the canary is aborted, then traffic is on stable at once and the canary keeps its pods for about 2 s before they go', async () => {
    await healthyRouted('abortdelay', 2, { abortScaleDownDelaySeconds: 2, steps: [{ setWeight: 50 }, { pause: {} }] });
    const canary = await h.setImage('abortdelay', 'img:2');
    await h.waitFor('abortdelay', (ro) => ro.status?.phase === 'Paused', 'the pause at 50%');
    expect(specOf('abortdelay', canary)).toBe(1);
    await h.command('abortdelay', 'abort');
    const aborted = await h.waitFor('abortdelay', (ro) => ro.status?.phase === 'Degraded', 'the abort');
    const abortedAt = Date.now();
    expect(aborted.status?.canary?.weights).toEqual({ canary: 0, stable: 100 });
    expect(specOf('abortdelay', canary)).toBe(1);
    await expect.poll(() => specOf('abortdelay', canary), { timeout: 10_000, interval: 20 }).toBe(0);
    const keptMs = Date.now() - abortedAt;
    expect(keptMs).toBeGreaterThan(1_000);
    expect(keptMs).toBeLessThan(6_000);
  });
});
