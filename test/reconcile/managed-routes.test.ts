// Specification: Argo's istio-mirror-host.yaml, only the apiVersion swapped, end to end on the sandbox — setMirrorRoute
// steps add mirror routes above the split in managedRoutes order, and an abort removes every managed route.
// @covers spec.strategy.canary.steps[].setMirrorRoute.match[].method.exact
// @covers spec.strategy.canary.steps[].setMirrorRoute.match[].path.prefix
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiVersionOf, Kinds, type ResourceKind } from '../../src/kube/resource-kind.js';
import type { VirtualServiceObject } from '../../src/traffic/istio-router.js';
import { argoDocuments } from '../fixtures/argo-corpus.js';
import { ROUTING_CRD_FILES } from '../traffic/support/traffic-cluster.js';
import { openHarness, type Harness, type RolloutObject } from './controller-harness.js';

// @covers spec.strategy.canary.trafficRouting.managedRoutes
// @covers spec.strategy.canary.trafficRouting.managedRoutes[].name
// @covers spec.strategy.canary.steps[].setMirrorRoute
// @covers spec.strategy.canary.steps[].setMirrorRoute.name
// @covers spec.strategy.canary.steps[].setMirrorRoute.percentage
// @covers spec.strategy.canary.steps[].setMirrorRoute.match
// @covers spec.strategy.canary.steps[].setMirrorRoute.match[].method
// @covers spec.strategy.canary.steps[].setMirrorRoute.match[].path

const NS = 'mirror';
let h: Harness;
const KINDS: Record<string, ResourceKind> = { Service: Kinds.Service, VirtualService: Kinds.VirtualService, Rollout: Kinds.Rollout };

beforeAll(async () => {
  h = await openHarness(NS, { crdFiles: ROUTING_CRD_FILES });
});

afterAll(async () => {
  await h?.close();
});

async function httpRoutes(): Promise<NonNullable<VirtualServiceObject['spec']>['http']> {
  return (await h.controller.client.get<VirtualServiceObject>(Kinds.VirtualService, NS, 'rollouts-demo-vsvc'))?.spec?.http ?? [];
}

describe("Argo's istio-mirror-host.yaml", () => {
  it('given the mirror steps, then the mirror routes sit above primary in managedRoutes order with their match and percentage, and an abort removes them', async () => {
    for (const doc of argoDocuments('test/e2e/mirror-route/istio-mirror-host.yaml')) {
      const kind = KINDS[doc.kind ?? ''];
      // The VirtualService is written as v1beta1; Vane's client speaks v1alpha3, the same schema served side by side.
      if (kind) await h.controller.client.create(kind, { ...doc, apiVersion: apiVersionOf(kind), metadata: { ...doc.metadata, namespace: NS } });
    }
    await h.waitFor('rollouts-demo', (ro) => ro.status?.phase === 'Healthy', 'the first release Healthy');
    const ro = await h.controller.client.get<RolloutObject>(Kinds.Rollout, NS, 'rollouts-demo');
    const template = structuredClone(ro?.spec.template);
    if (!template?.spec.containers[0]) throw new Error('no template');
    template.spec.containers[0].image = 'nginx:1.20-alpine';
    await h.controller.client.patch(Kinds.Rollout, NS, 'rollouts-demo', { spec: { template } }, 'merge');
    await h.waitFor('rollouts-demo', (r) => r.status?.phase === 'Paused' && r.status.currentStepIndex === 3, 'the pause after both mirror steps');

    const routes = await httpRoutes();
    expect(routes?.map((r) => r.name)).toEqual(['mirror-route-1', 'mirror-route-2', 'primary']);
    expect(routes?.[0]?.match).toEqual([{ uri: { prefix: '/' } }]);
    expect(routes?.[1]?.match).toEqual([{ method: { exact: 'GET' }, uri: { prefix: '/' } }]);
    expect(routes?.[1]?.['mirrorPercentage']).toEqual({ value: 80 });
    expect(routes?.[1]?.['mirror']).toEqual({ host: 'canary-service' });
    expect(routes?.[1]?.route?.map((d) => [d.destination.host, d.weight])).toEqual([['stable-service', 80], ['canary-service', 20]]);

    await h.command('rollouts-demo', 'abort');
    await h.waitFor('rollouts-demo', (r) => r.status?.phase === 'Degraded', 'the abort');
    const after = await httpRoutes();
    expect(after?.map((r) => r.name)).toEqual(['primary']);
    expect(after?.[0]?.route?.map((d) => d.weight)).toEqual([100, 0]);
  }, 60_000);
});
