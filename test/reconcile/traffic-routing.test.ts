// Specification: a canary over a Gateway API HTTPRoute, end to end on the sandbox — weights follow the steps, an
// abort puts all traffic on stable in the pass that decides it, and deleting the Rollout undoes Vane's changes.
// @covers spec.strategy.canary.canaryService
// @covers spec.strategy.canary.trafficRouting
// @covers spec.strategy.canary.trafficRouting.gatewayAPI
// @covers spec.strategy.canary.trafficRouting.gatewayAPI.httpRoutes
// @covers spec.strategy.canary.trafficRouting.gatewayAPI.httpRoutes[].name
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { Kinds } from '../../src/kube/resource-kind.js';
import type { CanaryStep, RolloutSpec } from '../../src/resources/rollout.js';
import { TRAFFIC_FINALIZER } from '../../src/reconcile/traffic-finalizer.js';
import { ROUTING_CRD_FILES } from '../traffic/support/traffic-cluster.js';
import { openHarness, type Harness, type RolloutObject } from './controller-harness.js';
import { recordRouteWeights, type HTTPRouteObject, type RouteWeights } from './route-weights.js';

const NS = 'routing';
let h: Harness;
let weights: RouteWeights;

function route(name: string): HTTPRouteObject {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name, namespace: NS, annotations: { 'team.example.com/owner': 'web' } },
    spec: { rules: [{ name: 'main', backendRefs: [{ name: `${name}-stable`, port: 80, weight: 100 }, { name: `${name}-canary`, port: 80, weight: 0 }] }] },
  };
}

async function liveRoute(name: string): Promise<HTTPRouteObject> {
  const live = await h.controller.client.get<HTTPRouteObject>(Kinds.HTTPRoute, NS, name);
  if (!live) throw new Error(`HTTPRoute ${name} is gone`);
  return live;
}

async function canaryWeight(name: string): Promise<number | undefined> {
  return (await liveRoute(name)).spec.rules[0]?.backendRefs.find((b) => b.name === `${name}-canary`)?.weight;
}

function routedSpec(name: string, steps: CanaryStep[]): Partial<RolloutSpec> {
  return {
    strategy: {
      canary: {
        stableService: `${name}-stable`,
        canaryService: `${name}-canary`,
        trafficRouting: { gatewayAPI: { httpRoutes: [{ name }] } },
        steps,
      },
    },
  };
}

async function healthyRouted(name: string, steps: CanaryStep[], withRoute = true): Promise<RolloutObject> {
  if (withRoute) await h.controller.client.create(Kinds.HTTPRoute, route(name));
  await h.apply(name, routedSpec(name, steps), [`${name}-stable`, `${name}-canary`]);
  return h.waitFor(name, (ro) => ro.status?.phase === 'Healthy', 'the first revision Healthy');
}

beforeAll(async () => {
  h = await openHarness(NS, { crdFiles: ROUTING_CRD_FILES });
  weights = await recordRouteWeights(h.controller.client, NS);
});

afterAll(async () => {
  await weights?.stop();
  await h?.close();
});

describe('canary over a Gateway API HTTPRoute', () => {
  it('given steps 10 / 50 / 100, then the route weights follow each step, and an abort at 50 writes weight 0 in the pass that decides it', async () => {
    await healthyRouted('walk', [{ setWeight: 10 }, { pause: { duration: 1 } }, { setWeight: 50 }, { pause: {} }, { setWeight: 100 }]);
    await h.setImage('walk', 'img:2');
    const paused = await h.waitFor('walk', (ro) => ro.status?.phase === 'Paused' && ro.status.currentStepIndex === 3, 'the pause at 50');
    expect(await weights.settle('walk', 50)).toEqual([0, 10, 50]);

    await h.command('walk', 'abort');
    const aborted = await h.waitFor('walk', (ro) => ro.status?.phase === 'Degraded', 'the abort');
    const reset = await liveRoute('walk');
    expect(reset.spec.rules[0]?.backendRefs.map((b) => [b.name, b.weight])).toEqual([['walk-stable', 100], ['walk-canary', 0]]);
    // Ordered by resourceVersion: the reset came after the last status before the abort and no later than the
    // abort's own status write, so the pass that decided the abort wrote it.
    const rv = (obj: KubeObject): number => Number(obj.metadata.resourceVersion);
    expect(rv(reset)).toBeGreaterThan(rv(paused));
    expect(rv(reset)).toBeLessThan(rv(aborted));
    expect(reset.metadata.annotations).toEqual({ 'team.example.com/owner': 'web' });
  });

  it('given a routed Rollout, then it carries the traffic finalizer, and deleting it mid-canary puts the route back on stable before it goes', async () => {
    const ro = await healthyRouted('gone', [{ setWeight: 30 }, { pause: {} }]);
    expect(ro.metadata.finalizers).toContain(TRAFFIC_FINALIZER);
    await h.setImage('gone', 'img:2');
    await h.waitFor('gone', (r) => r.status?.phase === 'Paused', 'the pause at 30');
    expect(await canaryWeight('gone')).toBe(30);

    await h.controller.client.delete(Kinds.Rollout, NS, 'gone');
    const deadline = Date.now() + 20_000;
    while (await h.controller.client.get(Kinds.Rollout, NS, 'gone')) {
      if (Date.now() > deadline) throw new Error('the Rollout was not finalized');
      await new Promise((r) => setTimeout(r, 50));
    }
    const after = await liveRoute('gone');
    expect(after.spec.rules[0]?.backendRefs.map((b) => [b.name, b.weight])).toEqual([['gone-stable', 100], ['gone-canary', 0]]);
  });

  it('given the named HTTPRoute is missing, then the Rollout is Degraded naming it, and creating the route lets it become Healthy and walk its steps', async () => {
    await h.apply('late', routedSpec('late', [{ setWeight: 20 }, { pause: {} }]), ['late-stable', 'late-canary']);
    const degraded = await h.waitFor('late', (ro) => ro.status?.phase === 'Degraded', 'the missing route reported');
    expect(degraded.status?.message).toContain(`HTTPRoute ${NS}/late not found`);
    expect(degraded.status?.conditions?.find((c) => c.type === 'InvalidSpec')?.reason).toBe('ReferenceNotFound');

    await h.controller.client.create(Kinds.HTTPRoute, route('late'));
    // Route objects are not watched: the blocked Rollout looks again within seconds.
    await h.waitFor('late', (ro) => ro.status?.phase === 'Healthy', 'Healthy once the route exists', 30_000);
    await h.setImage('late', 'img:2');
    await h.waitFor('late', (ro) => ro.status?.phase === 'Paused', 'the canary at 20');
    expect(await canaryWeight('late')).toBe(20);
  });
});
