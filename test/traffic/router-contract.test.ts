// Runs the TrafficRouter contract against every provider on one sandbox serving the real routing CRDs.
// @covers spec.strategy.canary.trafficRouting.istio
// @covers spec.strategy.canary.trafficRouting.istio.virtualService
// @covers spec.strategy.canary.trafficRouting.istio.virtualService.name
// @covers spec.strategy.canary.trafficRouting.istio.virtualService.routes
// @covers spec.strategy.canary.trafficRouting.istio.destinationRule
// @covers spec.strategy.canary.trafficRouting.istio.destinationRule.name
// @covers spec.strategy.canary.trafficRouting.istio.destinationRule.canarySubsetName
// @covers spec.strategy.canary.trafficRouting.istio.destinationRule.stableSubsetName
// @covers spec.strategy.canary.trafficRouting.istio.virtualServices[].tlsRoutes
// @covers spec.strategy.canary.trafficRouting.istio.virtualServices[].tlsRoutes[].port
// @covers spec.strategy.canary.trafficRouting.istio.virtualServices[].tlsRoutes[].sniHosts
// @covers spec.strategy.canary.trafficRouting.istio.virtualServices[].tcpRoutes
// @covers spec.strategy.canary.trafficRouting.istio.virtualServices[].tcpRoutes[].port
// @covers spec.strategy.canary.trafficRouting.smi
// @covers spec.strategy.canary.trafficRouting.smi.trafficSplitName
// @covers spec.strategy.canary.trafficRouting.nginx
// @covers spec.strategy.canary.trafficRouting.nginx.stableIngress
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routerFor } from '../../src/traffic/router-factory.js';
import { describeRouterContract } from './router-contract.case.js';
import { ROUTER_FIXTURES } from './support/router-fixtures.js';
import { createRollout, openTrafficCluster, type TrafficCluster } from './support/traffic-cluster.js';

// The stableIngresses fixture's shares read NaN unless every canary Ingress carries its canaryIngressAnnotations.
// @covers spec.strategy.canary.trafficRouting.nginx.stableIngresses
// @covers spec.strategy.canary.trafficRouting.nginx.canaryIngressAnnotations
// The Istio tls/tcp fixture's shares read every selected route and NaN if an unselected tls route was touched.
// @covers spec.strategy.canary.trafficRouting.istio.virtualService.tcpRoutes
// @covers spec.strategy.canary.trafficRouting.istio.virtualService.tcpRoutes[].port
// The additional-subsets fixture reads NaN if the experiment subset's weight moved or the weights miss 100.
// @covers spec.strategy.canary.trafficRouting.istio.destinationRule.additionalSubsetNames

let cluster: TrafficCluster;

beforeAll(async () => {
  cluster = await openTrafficCluster();
});

afterAll(async () => {
  await cluster?.close();
});

for (const fixture of ROUTER_FIXTURES) describeRouterContract(fixture, () => cluster);

describe('routerFor', () => {
  it('given a canary without trafficRouting, then there is no router (the replica-ratio canary)', async () => {
    const namespace = await cluster.namespace('factory');
    const rollout = await createRollout(cluster.client, namespace, {});
    expect(routerFor(rollout, cluster.deps)).toBeUndefined();
  });

  it('given each provider, then the router is that provider', async () => {
    const providers: string[] = [];
    for (const fixture of ROUTER_FIXTURES) providers.push((await fixture.setup(cluster, await cluster.namespace('factory'))).provider);
    expect(providers).toEqual(['gatewayAPI', 'istio', 'istio', 'istio', 'istio', 'smi', 'nginx', 'apisix', 'appMesh', 'traefik', 'traefik', 'alb', 'ambassador', 'smi+nginx', 'nginx', 'istio', 'istio', 'istio']);
  });
});
