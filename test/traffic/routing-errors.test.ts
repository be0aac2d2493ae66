// Specification: a Rollout naming routing objects that are missing or incomplete gets an error naming the object
// and what is missing, and nothing is written — not even to the valid objects named before the bad one.
// @covers spec.strategy.canary.trafficRouting.istio.virtualServices
// @covers spec.strategy.canary.trafficRouting.istio.virtualServices[].name
// @covers spec.strategy.canary.trafficRouting.istio.virtualServices[].routes
// @covers spec.strategy.canary.trafficRouting.gatewayAPI.httpRoutes[].rules
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TerminalError } from '../../src/errors.js';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { Kinds, type ResourceKind } from '../../src/kube/resource-kind.js';
import type { TrafficRouting } from '../../src/resources/rollout.js';
import type { HTTPRouteObject } from '../../src/traffic/gateway-api-router.js';
import type { VirtualServiceObject } from '../../src/traffic/istio-router.js';
import { routerFor } from '../../src/traffic/router-factory.js';
import type { TrafficRouter } from '../../src/traffic/traffic-router.js';
import { APP_MESH_ROUTING, CONTEXT, HEADER_ROUTE, apisixRoute, appMeshObjects, destinationRule, httpRoute, stableIngress, traefikService, virtualService } from './support/router-fixtures.js';
import { createRollout, openTrafficCluster, type TrafficCluster } from './support/traffic-cluster.js';

let cluster: TrafficCluster;

beforeAll(async () => {
  cluster = await openTrafficCluster();
});

afterAll(async () => {
  await cluster?.close();
});

async function routerIn(namespace: string, trafficRouting: TrafficRouting): Promise<TrafficRouter> {
  const router = routerFor(await createRollout(cluster.client, namespace, { trafficRouting }), cluster.deps);
  if (!router) throw new Error('no router');
  return router;
}

async function snapshot(namespace: string, objects: Array<[ResourceKind, string]>): Promise<string[]> {
  return Promise.all(objects.map(async ([kind, name]) => JSON.stringify(await cluster.client.get(kind, namespace, name))));
}

/** Expects `action` to fail with a TerminalError of `code` whose message has every fragment, writing nothing. */
async function expectRefused(action: () => Promise<unknown>, code: 'NotFound' | 'InvalidSpec', fragments: string[], namespace: string, objects: Array<[ResourceKind, string]>): Promise<void> {
  const before = await snapshot(namespace, objects);
  const writes = cluster.writer.writes.length;
  const error = await action().then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(TerminalError);
  expect((error as TerminalError).code).toBe(code);
  for (const fragment of fragments) expect((error as Error).message).toContain(fragment);
  expect(cluster.writer.writes.length).toBe(writes);
  expect(await snapshot(namespace, objects)).toEqual(before);
}

function withoutBackend(route: HTTPRouteObject, service: string): HTTPRouteObject {
  const rules = (route.spec?.rules ?? []).map((r) => ({ ...r, backendRefs: (r.backendRefs ?? []).filter((b) => b.name !== service) }));
  return { ...route, spec: { ...route.spec, rules } };
}

describe('given a Gateway API Rollout', () => {
  it('when its HTTPRoute does not exist, then setWeight says which route is missing', async () => {
    const ns = await cluster.namespace('gw-missing');
    const router = await routerIn(ns, { gatewayAPI: { httpRoutes: [{ name: 'web' }] } });
    await expectRefused(() => router.setWeight(10, CONTEXT), 'NotFound', [`HTTPRoute ${ns}/web not found`, `Rollout ${ns}/web`], ns, []);
  });

  it('when a named rule is absent, then the error names the route and the rule', async () => {
    const ns = await cluster.namespace('gw-rule');
    await cluster.client.create(Kinds.HTTPRoute, httpRoute(ns));
    const router = await routerIn(ns, { gatewayAPI: { httpRoutes: [{ name: 'web', rules: ['main', 'checkout'] }] } });
    await expectRefused(() => router.setWeight(10, CONTEXT), 'NotFound', [`HTTPRoute ${ns}/web has no rule named "checkout"`], ns, [[Kinds.HTTPRoute, 'web']]);
  });

  it('when the rule has no stable backendRef, then the error names the rule and the stable Service', async () => {
    const ns = await cluster.namespace('gw-stable');
    await cluster.client.create(Kinds.HTTPRoute, withoutBackend(httpRoute(ns), 'web-stable'));
    const router = await routerIn(ns, { gatewayAPI: { httpRoutes: [{ name: 'web', rules: ['main'] }] } });
    await expectRefused(() => router.setWeight(10, CONTEXT), 'NotFound', [`HTTPRoute ${ns}/web rule "main" has no backendRef to the stable Service "web-stable"`], ns, [[Kinds.HTTPRoute, 'web']]);
  });

  it('when the rules are not named and no rule references the stable Service, then the error says so', async () => {
    const ns = await cluster.namespace('gw-none');
    await cluster.client.create(Kinds.HTTPRoute, withoutBackend(httpRoute(ns), 'web-stable'));
    const router = await routerIn(ns, { gatewayAPI: { httpRoutes: [{ name: 'web' }] } });
    await expectRefused(() => router.setWeight(10, CONTEXT), 'NotFound', [`HTTPRoute ${ns}/web has no rule with a backendRef to the stable Service "web-stable"`], ns, [[Kinds.HTTPRoute, 'web']]);
  });

  it('when the second of two routes lacks the canary backendRef, then the first is not touched either', async () => {
    const ns = await cluster.namespace('gw-two');
    await cluster.client.create(Kinds.HTTPRoute, httpRoute(ns, 'first'));
    await cluster.client.create(Kinds.HTTPRoute, withoutBackend(httpRoute(ns, 'second'), 'web-canary'));
    const router = await routerIn(ns, { gatewayAPI: { httpRoutes: [{ name: 'first' }, { name: 'second' }] } });
    const objects: Array<[ResourceKind, string]> = [[Kinds.HTTPRoute, 'first'], [Kinds.HTTPRoute, 'second']];
    await expectRefused(() => router.setWeight(50, CONTEXT), 'NotFound', [`HTTPRoute ${ns}/second rule "main" has no backendRef to the canary Service "web-canary"`], ns, objects);
    await expectRefused(async () => router.setHeaderRoute?.(HEADER_ROUTE, CONTEXT), 'NotFound', [`HTTPRoute ${ns}/second`], ns, objects);
  });

  it('when a header route is asked of routes without useHeaderRoutes, then it is refused', async () => {
    const ns = await cluster.namespace('gw-header');
    await cluster.client.create(Kinds.HTTPRoute, httpRoute(ns));
    const router = await routerIn(ns, { gatewayAPI: { httpRoutes: [{ name: 'web' }] } });
    await expectRefused(async () => router.setHeaderRoute?.(HEADER_ROUTE, CONTEXT), 'InvalidSpec', ['useHeaderRoutes: true'], ns, [[Kinds.HTTPRoute, 'web']]);
  });

  it('when the weight is not a percent, then nothing is written', async () => {
    const ns = await cluster.namespace('gw-percent');
    await cluster.client.create(Kinds.HTTPRoute, httpRoute(ns));
    const router = await routerIn(ns, { gatewayAPI: { httpRoutes: [{ name: 'web' }] } });
    await expectRefused(() => router.setWeight(101, CONTEXT), 'InvalidSpec', ['canary weight 101'], ns, [[Kinds.HTTPRoute, 'web']]);
  });
});

describe('given an Istio Rollout', () => {
  const subsets = { name: 'web', stableSubsetName: 'stable', canarySubsetName: 'canary' };

  it('when the VirtualService does not exist, then the error names it', async () => {
    const ns = await cluster.namespace('istio-missing');
    const router = await routerIn(ns, { istio: { virtualService: { name: 'web' } } });
    await expectRefused(() => router.setWeight(10, CONTEXT), 'NotFound', [`VirtualService ${ns}/web not found`], ns, []);
  });

  it('when a named http route is absent, then the error names the VirtualService and the route', async () => {
    const ns = await cluster.namespace('istio-route');
    await cluster.client.create(Kinds.VirtualService, virtualService(ns, [{ host: 'web-stable' }, { host: 'web-canary' }]));
    const router = await routerIn(ns, { istio: { virtualService: { name: 'web', routes: ['secondary'] } } });
    await expectRefused(() => router.setWeight(10, CONTEXT), 'NotFound', [`VirtualService ${ns}/web has no http route named "secondary"`], ns, [[Kinds.VirtualService, 'web']]);
  });

  it('when the stable destination is absent, then the error names the route and the stable host', async () => {
    const ns = await cluster.namespace('istio-stable');
    await cluster.client.create(Kinds.VirtualService, virtualService(ns, [{ host: 'web-old' }, { host: 'web-canary' }]));
    const router = await routerIn(ns, { istio: { virtualService: { name: 'web', routes: ['primary'] } } });
    await expectRefused(() => router.setWeight(10, CONTEXT), 'NotFound', [`VirtualService ${ns}/web http route "primary" has no destination to the stable host "web-stable"`], ns, [[Kinds.VirtualService, 'web']]);
  });

  it('when the DestinationRule lacks the canary subset, then neither it nor the VirtualService is written', async () => {
    const ns = await cluster.namespace('istio-subset');
    const dr = destinationRule(ns);
    dr.spec = { ...dr.spec, subsets: (dr.spec?.subsets ?? []).filter((s) => s.name !== 'canary') };
    await cluster.client.create(Kinds.DestinationRule, dr);
    await cluster.client.create(Kinds.VirtualService, virtualService(ns, [{ host: 'web', subset: 'stable' }, { host: 'web', subset: 'canary' }]));
    const router = await routerIn(ns, { istio: { virtualService: { name: 'web' }, destinationRule: subsets } });
    const objects: Array<[ResourceKind, string]> = [[Kinds.DestinationRule, 'web'], [Kinds.VirtualService, 'web']];
    await expectRefused(() => router.setWeight(10, CONTEXT), 'NotFound', [`DestinationRule ${ns}/web has no subset named "canary"`], ns, objects);
  });

  it('when the second of two VirtualServices lacks the canary destination, then the DestinationRule and the first are not touched', async () => {
    const ns = await cluster.namespace('istio-two');
    await cluster.client.create(Kinds.DestinationRule, destinationRule(ns));
    await cluster.client.create(Kinds.VirtualService, virtualService(ns, [{ host: 'web', subset: 'stable' }, { host: 'web', subset: 'canary' }], 'first'));
    await cluster.client.create(Kinds.VirtualService, virtualService(ns, [{ host: 'web', subset: 'stable' }, { host: 'other', subset: 'canary' }], 'second'));
    const router = await routerIn(ns, { istio: { virtualServices: [{ name: 'first' }, { name: 'second' }], destinationRule: subsets } });
    const objects: Array<[ResourceKind, string]> = [[Kinds.DestinationRule, 'web'], [Kinds.VirtualService, 'first'], [Kinds.VirtualService, 'second']];
    await expectRefused(() => router.setWeight(10, CONTEXT), 'NotFound', [`VirtualService ${ns}/second http route "primary" has no destination to the canary subset "canary"`], ns, objects);
  });
});

describe('given an NGINX Rollout', () => {
  it('when the stable Ingress does not exist, then the error names it and no canary Ingress is made', async () => {
    const ns = await cluster.namespace('nginx-missing');
    const router = await routerIn(ns, { nginx: { stableIngress: 'web' } });
    await expectRefused(() => router.setWeight(10, CONTEXT), 'NotFound', [`Ingress ${ns}/web not found`], ns, [[Kinds.Ingress, 'web-web-canary']]);
  });

  it('when the stable Ingress has no backend to the stable Service, then the error says so', async () => {
    const ns = await cluster.namespace('nginx-backend');
    const ingress = stableIngress(ns);
    const path = ingress.spec?.rules?.[0]?.http?.paths[0];
    if (path) path.backend = { service: { name: 'other', port: { number: 80 } } };
    await cluster.client.create(Kinds.Ingress, ingress);
    const router = await routerIn(ns, { nginx: { stableIngress: 'web' } });
    await expectRefused(() => router.setWeight(10, CONTEXT), 'NotFound', [`Ingress ${ns}/web has no backend to the stable Service "web-stable"`], ns, [[Kinds.Ingress, 'web'], [Kinds.Ingress, 'web-web-canary']]);
  });

  it('when a header route matches two headers, then it is refused (NGINX canaries match one)', async () => {
    const ns = await cluster.namespace('nginx-header');
    await cluster.client.create(Kinds.Ingress, stableIngress(ns));
    const router = await routerIn(ns, { nginx: { stableIngress: 'web' } });
    const twoHeaders = { name: 'two', match: [...HEADER_ROUTE.match, { headerName: 'x-user', headerValue: { exact: 'me' } }] };
    await expectRefused(async () => router.setHeaderRoute?.(twoHeaders, CONTEXT), 'InvalidSpec', ['must match exactly one header'], ns, [[Kinds.Ingress, 'web-web-canary']]);
  });
});

describe('given an APISIX Rollout', () => {
  it('when its ApisixRoute does not exist, then setWeight says which route is missing', async () => {
    const ns = await cluster.namespace('apisix-missing');
    const router = await routerIn(ns, { apisix: { route: { name: 'web', rules: ['main'] } } });
    await expectRefused(() => router.setWeight(10, CONTEXT), 'NotFound', [`ApisixRoute ${ns}/web not found`, `Rollout ${ns}/web`], ns, []);
  });

  it('when rules are not given and no http rule is named like the ApisixRoute, then the error says which rule Vane looked for and why', async () => {
    const ns = await cluster.namespace('apisix-default-rule');
    await cluster.client.create(Kinds.ApisixRoute, apisixRoute(ns));
    const router = await routerIn(ns, { apisix: { route: { name: 'web' } } });
    await expectRefused(() => router.setWeight(10, CONTEXT), 'NotFound', [`ApisixRoute ${ns}/web has no http rule named "web"`, 'the rule named like the ApisixRoute'], ns, [[Kinds.ApisixRoute, 'web']]);
  });

  it('when the second named rule lacks the canary backend, then nothing is written to the first either', async () => {
    const ns = await cluster.namespace('apisix-backend');
    const route = apisixRoute(ns);
    const main = route.spec?.http?.[0];
    if (main) route.spec?.http?.push({ ...main, name: 'api', backends: main.backends?.filter((b) => b.serviceName !== 'web-canary') ?? [] });
    await cluster.client.create(Kinds.ApisixRoute, route);
    const router = await routerIn(ns, { apisix: { route: { name: 'web', rules: ['main', 'api'] } } });
    await expectRefused(() => router.setWeight(10, CONTEXT), 'NotFound', [`ApisixRoute ${ns}/web http rule "api" has no backend to the canary Service "web-canary"`], ns, [[Kinds.ApisixRoute, 'web']]);
    await expectRefused(async () => router.setHeaderRoute?.(HEADER_ROUTE, CONTEXT), 'NotFound', [`http rule "api"`], ns, [[Kinds.ApisixRoute, 'web'], [Kinds.ApisixRoute, HEADER_ROUTE.name]]);
  });
});

describe('given an App Mesh Rollout', () => {
  async function seed(ns: string, change: (objects: ReturnType<typeof appMeshObjects>) => void = () => undefined): Promise<void> {
    const objects = appMeshObjects(ns);
    change(objects);
    for (const { kind, object } of objects) await cluster.client.create(kind, object);
  }
  const meshObjects: Array<[ResourceKind, string]> = [[Kinds.VirtualRouter, 'web-router'], [Kinds.VirtualNode, 'web-vn-stable'], [Kinds.VirtualNode, 'web-vn-canary']];

  it('when the App Mesh VirtualService does not exist, then the error names it as App Mesh\'s', async () => {
    const ns = await cluster.namespace('mesh-missing');
    const router = await routerIn(ns, APP_MESH_ROUTING);
    await expectRefused(() => router.setWeight(10, CONTEXT), 'NotFound', [`App Mesh VirtualService ${ns}/web not found`], ns, []);
  });

  it('when the VirtualService is provided by a VirtualNode, not a VirtualRouter, then the error says a VirtualRouter is needed', async () => {
    const ns = await cluster.namespace('mesh-provider');
    await seed(ns, (objects) => {
      const vs = objects.find((o) => o.kind === Kinds.AppMeshVirtualService)?.object as KubeObject & { spec: unknown };
      vs.spec = { provider: { virtualNode: { virtualNodeRef: { name: 'web-vn-stable' } } } };
    });
    const router = await routerIn(ns, APP_MESH_ROUTING);
    await expectRefused(() => router.setWeight(10, CONTEXT), 'NotFound', [`App Mesh VirtualService ${ns}/web is not provided by a VirtualRouter`], ns, meshObjects);
  });

  it('when a named route is absent, then the error names the VirtualRouter and the route, and no VirtualNode is pinned', async () => {
    const ns = await cluster.namespace('mesh-route');
    await seed(ns);
    const router = await routerIn(ns, { appMesh: { ...APP_MESH_ROUTING.appMesh!, virtualService: { name: 'web', routes: ['primary', 'secondary'] } } });
    await expectRefused(() => router.setWeight(10, CONTEXT), 'NotFound', [`App Mesh VirtualRouter ${ns}/web-router has no route named "secondary"`], ns, meshObjects);
  });

  it('when the canary VirtualNode does not exist, then the error names it and the router keeps its weights', async () => {
    const ns = await cluster.namespace('mesh-node');
    await seed(ns, (objects) => objects.splice(objects.findIndex((o) => o.object.metadata.name === 'web-vn-canary'), 1));
    const router = await routerIn(ns, APP_MESH_ROUTING);
    await expectRefused(() => router.setWeight(10, CONTEXT), 'NotFound', [`App Mesh VirtualNode ${ns}/web-vn-canary not found`], ns, [[Kinds.VirtualRouter, 'web-router'], [Kinds.VirtualNode, 'web-vn-stable']]);
  });
});

describe('given a Traefik Rollout', () => {
  it('when the TraefikService exists under neither API group, then the error names both', async () => {
    const ns = await cluster.namespace('traefik-missing');
    const router = await routerIn(ns, { traefik: { weightedTraefikServiceName: 'web-wrr' } });
    await expectRefused(() => router.setWeight(10, CONTEXT), 'NotFound', [`TraefikService ${ns}/web-wrr not found as traefik.io/v1alpha1 or traefik.containo.us/v1alpha1`], ns, []);
  });

  it('when the TraefikService is not a weighted round robin, then the error says so', async () => {
    const ns = await cluster.namespace('traefik-kind');
    await cluster.client.create(Kinds.TraefikService, { ...traefikService(ns), spec: { mirroring: { name: 'web-stable', port: 80, mirrors: [{ name: 'web-canary', port: 80, percent: 10 }] } } });
    const router = await routerIn(ns, { traefik: { weightedTraefikServiceName: 'web-wrr' } });
    await expectRefused(() => router.setWeight(10, CONTEXT), 'NotFound', [`TraefikService ${ns}/web-wrr has no spec.weighted.services`], ns, [[Kinds.TraefikService, 'web-wrr']]);
  });

  it('when the canary Service is not among the weighted services, then the error names it', async () => {
    const ns = await cluster.namespace('traefik-canary');
    const wrr = traefikService(ns);
    wrr.spec = { weighted: { services: [{ name: 'web-stable', port: 80 }] } };
    await cluster.client.create(Kinds.TraefikService, wrr);
    const router = await routerIn(ns, { traefik: { weightedTraefikServiceName: 'web-wrr' } });
    await expectRefused(() => router.setWeight(10, CONTEXT), 'NotFound', [`TraefikService ${ns}/web-wrr has no weighted service for the canary Service "web-canary"`], ns, [[Kinds.TraefikService, 'web-wrr']]);
  });
});

describe('given an object of the same name that Vane does not own', () => {
  it('when an SMI Rollout would create its TrafficSplit, then it refuses to take it over', async () => {
    const ns = await cluster.namespace('smi-taken');
    const foreign: KubeObject = { apiVersion: 'split.smi-spec.io/v1alpha4', kind: 'TrafficSplit', metadata: { name: 'web', namespace: ns }, spec: { service: 'web', backends: [{ service: 'web-stable', weight: 100 }] } };
    await cluster.client.create(Kinds.TrafficSplit, foreign);
    const router = await routerIn(ns, { smi: {} });
    await expectRefused(() => router.setWeight(10, CONTEXT), 'InvalidSpec', [`TrafficSplit ${ns}/web exists and is not owned by Rollout ${ns}/web`], ns, [[Kinds.TrafficSplit, 'web']]);
    await router.finalize();
    expect(await cluster.client.get(Kinds.TrafficSplit, ns, 'web')).toBeDefined();
  });

  it('when an APISIX header route would take the name of an ApisixRoute Vane did not create, then it refuses to take it over', async () => {
    const ns = await cluster.namespace('apisix-taken');
    await cluster.client.create(Kinds.ApisixRoute, apisixRoute(ns));
    await cluster.client.create(Kinds.ApisixRoute, apisixRoute(ns, HEADER_ROUTE.name));
    const router = await routerIn(ns, { apisix: { route: { name: 'web', rules: ['main'] } } });
    await expectRefused(async () => router.setHeaderRoute?.(HEADER_ROUTE, CONTEXT), 'InvalidSpec', [`ApisixRoute ${ns}/${HEADER_ROUTE.name} exists and is not owned by Rollout ${ns}/web`], ns, [[Kinds.ApisixRoute, HEADER_ROUTE.name]]);
    await router.removeHeaderRoute?.(HEADER_ROUTE.name).catch(() => undefined);
    expect(await cluster.client.get(Kinds.ApisixRoute, ns, HEADER_ROUTE.name)).toBeDefined();
  });

  it('when an NGINX Rollout finds a canary Ingress it did not create, then it refuses to take it over', async () => {
    const ns = await cluster.namespace('nginx-taken');
    await cluster.client.create(Kinds.Ingress, stableIngress(ns));
    await cluster.client.create(Kinds.Ingress, stableIngress(ns, 'web-web-canary'));
    const router = await routerIn(ns, { nginx: { stableIngress: 'web' } });
    await expectRefused(() => router.setWeight(10, CONTEXT), 'InvalidSpec', [`Ingress ${ns}/web-web-canary exists and is not owned by Rollout ${ns}/web`], ns, [[Kinds.Ingress, 'web-web-canary']]);
  });
});

describe('given a concurrent edit between the read and the write', () => {
  it('when the backendRefs moved, then the guarded patch is refused as a Conflict and the other writer wins', async () => {
    const ns = await cluster.namespace('gw-race');
    await cluster.client.create(Kinds.HTTPRoute, httpRoute(ns));
    const racing = {
      ...cluster.deps,
      reader: {
        ...cluster.deps.reader,
        get: async <T extends KubeObject>(kind: ResourceKind, namespace: string | undefined, name: string): Promise<T | undefined> => {
          const read = await cluster.client.get<T>(kind, namespace, name);
          // Someone reorders the backendRefs right after Vane read the route.
          await cluster.client.patch(Kinds.HTTPRoute, ns, 'web', [{ op: 'move', from: '/spec/rules/0/backendRefs/1', path: '/spec/rules/0/backendRefs/0' }], 'json');
          return read;
        },
        list: cluster.deps.reader.list.bind(cluster.deps.reader),
      },
    };
    const rollout = await createRollout(cluster.client, ns, { trafficRouting: { gatewayAPI: { httpRoutes: [{ name: 'web' }] } } });
    const router = routerFor(rollout, racing) as TrafficRouter;
    await expect(router.setWeight(10, CONTEXT)).rejects.toMatchObject({ code: 'Conflict', message: expect.stringContaining(`HTTPRoute ${ns}/web changed while Vane was writing it`) });
    const live = (await cluster.client.get<HTTPRouteObject>(Kinds.HTTPRoute, ns, 'web')) as HTTPRouteObject;
    expect(live.spec?.rules?.[0]?.backendRefs?.map((b) => [b.name, b.weight])).toEqual([['web-canary', 0], ['web-stable', 100]]);
  });

  it('given a VirtualService whose guarded destination changed, then istio also refuses rather than writing the wrong weight', async () => {
    const ns = await cluster.namespace('istio-race');
    await cluster.client.create(Kinds.VirtualService, virtualService(ns, [{ host: 'web-stable' }, { host: 'web-canary' }]));
    const racing = {
      ...cluster.deps,
      reader: {
        get: async <T extends KubeObject>(kind: ResourceKind, namespace: string | undefined, name: string): Promise<T | undefined> => {
          const read = await cluster.client.get<T>(kind, namespace, name);
          await cluster.client.patch(Kinds.VirtualService, ns, 'web', [{ op: 'replace', path: '/spec/http/0/route/1/destination/host', value: 'web-other' }], 'json');
          return read;
        },
        list: cluster.deps.reader.list.bind(cluster.deps.reader),
      },
    };
    const router = routerFor(await createRollout(cluster.client, ns, { trafficRouting: { istio: { virtualService: { name: 'web' } } } }), racing) as TrafficRouter;
    await expect(router.setWeight(10, CONTEXT)).rejects.toMatchObject({ code: 'Conflict' });
    const live = (await cluster.client.get<VirtualServiceObject>(Kinds.VirtualService, ns, 'web')) as VirtualServiceObject;
    expect(live.spec?.http?.[0]?.route?.map((d) => d.weight)).toEqual([100, 0]);
  });
});
