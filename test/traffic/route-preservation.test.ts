// Specification: a full rollout changes only the fields Vane owns in the user's routing objects; the rest stays byte for byte.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { Kinds, type ResourceKind } from '../../src/kube/resource-kind.js';
import { POD_TEMPLATE_HASH_LABEL } from '../../src/resources/pod-template-hash.js';
import type { TrafficRouting } from '../../src/resources/rollout.js';
import type { HTTPRouteObject } from '../../src/traffic/gateway-api-router.js';
import type { DestinationRuleObject, VirtualServiceObject } from '../../src/traffic/istio-router.js';
import type { IngressObject } from '../../src/traffic/nginx-router.js';
import { routerFor } from '../../src/traffic/router-factory.js';
import type { TrafficRouter } from '../../src/traffic/traffic-router.js';
import { APP_MESH_ROUTING, CONTEXT, HEADER_ROUTE, appMeshObjects, stableIngress } from './support/router-fixtures.js';
import { createRollout, openTrafficCluster, type TrafficCluster } from './support/traffic-cluster.js';

let cluster: TrafficCluster;

beforeAll(async () => {
  cluster = await openTrafficCluster();
});

afterAll(async () => {
  await cluster?.close();
});

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function busyRoute(namespace: string): HTTPRouteObject {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: 'web', namespace, labels: { app: 'web' }, annotations: { team: 'web', 'example.com/note': 'keep me' } },
    spec: {
      parentRefs: [{ name: 'public', namespace: 'infra', sectionName: 'https' }],
      hostnames: ['web.example.com', 'www.example.com'],
      rules: [
        {
          name: 'api',
          matches: [{ path: { type: 'PathPrefix', value: '/api' } }],
          filters: [{ type: 'RequestHeaderModifier', requestHeaderModifier: { add: [{ name: 'x-api', value: '1' }] } }],
          backendRefs: [{ name: 'api', port: 8080, weight: 1 }],
          timeouts: { request: '5s' },
        },
        {
          name: 'main',
          matches: [{ path: { type: 'PathPrefix', value: '/' }, headers: [{ name: 'x-region', value: 'eu' }] }],
          filters: [{ type: 'ResponseHeaderModifier', responseHeaderModifier: { set: [{ name: 'x-served-by', value: 'web' }] } }],
          backendRefs: [
            { name: 'web-stable', port: 80, weight: 100 },
            { name: 'web-legacy', port: 80, weight: 0 },
            { name: 'web-canary', port: 80, weight: 0 },
          ],
          timeouts: { request: '10s', backendRequest: '2s' },
        },
        { name: 'static', matches: [{ path: { type: 'PathPrefix', value: '/static' } }], backendRefs: [{ name: 'web-stable', port: 80 }] },
      ],
    },
  };
}

function busyVirtualService(namespace: string): VirtualServiceObject {
  return {
    apiVersion: 'networking.istio.io/v1alpha3',
    kind: 'VirtualService',
    metadata: { name: 'web', namespace, annotations: { team: 'web' } },
    spec: {
      hosts: ['web.example.com'],
      gateways: ['infra/public', 'mesh'],
      http: [
        { name: 'api', match: [{ uri: { prefix: '/api' } }], route: [{ destination: { host: 'api', port: { number: 8080 } } }], timeout: '5s', retries: { attempts: 3, perTryTimeout: '2s' } },
        {
          name: 'primary',
          match: [{ uri: { prefix: '/' } }],
          headers: { request: { set: { 'x-served-by': 'web' } } },
          route: [
            { destination: { host: 'web', subset: 'stable', port: { number: 80 } }, weight: 100 },
            { destination: { host: 'web', subset: 'canary', port: { number: 80 } }, weight: 0 },
          ],
          timeout: '10s',
        },
      ],
      tcp: [{ match: [{ port: 5432 }], route: [{ destination: { host: 'db' } }] }],
    },
  };
}

function busyDestinationRule(namespace: string): DestinationRuleObject {
  return {
    apiVersion: 'networking.istio.io/v1alpha3',
    kind: 'DestinationRule',
    metadata: { name: 'web', namespace },
    spec: {
      host: 'web',
      trafficPolicy: { loadBalancer: { simple: 'LEAST_CONN' }, connectionPool: { tcp: { maxConnections: 100 } } },
      subsets: [
        { name: 'legacy', labels: { app: 'web', track: 'legacy' } },
        { name: 'stable', labels: { app: 'web' }, trafficPolicy: { loadBalancer: { simple: 'ROUND_ROBIN' } } },
        { name: 'canary', labels: { app: 'web' } },
      ],
    },
  };
}

/** The object without server bookkeeping and without the fields Vane owns, as a canonical JSON text. */
function userFields(obj: KubeObject, strip: (copy: Json) => void): string {
  const copy = JSON.parse(JSON.stringify(obj)) as Json;
  delete copy.metadata.resourceVersion;
  delete copy.metadata.generation;
  delete copy.metadata.managedFields;
  strip(copy);
  return JSON.stringify(copy);
}

function stripRoute(route: Json): void {
  route.spec.rules = route.spec.rules.filter((r: Json) => !String(r.name ?? '').startsWith('vane-'));
  for (const ref of route.spec.rules.find((r: Json) => r.name === 'main').backendRefs) {
    if (ref.name === 'web-stable' || ref.name === 'web-canary') delete ref.weight;
  }
}

function stripVirtualService(vs: Json): void {
  vs.spec.http = vs.spec.http.filter((r: Json) => !String(r.name ?? '').startsWith('vane-'));
  for (const d of vs.spec.http.find((r: Json) => r.name === 'primary').route) delete d.weight;
}

function stripDestinationRule(dr: Json): void {
  for (const subset of dr.spec.subsets) {
    if (subset.name === 'stable' || subset.name === 'canary') delete subset.labels[POD_TEMPLATE_HASH_LABEL];
  }
}

interface Watched {
  kind: ResourceKind;
  name: string;
  strip: (copy: Json) => void;
}

/** Walks 10 (with a header route) → 50 → 100 → reset → finalize, checking the user's fields after every step. */
async function walk(router: TrafficRouter, namespace: string, watched: Watched[]): Promise<Map<string, KubeObject>> {
  const before = new Map<string, KubeObject>();
  for (const w of watched) before.set(w.name + w.kind.kind, (await cluster.client.get(w.kind, namespace, w.name)) as KubeObject);
  const steps: Array<() => Promise<void>> = [
    () => router.setWeight(10, CONTEXT),
    async () => router.setHeaderRoute?.(HEADER_ROUTE, CONTEXT),
    () => router.setWeight(50, CONTEXT),
    () => router.setWeight(100, CONTEXT),
    () => router.reset(CONTEXT),
    () => router.finalize(),
  ];
  for (const step of steps) {
    await step();
    for (const w of watched) {
      const original = before.get(w.name + w.kind.kind) as KubeObject;
      const live = (await cluster.client.get(w.kind, namespace, w.name)) as KubeObject;
      expect(userFields(live, w.strip)).toBe(userFields(original, w.strip));
      expect(JSON.parse(userFields(live, w.strip))).toEqual(JSON.parse(userFields(original, w.strip)));
    }
  }
  return before;
}

async function routerIn(namespace: string, trafficRouting: TrafficRouting): Promise<TrafficRouter> {
  const router = routerFor(await createRollout(cluster.client, namespace, { trafficRouting }), cluster.deps);
  if (!router) throw new Error('no router');
  return router;
}

describe('given routing objects full of fields Vane does not own', () => {
  it('when a Gateway API canary walks 10 → 50 → 100 → reset → finalize, then every other field of the HTTPRoute is unchanged, and at the end the spec is as before', async () => {
    const namespace = await cluster.namespace('keep-gw');
    await cluster.client.create(Kinds.HTTPRoute, busyRoute(namespace));
    const router = await routerIn(namespace, { gatewayAPI: { httpRoutes: [{ name: 'web', rules: ['main'], useHeaderRoutes: true }] } });
    const before = await walk(router, namespace, [{ kind: Kinds.HTTPRoute, name: 'web', strip: stripRoute }]);
    const after = (await cluster.client.get<HTTPRouteObject>(Kinds.HTTPRoute, namespace, 'web')) as HTTPRouteObject;
    expect(JSON.stringify(after.spec)).toBe(JSON.stringify(before.get('webHTTPRoute')?.['spec']));
    expect(after.metadata.annotations).toEqual({ team: 'web', 'example.com/note': 'keep me' });
  });

  it('when the rules are not named, then every rule holding the stable backend is split and the others are left alone', async () => {
    const namespace = await cluster.namespace('keep-gw-all');
    const route = busyRoute(namespace);
    const rules = route.spec?.rules ?? [];
    rules[2] = { ...rules[2], backendRefs: [{ name: 'web-stable', port: 80 }, { name: 'web-canary', port: 80, weight: 0 }] };
    await cluster.client.create(Kinds.HTTPRoute, route);
    const router = await routerIn(namespace, { gatewayAPI: { httpRoutes: [{ name: 'web' }] } });
    await router.setWeight(30, CONTEXT);
    const live = (await cluster.client.get<HTTPRouteObject>(Kinds.HTTPRoute, namespace, 'web')) as HTTPRouteObject;
    const weights = (rule: string): Array<[string, number | undefined]> => (live.spec?.rules?.find((r) => r.name === rule)?.backendRefs ?? []).map((b) => [b.name, b.weight]);
    expect(weights('main')).toEqual([['web-stable', 70], ['web-legacy', 0], ['web-canary', 30]]);
    expect(weights('static')).toEqual([['web-stable', 70], ['web-canary', 30]]);
    expect(weights('api')).toEqual([['api', 1]]);
    expect(await router.getWeight()).toBe(30);
  });

  it('when an Istio subset canary walks 10 → 50 → 100 → reset → finalize, then the VirtualService and DestinationRule keep every other field', async () => {
    const namespace = await cluster.namespace('keep-istio');
    await cluster.client.create(Kinds.DestinationRule, busyDestinationRule(namespace));
    await cluster.client.create(Kinds.VirtualService, busyVirtualService(namespace));
    const router = await routerIn(namespace, { istio: { virtualService: { name: 'web', routes: ['primary'] }, destinationRule: { name: 'web', stableSubsetName: 'stable', canarySubsetName: 'canary' } } });
    const before = await walk(router, namespace, [
      { kind: Kinds.VirtualService, name: 'web', strip: stripVirtualService },
      { kind: Kinds.DestinationRule, name: 'web', strip: stripDestinationRule },
    ]);
    const vs = (await cluster.client.get<VirtualServiceObject>(Kinds.VirtualService, namespace, 'web')) as VirtualServiceObject;
    expect(JSON.stringify(vs.spec)).toBe(JSON.stringify(before.get('webVirtualService')?.['spec']));
  });

  it('when an APISIX canary walks 10 → 50 → 100 → reset → finalize, then every other field of the ApisixRoute is unchanged', async () => {
    const namespace = await cluster.namespace('keep-apisix');
    await cluster.client.create(Kinds.ApisixRoute, {
      apiVersion: 'apisix.apache.org/v2',
      kind: 'ApisixRoute',
      metadata: { name: 'web', namespace, annotations: { team: 'web' } },
      spec: {
        ingressClassName: 'apisix',
        http: [
          { name: 'api', match: { paths: ['/api/*'] }, backends: [{ serviceName: 'api', servicePort: 8080 }], timeout: { read: '5s' } },
          {
            name: 'main',
            priority: 2,
            match: { paths: ['/*'], hosts: ['web.example.com'], exprs: [{ subject: { scope: 'Header', name: 'x-region' }, op: 'Equal', value: 'eu' }] },
            plugins: [{ name: 'proxy-rewrite', enable: true, config: { headers: { 'x-served-by': 'web' } } }],
            backends: [{ serviceName: 'web-stable', servicePort: 80, resolveGranularity: 'service' }, { serviceName: 'web-legacy', servicePort: 80, weight: 0 }, { serviceName: 'web-canary', servicePort: 80 }],
            websocket: true,
          },
        ],
      },
    } as KubeObject);
    const router = await routerIn(namespace, { apisix: { route: { name: 'web', rules: ['main'] } } });
    const strip = (route: Json): void => {
      for (const b of route.spec.http.find((r: Json) => r.name === 'main').backends) if (b.serviceName !== 'web-legacy') delete b.weight;
    };
    await walk(router, namespace, [{ kind: Kinds.ApisixRoute, name: 'web', strip }]);
  });

  it('when an APISIX header route is set, then its ApisixRoute keeps the rule\'s other matches and plugins, narrows by the header and outranks the weighted rule', async () => {
    const namespace = await cluster.namespace('keep-apisix-header');
    await cluster.client.create(Kinds.ApisixRoute, {
      apiVersion: 'apisix.apache.org/v2',
      kind: 'ApisixRoute',
      metadata: { name: 'web', namespace, annotations: { 'kubernetes.io/ingress.class': 'apisix', team: 'web' } },
      spec: {
        http: [
          { name: 'api', match: { paths: ['/api/*'] }, backends: [{ serviceName: 'api', servicePort: 8080 }] },
          {
            name: 'main',
            priority: 2,
            match: { paths: ['/*'], exprs: [{ subject: { scope: 'Header', name: 'x-region' }, op: 'Equal', value: 'eu' }, { subject: { scope: 'Header', name: 'X-Canary' }, op: 'Equal', value: 'old' }] },
            plugins: [{ name: 'proxy-rewrite', enable: true, config: { headers: { 'x-served-by': 'web' } } }],
            backends: [{ serviceName: 'web-stable', servicePort: 80 }, { serviceName: 'web-canary', servicePort: 80 }],
            upstreams: [{ name: 'legacy', weight: 1 }],
          },
        ],
      },
    } as KubeObject);
    const router = await routerIn(namespace, { apisix: { route: { name: 'web', rules: ['main'] } } });
    await router.setHeaderRoute?.({ name: 'testers', match: [{ headerName: 'x-canary', headerValue: { prefix: 'team.' } }] }, CONTEXT);
    const header = (await cluster.client.get<KubeObject & { spec: Json }>(Kinds.ApisixRoute, namespace, 'testers')) as KubeObject & { spec: Json };
    expect(header.metadata.annotations).toEqual({ 'kubernetes.io/ingress.class': 'apisix' });
    expect(header.spec).toEqual({
      http: [
        {
          name: 'main',
          priority: 3,
          match: {
            paths: ['/*'],
            exprs: [{ subject: { scope: 'Header', name: 'x-region' }, op: 'Equal', value: 'eu' }, { subject: { scope: 'Header', name: 'x-canary' }, op: 'RegexMatch', value: '^team\\..*' }],
          },
          plugins: [{ name: 'proxy-rewrite', enable: true, config: { headers: { 'x-served-by': 'web' } } }],
          backends: [{ serviceName: 'web-canary', servicePort: 80, weight: 100 }],
        },
      ],
    });
  });

  it('when an App Mesh canary walks 10 → 50 → 100 → reset → finalize, then the VirtualRouter and VirtualNodes keep every other field', async () => {
    const namespace = await cluster.namespace('keep-mesh');
    const objects = appMeshObjects(namespace, ['api', 'primary']);
    const router = objects.find((o) => o.kind === Kinds.VirtualRouter)?.object as KubeObject & { spec: Json };
    router.spec.routes[0].httpRoute.action.weightedTargets = [{ virtualNodeRef: { name: 'api' }, weight: 1 }];
    router.spec.routes[1].priority = 5;
    router.spec.routes[1].httpRoute.retryPolicy = { maxRetries: 2, perRetryTimeout: { unit: 'ms', value: 200 }, httpRetryEvents: ['server-error'] };
    router.spec.routes[1].httpRoute.action.weightedTargets.push({ virtualNodeRef: { name: 'web-vn-legacy' }, weight: 0 });
    router.spec.routes.push({ name: 'tcp', tcpRoute: { action: { weightedTargets: [{ virtualNodeRef: { name: 'db' }, weight: 1 }] } } });
    for (const { kind, object } of objects) await cluster.client.create(kind, object);
    const meshRouter = await routerIn(namespace, APP_MESH_ROUTING);
    const stripRouter = (vr: Json): void => {
      for (const t of vr.spec.routes[1].httpRoute.action.weightedTargets) if (t.virtualNodeRef.name !== 'web-vn-legacy') delete t.weight;
    };
    const stripNode = (vn: Json): void => void delete vn.spec.podSelector.matchLabels[POD_TEMPLATE_HASH_LABEL];
    await walk(meshRouter, namespace, [
      { kind: Kinds.VirtualRouter, name: 'web-router', strip: stripRouter },
      { kind: Kinds.VirtualNode, name: 'web-vn-stable', strip: stripNode },
      { kind: Kinds.VirtualNode, name: 'web-vn-canary', strip: stripNode },
    ]);
    expect(await meshRouter.getWeight()).toBe(0);
  });

  // @covers spec.strategy.canary.trafficRouting.appMesh.virtualService.routes
  it('when App Mesh routes are named, then only those routes are split though others target the stable VirtualNode too', async () => {
    const namespace = await cluster.namespace('keep-mesh-named');
    for (const { kind, object } of appMeshObjects(namespace, ['primary', 'secondary'])) await cluster.client.create(kind, object);
    const router = await routerIn(namespace, { appMesh: { ...APP_MESH_ROUTING.appMesh!, virtualService: { name: 'web', routes: ['secondary'] } } });
    await router.setWeight(40, CONTEXT);
    const live = (await cluster.client.get<KubeObject & { spec: Json }>(Kinds.VirtualRouter, namespace, 'web-router')) as KubeObject & { spec: Json };
    const weights = live.spec.routes.map((r: Json) => [r.name, r.httpRoute.action.weightedTargets.map((t: Json) => t.weight)]);
    expect(weights).toEqual([['primary', [0, 100]], ['secondary', [40, 60]]]);
  });

  it('when a Traefik canary walks 10 → 50 → 100 → reset → finalize, then the TraefikService keeps every other field', async () => {
    const namespace = await cluster.namespace('keep-traefik');
    await cluster.client.create(Kinds.TraefikService, {
      apiVersion: 'traefik.io/v1alpha1',
      kind: 'TraefikService',
      metadata: { name: 'web-wrr', namespace, labels: { app: 'web' } },
      spec: {
        weighted: {
          sticky: { cookie: { name: 'lvl1', secure: true } },
          services: [
            { name: 'web-canary', port: 80, passHostHeader: true },
            { name: 'web-mirror', kind: 'TraefikService', weight: 0 },
            { name: 'web-stable', port: 'http', responseForwarding: { flushInterval: '1ms' } },
          ],
        },
      },
    } as KubeObject);
    const router = await routerIn(namespace, { traefik: { weightedTraefikServiceName: 'web-wrr' } });
    const strip = (ts: Json): void => {
      for (const svc of ts.spec.weighted.services) if (svc.name !== 'web-mirror') delete svc.weight;
    };
    await walk(router, namespace, [{ kind: Kinds.TraefikService, name: 'web-wrr', strip }]);
  });

  it('when an NGINX canary walks 10 → 50 → 100 → reset → finalize, then the stable Ingress is never written', async () => {
    const namespace = await cluster.namespace('keep-nginx');
    const created = await cluster.client.create(Kinds.Ingress, stableIngress(namespace));
    const router = await routerIn(namespace, { nginx: { stableIngress: 'web' } });
    await walk(router, namespace, [{ kind: Kinds.Ingress, name: 'web', strip: () => undefined }]);
    const live = (await cluster.client.get<IngressObject>(Kinds.Ingress, namespace, 'web')) as IngressObject;
    expect(live.metadata.resourceVersion).toBe(created.metadata.resourceVersion);
  });
});
