// One fixture per provider for the router contract: the user's routing objects, the Rollout that names them, and
// independent readings of the live objects (never through the router under test).
import type { LiveReader } from '../../../src/kube/kube-client.js';
import type { KubeObject } from '../../../src/kube/kube-object.js';
import { Kinds, type ResourceKind } from '../../../src/kube/resource-kind.js';
import { POD_TEMPLATE_HASH_LABEL } from '../../../src/resources/pod-template-hash.js';
import type { CanaryStep, CanaryStrategy, TrafficRouting } from '../../../src/resources/rollout.js';
import type { ApisixRouteObject } from '../../../src/traffic/apisix-router.js';
import type { MeshVirtualServiceObject, VirtualNodeObject, VirtualRouterObject } from '../../../src/traffic/appmesh-router.js';
import { MANAGED_ALB_ANNOTATIONS, type ALBAction } from '../../../src/traffic/alb-router.js';
import type { MappingObject } from '../../../src/traffic/ambassador-router.js';
import type { HTTPRouteObject } from '../../../src/traffic/gateway-api-router.js';
import type { Destination, DestinationRuleObject, VirtualServiceObject } from '../../../src/traffic/istio-router.js';
import type { IngressObject } from '../../../src/traffic/nginx-router.js';
import { sameJson } from '../../../src/resources/canonical-json.js';
import { routerFor } from '../../../src/traffic/router-factory.js';
import type { TrafficSplitObject } from '../../../src/traffic/smi-router.js';
import type { TraefikServiceObject } from '../../../src/traffic/traefik-router.js';
import type { HeaderRoute, MirrorRoute, TrafficRouter, WeightContext } from '../../../src/traffic/traffic-router.js';
import { createRollout, type TrafficCluster } from './traffic-cluster.js';

export const CONTEXT: WeightContext = { canaryHash: '5b7c9d8f4', stableHash: '6d4f8c7b9' };

export const MIRROR_ROUTE: MirrorRoute = { name: 'mirror', percentage: 35, match: [{ method: { exact: 'GET' }, path: { prefix: '/' } }] };

export const HEADER_ROUTE: HeaderRoute = { name: 'testers', match: [{ headerName: 'x-canary', headerValue: { exact: 'yes' } }] };

export interface RouterFixture {
  name: string;
  headerRoutes: boolean;
  /** Offers setMirrorRoute for MIRROR_ROUTE (its Rollout lists it in managedRoutes). */
  mirrorRoutes?: boolean;
  /** What a weight alone leaves of Vane's objects (so, still there once a header route is removed); none if absent. */
  weightLeftovers?: string[];
  /** Creates the user's objects and the Rollout in `namespace`; returns the router the factory picks for it. */
  setup(cluster: TrafficCluster, namespace: string): Promise<TrafficRouter>;
  /** The canary percent at every place the weight lives, read straight from the live objects. */
  liveShares(reader: LiveReader, namespace: string): Promise<number[]>;
  headerRouted(reader: LiveReader, namespace: string): Promise<boolean>;
  /** What Vane added that must be gone after finalize. */
  leftovers(reader: LiveReader, namespace: string): Promise<string[]>;
  /** The live objects Vane wrote, by kind. */
  written(reader: LiveReader, namespace: string): Promise<Array<{ kind: ResourceKind; object: KubeObject }>>;
  /**
   * For routers that carry additional destinations: every weighted destination of the split as `stable`,
   * `canary` or the Service it names, with its weight (several places must agree, else an error).
   */
  liveDestinations?(reader: LiveReader, namespace: string): Promise<Record<string, number>>;
}

/** One reading from each place the split lives; they must all be the same. */
function agreedReading(readings: Array<Record<string, number>>): Record<string, number> {
  const first = readings[0] ?? {};
  if (readings.some((r) => !sameJson(r, first))) throw new Error(`places disagree: ${JSON.stringify(readings)}`);
  return first;
}

async function istioDestinations(reader: LiveReader, namespace: string, role: (d: Destination) => string): Promise<Record<string, number>> {
  const vs = await get<VirtualServiceObject>(reader, Kinds.VirtualService, namespace, 'web');
  const route = vs.spec?.http?.find((r) => r.name === 'primary')?.route ?? [];
  return Object.fromEntries(route.map((d) => [role(d.destination), d.weight ?? 0]));
}

async function get<T extends KubeObject>(reader: LiveReader, kind: ResourceKind, namespace: string, name: string): Promise<T> {
  const found = await reader.get<T>(kind, namespace, name);
  if (!found) throw new Error(`${kind.kind} ${namespace}/${name} missing`);
  return found;
}

function percent(stable: number | undefined, canary: number | undefined): number {
  return Math.round(((canary ?? 0) * 100) / ((stable ?? 0) + (canary ?? 0)));
}

async function withRollout(cluster: TrafficCluster, namespace: string, trafficRouting: TrafficRouting, canary: Partial<CanaryStrategy> = {}): Promise<TrafficRouter> {
  const rollout = await createRollout(cluster.client, namespace, { trafficRouting, ...canary });
  const router = routerFor(rollout, cluster.deps);
  if (!router) throw new Error('routerFor returned no router for a routed Rollout');
  return router;
}

export function httpRoute(namespace: string, name = 'web'): HTTPRouteObject {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name, namespace },
    spec: {
      parentRefs: [{ name: 'public', namespace: 'infra' }],
      hostnames: ['web.example.com'],
      rules: [
        {
          name: 'main',
          matches: [{ path: { type: 'PathPrefix', value: '/' } }],
          backendRefs: [
            { name: 'web-stable', port: 80, weight: 100 },
            { name: 'web-canary', port: 80, weight: 0 },
          ],
        },
      ],
    },
  };
}

export const gatewayAPIFixture: RouterFixture = {
  name: 'gatewayAPI',
  headerRoutes: true,
  async setup(cluster, namespace) {
    await cluster.client.create(Kinds.HTTPRoute, httpRoute(namespace));
    return withRollout(cluster, namespace, { gatewayAPI: { httpRoutes: [{ name: 'web', rules: ['main'], useHeaderRoutes: true }] } });
  },
  async liveShares(reader, namespace) {
    const route = await get<HTTPRouteObject>(reader, Kinds.HTTPRoute, namespace, 'web');
    const rule = route.spec?.rules?.find((r) => r.name === 'main');
    const weight = (svc: string): number | undefined => rule?.backendRefs?.find((b) => b.name === svc)?.weight;
    return [percent(weight('web-stable'), weight('web-canary'))];
  },
  async headerRouted(reader, namespace) {
    const route = await get<HTTPRouteObject>(reader, Kinds.HTTPRoute, namespace, 'web');
    return (route.spec?.rules ?? []).some(
      (r) => r.backendRefs?.length === 1 && r.backendRefs[0]?.name === 'web-canary' && (r.matches ?? []).every((m) => m.headers?.some((h) => h.name === 'x-canary' && h.value === 'yes')),
    );
  },
  async leftovers(reader, namespace) {
    const route = await get<HTTPRouteObject>(reader, Kinds.HTTPRoute, namespace, 'web');
    return (route.spec?.rules ?? []).flatMap((r) => (r.name?.startsWith('vane-') ? [`rule ${r.name}`] : []));
  },
  async written(reader, namespace) {
    return [{ kind: Kinds.HTTPRoute, object: await get(reader, Kinds.HTTPRoute, namespace, 'web') }];
  },
};

export function virtualService(namespace: string, destinations: [Destination, Destination], name = 'web'): VirtualServiceObject {
  const [stable, canary] = destinations;
  return {
    apiVersion: 'networking.istio.io/v1alpha3',
    kind: 'VirtualService',
    metadata: { name, namespace },
    spec: {
      hosts: ['web.example.com'],
      gateways: ['infra/public'],
      http: [
        {
          name: 'primary',
          match: [{ uri: { prefix: '/' } }],
          route: [
            { destination: { ...stable, port: { number: 80 } }, weight: 100 },
            { destination: { ...canary, port: { number: 80 } }, weight: 0 },
          ],
        },
      ],
    },
  };
}

export function destinationRule(namespace: string): DestinationRuleObject {
  return {
    apiVersion: 'networking.istio.io/v1alpha3',
    kind: 'DestinationRule',
    metadata: { name: 'web', namespace },
    spec: {
      host: 'web',
      trafficPolicy: { loadBalancer: { simple: 'ROUND_ROBIN' } },
      subsets: [
        { name: 'stable', labels: { app: 'web' } },
        { name: 'canary', labels: { app: 'web' } },
      ],
    },
  };
}

async function istioShares(reader: LiveReader, namespace: string): Promise<number[]> {
  const vs = await get<VirtualServiceObject>(reader, Kinds.VirtualService, namespace, 'web');
  const route = vs.spec?.http?.find((r) => r.name === 'primary')?.route ?? [];
  return [percent(route[0]?.weight, route[1]?.weight)];
}

async function istioHeaderRouted(reader: LiveReader, namespace: string): Promise<boolean> {
  const vs = await get<VirtualServiceObject>(reader, Kinds.VirtualService, namespace, 'web');
  const first = vs.spec?.http?.[0];
  const headers = first?.match?.[0]?.['headers'] as Record<string, { exact?: string }> | undefined;
  return headers?.['x-canary']?.exact === 'yes' && first?.route?.length === 1;
}

async function istioLeftovers(reader: LiveReader, namespace: string): Promise<string[]> {
  const vs = await get<VirtualServiceObject>(reader, Kinds.VirtualService, namespace, 'web');
  return (vs.spec?.http ?? []).flatMap((r) => (r.name?.startsWith('vane-') ? [`http route ${r.name}`] : []));
}

export const istioHostFixture: RouterFixture = {
  name: 'istio (host split)',
  headerRoutes: true,
  async setup(cluster, namespace) {
    await cluster.client.create(Kinds.VirtualService, virtualService(namespace, [{ host: 'web-stable' }, { host: 'web-canary' }]));
    return withRollout(cluster, namespace, { istio: { virtualService: { name: 'web', routes: ['primary'] } } });
  },
  liveShares: istioShares,
  headerRouted: istioHeaderRouted,
  leftovers: istioLeftovers,
  async written(reader, namespace) {
    return [{ kind: Kinds.VirtualService, object: await get(reader, Kinds.VirtualService, namespace, 'web') }];
  },
  liveDestinations: (reader, namespace) => istioDestinations(reader, namespace, (d) => ({ 'web-stable': 'stable', 'web-canary': 'canary' })[d.host] ?? d.host),
};

export const istioSubsetFixture: RouterFixture = {
  name: 'istio (subset split)',
  headerRoutes: true,
  async setup(cluster, namespace) {
    await cluster.client.create(Kinds.DestinationRule, destinationRule(namespace));
    await cluster.client.create(Kinds.VirtualService, virtualService(namespace, [{ host: 'web', subset: 'stable' }, { host: 'web', subset: 'canary' }]));
    // Argo validation: subsets split one Service by pod hash, so no stableService/canaryService is needed.
    return withRollout(
      cluster,
      namespace,
      { istio: { virtualService: { name: 'web' }, destinationRule: { name: 'web', stableSubsetName: 'stable', canarySubsetName: 'canary' } } },
      { stableService: undefined, canaryService: undefined },
    );
  },
  async liveShares(reader, namespace) {
    const dr = await get<DestinationRuleObject>(reader, Kinds.DestinationRule, namespace, 'web');
    const pinned = (subset: string): string | undefined => dr.spec?.subsets?.find((s) => s.name === subset)?.labels?.[POD_TEMPLATE_HASH_LABEL];
    // A weight only means something once the subsets select the right pods.
    if (pinned('stable') !== CONTEXT.stableHash || pinned('canary') !== CONTEXT.canaryHash) return [Number.NaN];
    return istioShares(reader, namespace);
  },
  headerRouted: istioHeaderRouted,
  leftovers: istioLeftovers,
  async written(reader, namespace) {
    return [
      { kind: Kinds.VirtualService, object: await get(reader, Kinds.VirtualService, namespace, 'web') },
      { kind: Kinds.DestinationRule, object: await get(reader, Kinds.DestinationRule, namespace, 'web') },
    ];
  },
  liveDestinations: (reader, namespace) => istioDestinations(reader, namespace, (d) => (d.host === 'web' && d.subset !== undefined ? d.subset : d.host)),
};

/** Argo docs (managed routes): header and mirror routes carry their own names, above the split in list order. */
export const istioManagedFixture: RouterFixture = {
  name: 'istio (managed routes)',
  headerRoutes: true,
  mirrorRoutes: true,
  async setup(cluster, namespace) {
    await cluster.client.create(Kinds.VirtualService, virtualService(namespace, [{ host: 'web-stable' }, { host: 'web-canary' }]));
    return withRollout(cluster, namespace, { managedRoutes: [{ name: 'testers' }, { name: 'mirror' }], istio: { virtualService: { name: 'web', routes: ['primary'] } } });
  },
  liveShares: istioShares,
  headerRouted: istioHeaderRouted,
  async leftovers(reader, namespace) {
    const vs = await get<VirtualServiceObject>(reader, Kinds.VirtualService, namespace, 'web');
    return (vs.spec?.http ?? []).flatMap((r) => (r.name !== 'primary' ? [`http route ${r.name ?? '(unnamed)'}`] : []));
  },
  async written(reader, namespace) {
    return [{ kind: Kinds.VirtualService, object: await get(reader, Kinds.VirtualService, namespace, 'web') }];
  },  liveDestinations: (reader, namespace) => istioDestinations(reader, namespace, (d) => ({ 'web-stable': 'stable', 'web-canary': 'canary' })[d.host] ?? d.host),
};

/** Ping-pong without stableService/canaryService: before any promotion ping is stable and pong the canary. */
export const istioPingPongFixture: RouterFixture = {
  name: 'istio (ping-pong)',
  headerRoutes: true,
  async setup(cluster, namespace) {
    await cluster.client.create(Kinds.VirtualService, virtualService(namespace, [{ host: 'web-ping' }, { host: 'web-pong' }]));
    return withRollout(
      cluster,
      namespace,
      { istio: { virtualService: { name: 'web', routes: ['primary'] } } },
      { stableService: undefined, canaryService: undefined, pingPong: { pingService: 'web-ping', pongService: 'web-pong' } },
    );
  },
  liveShares: istioShares,
  headerRouted: istioHeaderRouted,
  leftovers: istioLeftovers,
  async written(reader, namespace) {
    return [{ kind: Kinds.VirtualService, object: await get(reader, Kinds.VirtualService, namespace, 'web') }];
  },
  liveDestinations: (reader, namespace) => istioDestinations(reader, namespace, (d) => ({ 'web-ping': 'stable', 'web-pong': 'canary' })[d.host] ?? d.host),
};

export const smiFixture: RouterFixture = {
  name: 'smi',
  headerRoutes: false,
  setup(cluster, namespace) {
    return withRollout(cluster, namespace, { smi: { rootService: 'web', trafficSplitName: 'web-split' } });
  },
  async liveShares(reader, namespace) {
    const split = await get<TrafficSplitObject>(reader, Kinds.TrafficSplit, namespace, 'web-split');
    const weight = (svc: string): number | undefined => split.spec.backends.find((b) => b.service === svc)?.weight;
    return [percent(weight('web-stable'), weight('web-canary'))];
  },
  headerRouted: () => Promise.resolve(false),
  async leftovers(reader, namespace) {
    return (await reader.get(Kinds.TrafficSplit, namespace, 'web-split')) ? ['TrafficSplit web-split'] : [];
  },
  async written(reader, namespace) {
    return [{ kind: Kinds.TrafficSplit, object: await get(reader, Kinds.TrafficSplit, namespace, 'web-split') }];
  },
  async liveDestinations(reader, namespace) {
    const split = await get<TrafficSplitObject>(reader, Kinds.TrafficSplit, namespace, 'web-split');
    return Object.fromEntries(split.spec.backends.map((b) => [({ 'web-stable': 'stable', 'web-canary': 'canary' })[b.service] ?? b.service, b.weight]));
  },
};

export function stableIngress(namespace: string, name = 'web'): IngressObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name, namespace, annotations: { 'nginx.ingress.kubernetes.io/proxy-body-size': '8m' } },
    spec: {
      ingressClassName: 'nginx',
      rules: [{ host: 'web.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web-stable', port: { number: 80 } } } }] } }],
    },
  };
}

const CANARY_INGRESS = 'web-web-canary';

export const nginxFixture: RouterFixture = {
  name: 'nginx',
  headerRoutes: true,
  weightLeftovers: [`Ingress ${CANARY_INGRESS}`],
  async setup(cluster, namespace) {
    await cluster.client.create(Kinds.Ingress, stableIngress(namespace));
    return withRollout(cluster, namespace, { nginx: { stableIngress: 'web', additionalIngressAnnotations: { 'canary-by-cookie': 'canary' } } });
  },
  async liveShares(reader, namespace) {
    const canary = await reader.get<IngressObject>(Kinds.Ingress, namespace, CANARY_INGRESS);
    if (!canary) return [0];
    const annotations = canary.metadata.annotations ?? {};
    const backend = canary.spec?.rules?.[0]?.http?.paths[0]?.backend.service?.name;
    if (annotations['nginx.ingress.kubernetes.io/canary'] !== 'true' || backend !== 'web-canary') return [Number.NaN];
    return [Number(annotations['nginx.ingress.kubernetes.io/canary-weight'])];
  },
  async headerRouted(reader, namespace) {
    const canary = await reader.get<IngressObject>(Kinds.Ingress, namespace, CANARY_INGRESS);
    const annotations = canary?.metadata.annotations ?? {};
    return annotations['nginx.ingress.kubernetes.io/canary-by-header'] === 'x-canary' && annotations['nginx.ingress.kubernetes.io/canary-by-header-value'] === 'yes';
  },
  async leftovers(reader, namespace) {
    return (await reader.get(Kinds.Ingress, namespace, CANARY_INGRESS)) ? [`Ingress ${CANARY_INGRESS}`] : [];
  },
  async written(reader, namespace) {
    const canary = await reader.get(Kinds.Ingress, namespace, CANARY_INGRESS);
    return canary ? [{ kind: Kinds.Ingress, object: canary }] : [];
  },
};

export function apisixRoute(namespace: string, name = 'web'): ApisixRouteObject {
  return {
    apiVersion: 'apisix.apache.org/v2',
    kind: 'ApisixRoute',
    metadata: { name, namespace },
    spec: {
      http: [
        {
          name: 'main',
          match: { paths: ['/*'], hosts: ['web.example.com'], methods: ['GET', 'POST'] },
          backends: [
            { serviceName: 'web-stable', servicePort: 80 },
            { serviceName: 'web-canary', servicePort: 80 },
          ],
        },
      ],
    },
  };
}

/** The Rollout's steps name its header routes: the APISIX router deletes their ApisixRoutes when finalized. */
const HEADER_ROUTE_STEPS: CanaryStep[] = [{ setHeaderRoute: { name: HEADER_ROUTE.name, match: HEADER_ROUTE.match } }, { setHeaderRoute: { name: HEADER_ROUTE.name } }];

export const apisixFixture: RouterFixture = {
  name: 'apisix',
  headerRoutes: true,
  async setup(cluster, namespace) {
    await cluster.client.create(Kinds.ApisixRoute, apisixRoute(namespace));
    return withRollout(cluster, namespace, { apisix: { route: { name: 'web', rules: ['main'] } } }, { steps: HEADER_ROUTE_STEPS });
  },
  async liveShares(reader, namespace) {
    const route = await get<ApisixRouteObject>(reader, Kinds.ApisixRoute, namespace, 'web');
    const backends = route.spec?.http?.find((r) => r.name === 'main')?.backends ?? [];
    const weight = (svc: string): number | undefined => backends.find((b) => b.serviceName === svc)?.weight;
    return [percent(weight('web-stable'), weight('web-canary'))];
  },
  async headerRouted(reader, namespace) {
    const route = await reader.get<ApisixRouteObject>(Kinds.ApisixRoute, namespace, HEADER_ROUTE.name);
    const rule = route?.spec?.http?.[0];
    const exprs = rule?.match?.exprs ?? [];
    const onlyCanary = rule?.backends?.length === 1 && rule.backends[0]?.serviceName === 'web-canary';
    return onlyCanary && exprs.some((e) => e.subject.scope === 'Header' && e.subject.name === 'x-canary' && e.op === 'Equal' && e.value === 'yes');
  },
  async leftovers(reader, namespace) {
    return (await reader.get(Kinds.ApisixRoute, namespace, HEADER_ROUTE.name)) ? [`ApisixRoute ${HEADER_ROUTE.name}`] : [];
  },
  async written(reader, namespace) {
    const header = await reader.get(Kinds.ApisixRoute, namespace, HEADER_ROUTE.name);
    return [{ kind: Kinds.ApisixRoute, object: await get(reader, Kinds.ApisixRoute, namespace, 'web') }, ...(header ? [{ kind: Kinds.ApisixRoute, object: header }] : [])];
  },
};

/** The App Mesh objects of Argo's examples/appmesh/canary-service.yaml, in `namespace`, routed by `routes`. */
export function appMeshObjects(namespace: string, routes = ['primary']): Array<{ kind: ResourceKind; object: KubeObject }> {
  const node = (name: string, hash: string): VirtualNodeObject => ({
    apiVersion: 'appmesh.k8s.aws/v1beta2',
    kind: 'VirtualNode',
    metadata: { name, namespace },
    spec: {
      podSelector: { matchLabels: { app: 'web', [POD_TEMPLATE_HASH_LABEL]: hash } },
      listeners: [{ portMapping: { port: 80, protocol: 'http' } }],
      serviceDiscovery: { dns: { hostname: `${name}.${namespace}.svc.cluster.local` } },
    },
  });
  const router: VirtualRouterObject = {
    apiVersion: 'appmesh.k8s.aws/v1beta2',
    kind: 'VirtualRouter',
    metadata: { name: 'web-router', namespace },
    spec: {
      listeners: [{ portMapping: { port: 80, protocol: 'http' } }],
      routes: routes.map((name) => ({
        name,
        httpRoute: {
          match: { prefix: '/' },
          action: { weightedTargets: [{ virtualNodeRef: { name: 'web-vn-canary' }, weight: 0 }, { virtualNodeRef: { name: 'web-vn-stable' }, weight: 100 }] },
        },
      })),
    },
  };
  const service: MeshVirtualServiceObject = {
    apiVersion: 'appmesh.k8s.aws/v1beta2',
    kind: 'VirtualService',
    metadata: { name: 'web', namespace },
    spec: { provider: { virtualRouter: { virtualRouterRef: { name: 'web-router' } } } },
  };
  return [
    { kind: Kinds.VirtualNode, object: node('web-vn-canary', 'canary-tbd') },
    { kind: Kinds.VirtualNode, object: node('web-vn-stable', 'stable-tbd') },
    { kind: Kinds.VirtualRouter, object: router },
    { kind: Kinds.AppMeshVirtualService, object: service },
  ];
}

export const APP_MESH_ROUTING: TrafficRouting = {
  appMesh: { virtualService: { name: 'web' }, virtualNodeGroup: { canaryVirtualNodeRef: { name: 'web-vn-canary' }, stableVirtualNodeRef: { name: 'web-vn-stable' } } },
};

async function appMeshCanaryWeights(reader: LiveReader, namespace: string): Promise<Array<[string, number | undefined, number | undefined]>> {
  const router = await get<VirtualRouterObject>(reader, Kinds.VirtualRouter, namespace, 'web-router');
  return (router.spec?.routes ?? []).map((route) => {
    const targets = route.httpRoute?.action?.weightedTargets ?? [];
    const weight = (node: string): number | undefined => targets.find((t) => t.virtualNodeRef?.name === node)?.weight;
    return [route.name, weight('web-vn-stable'), weight('web-vn-canary')];
  });
}

export const appMeshFixture: RouterFixture = {
  name: 'appMesh',
  headerRoutes: false,
  async setup(cluster, namespace) {
    for (const { kind, object } of appMeshObjects(namespace)) await cluster.client.create(kind, object);
    return withRollout(cluster, namespace, APP_MESH_ROUTING);
  },
  async liveShares(reader, namespace) {
    const pinned = async (node: string): Promise<string | undefined> => (await get<VirtualNodeObject>(reader, Kinds.VirtualNode, namespace, node)).spec?.podSelector?.matchLabels?.[POD_TEMPLATE_HASH_LABEL];
    // A weight only means something once the VirtualNodes select the right pods.
    if ((await pinned('web-vn-stable')) !== CONTEXT.stableHash || (await pinned('web-vn-canary')) !== CONTEXT.canaryHash) return [Number.NaN];
    return (await appMeshCanaryWeights(reader, namespace)).map(([, stable, canary]) => percent(stable, canary));
  },
  headerRouted: () => Promise.resolve(false),
  async leftovers(reader, namespace) {
    return (await appMeshCanaryWeights(reader, namespace)).flatMap(([route, , canary]) => (canary ? [`canary weight ${canary} on route ${route}`] : []));
  },
  async written(reader, namespace) {
    return [
      { kind: Kinds.VirtualRouter, object: await get(reader, Kinds.VirtualRouter, namespace, 'web-router') },
      { kind: Kinds.VirtualNode, object: await get(reader, Kinds.VirtualNode, namespace, 'web-vn-canary') },
      { kind: Kinds.VirtualNode, object: await get(reader, Kinds.VirtualNode, namespace, 'web-vn-stable') },
    ];
  },
};

/** A weighted TraefikService as Argo docs traefik.md write it (no weights until the Rollout sets them). */
export function traefikService(namespace: string, kind: ResourceKind = Kinds.TraefikService, name = 'web-wrr'): TraefikServiceObject {
  return {
    apiVersion: `${kind.group}/${kind.version}`,
    kind: 'TraefikService',
    metadata: { name, namespace },
    spec: { weighted: { services: [{ name: 'web-stable', port: 80 }, { name: 'web-canary', port: 80 }] } },
  };
}

function traefikFixture(name: string, kind: ResourceKind): RouterFixture {
  const shares = async (reader: LiveReader, namespace: string): Promise<[number | undefined, number | undefined]> => {
    const services = (await get<TraefikServiceObject>(reader, kind, namespace, 'web-wrr')).spec?.weighted?.services ?? [];
    const weight = (svc: string): number | undefined => services.find((s) => s.name === svc)?.weight;
    return [weight('web-stable'), weight('web-canary')];
  };
  return {
    name,
    headerRoutes: false,
    async setup(cluster, namespace) {
      await cluster.client.create(kind, traefikService(namespace, kind));
      return withRollout(cluster, namespace, { traefik: { weightedTraefikServiceName: 'web-wrr' } });
    },
    async liveShares(reader, namespace) {
      const [stable, canary] = await shares(reader, namespace);
      return [percent(stable, canary)];
    },
    headerRouted: () => Promise.resolve(false),
    async leftovers(reader, namespace) {
      const [, canary] = await shares(reader, namespace);
      return canary ? [`canary weight ${canary}`] : [];
    },
    async written(reader, namespace) {
      return [{ kind, object: await get(reader, kind, namespace, 'web-wrr') }];
    },
  };
}

export const traefikV3Fixture = traefikFixture('traefik', Kinds.TraefikService);
export const traefikV2Fixture = traefikFixture('traefik (v2 API group)', Kinds.TraefikServiceV2);


/** An Ingress for the AWS Load Balancer Controller, its one path reading the action annotation of `action`. */
export function albIngress(namespace: string, name = 'web', action = 'web'): IngressObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name, namespace, annotations: { 'kubernetes.io/ingress.class': 'alb', 'alb.ingress.kubernetes.io/scheme': 'internet-facing' } },
    spec: { rules: [{ host: 'web.example.com', http: { paths: [{ path: '/*', pathType: 'ImplementationSpecific', backend: { service: { name: action, port: { name: 'use-annotation' } } } }] } }] },
  };
}

/** The forward action in an ALB Ingress annotation, parsed (undefined when absent). */
export function albAction(ingress: IngressObject | undefined, action: string): ALBAction | undefined {
  const raw = ingress?.metadata.annotations?.[`alb.ingress.kubernetes.io/actions.${action}`];
  return raw === undefined ? undefined : (JSON.parse(raw) as ALBAction);
}

const ALB_INGRESSES = ['web-public', 'web-internal'];

export const albFixture: RouterFixture = {
  name: 'alb',
  headerRoutes: true,
  async setup(cluster, namespace) {
    for (const name of ALB_INGRESSES) await cluster.client.create(Kinds.Ingress, albIngress(namespace, name, 'web'));
    return withRollout(cluster, namespace, { alb: { ingresses: ALB_INGRESSES, rootService: 'web', servicePort: 80 } });
  },
  async liveShares(reader, namespace) {
    const shares: number[] = [];
    for (const name of ALB_INGRESSES) {
      const groups = albAction(await get<IngressObject>(reader, Kinds.Ingress, namespace, name), 'web')?.ForwardConfig.TargetGroups ?? [];
      const weight = (svc: string): number | undefined => groups.find((g) => g.ServiceName === svc && g.ServicePort === '80')?.Weight;
      shares.push(percent(weight('web-stable'), weight('web-canary')));
    }
    return [...new Set(shares)];
  },
  async headerRouted(reader, namespace) {
    const routed: boolean[] = [];
    for (const name of ALB_INGRESSES) {
      const ingress = await get<IngressObject>(reader, Kinds.Ingress, namespace, name);
      const conditions = ingress.metadata.annotations?.['alb.ingress.kubernetes.io/conditions.testers'];
      const toCanary = albAction(ingress, 'testers')?.ForwardConfig.TargetGroups;
      const firstPath = ingress.spec?.rules?.[0]?.http?.paths[0]?.backend.service;
      routed.push(
        conditions === '[{"field":"http-header","httpHeaderConfig":{"httpHeaderName":"x-canary","values":["yes"]}}]' &&
          toCanary?.length === 1 && toCanary[0]?.ServiceName === 'web-canary' && toCanary[0].Weight === 100 &&
          firstPath?.name === 'testers' && firstPath.port?.name === 'use-annotation',
      );
    }
    return routed.every(Boolean);
  },
  async leftovers(reader, namespace) {
    const found: string[] = [];
    for (const name of ALB_INGRESSES) {
      const ingress = await get<IngressObject>(reader, Kinds.Ingress, namespace, name);
      const keys = Object.keys(ingress.metadata.annotations ?? {}).filter((k) => k.includes('.testers') || (k === MANAGED_ALB_ANNOTATIONS && ingress.metadata.annotations?.[k]?.includes('testers') === true));
      const paths = (ingress.spec?.rules ?? []).flatMap((r) => r.http?.paths ?? []).filter((p) => p.backend.service?.name === 'testers');
      found.push(...keys.map((k) => `${name} annotation ${k}`), ...paths.map(() => `${name} path to testers`));
    }
    return found;
  },
  async written(reader, namespace) {
    return Promise.all(ALB_INGRESSES.map(async (name) => ({ kind: Kinds.Ingress, object: await get(reader, Kinds.Ingress, namespace, name) })));
  },
  async liveDestinations(reader, namespace) {
    const readings: Array<Record<string, number>> = [];
    for (const name of ALB_INGRESSES) {
      const groups = albAction(await get<IngressObject>(reader, Kinds.Ingress, namespace, name), 'web')?.ForwardConfig.TargetGroups ?? [];
      readings.push(Object.fromEntries(groups.map((g) => [({ 'web-stable': 'stable', 'web-canary': 'canary' })[g.ServiceName] ?? g.ServiceName, g.Weight])));
    }
    return agreedReading(readings);
  },
};

/** A base Mapping as in Argo's examples/ambassador/echo-mapping.yaml, in v2 form. */
export function baseMapping(namespace: string, name: string, prefix: string): MappingObject {
  return {
    apiVersion: 'getambassador.io/v2',
    kind: 'Mapping',
    metadata: { name, namespace },
    spec: { prefix, rewrite: prefix, resolver: 'endpoint', service: `web-stable.${namespace}:80` },
  };
}

const MAPPINGS = ['web-api', 'web-ui'];

export const ambassadorFixture: RouterFixture = {
  name: 'ambassador',
  headerRoutes: false,
  async setup(cluster, namespace) {
    for (const name of MAPPINGS) await cluster.client.create(Kinds.AmbassadorMapping, baseMapping(namespace, name, `/${name}/`));
    return withRollout(cluster, namespace, { ambassador: { mappings: MAPPINGS } });
  },
  async liveShares(reader, namespace) {
    const shares: number[] = [];
    for (const name of MAPPINGS) {
      const canary = await reader.get<MappingObject>(Kinds.AmbassadorMapping, namespace, `${name}-canary`);
      if (!canary) {
        shares.push(0);
        continue;
      }
      const sameRoute = canary.spec?.prefix === `/${name}/` && canary.spec.service === `web-canary.${namespace}:80`;
      shares.push(sameRoute ? (canary.spec?.weight ?? Number.NaN) : Number.NaN);
    }
    return [...new Set(shares)];
  },
  headerRouted: () => Promise.resolve(false),
  async leftovers(reader, namespace) {
    const found: string[] = [];
    for (const name of MAPPINGS) if (await reader.get(Kinds.AmbassadorMapping, namespace, `${name}-canary`)) found.push(`Mapping ${name}-canary`);
    return found;
  },
  async written(reader, namespace) {
    const written: Array<{ kind: ResourceKind; object: KubeObject }> = [];
    for (const name of MAPPINGS) {
      const canary = await reader.get(Kinds.AmbassadorMapping, namespace, `${name}-canary`);
      if (canary) written.push({ kind: Kinds.AmbassadorMapping, object: canary });
    }
    return written;
  },
};

const NGINX_STABLES = ['web', 'web-internal'];

/** NGINX with two stable Ingresses (Argo docs nginx.md, stableIngresses): a canary Ingress for each, kept in step. */
export const nginxStableIngressesFixture: RouterFixture = {
  name: 'nginx (stableIngresses)',
  headerRoutes: true,
  weightLeftovers: NGINX_STABLES.map((stable) => `Ingress ${stable}-web-canary`),
  async setup(cluster, namespace) {
    for (const stable of NGINX_STABLES) await cluster.client.create(Kinds.Ingress, stableIngress(namespace, stable));
    return withRollout(cluster, namespace, { nginx: { stableIngresses: NGINX_STABLES, canaryIngressAnnotations: { 'example.com/team': 'web' } } });
  },
  async liveShares(reader, namespace) {
    const shares: number[] = [];
    for (const stable of NGINX_STABLES) {
      const canary = await reader.get<IngressObject>(Kinds.Ingress, namespace, `${stable}-web-canary`);
      const annotations = canary?.metadata.annotations ?? {};
      const team = annotations['example.com/team'];
      if (canary && (annotations['nginx.ingress.kubernetes.io/canary'] !== 'true' || team !== 'web')) shares.push(Number.NaN);
      else shares.push(Number(annotations['nginx.ingress.kubernetes.io/canary-weight'] ?? '0'));
    }
    return [...new Set(shares)];
  },
  async headerRouted(reader, namespace) {
    const routed: boolean[] = [];
    for (const stable of NGINX_STABLES) {
      const annotations = (await reader.get<IngressObject>(Kinds.Ingress, namespace, `${stable}-web-canary`))?.metadata.annotations ?? {};
      routed.push(annotations['nginx.ingress.kubernetes.io/canary-by-header'] === 'x-canary');
    }
    if (routed[0] !== routed[1]) throw new Error('the canary Ingresses disagree on the header route');
    return routed[0] === true;
  },
  async leftovers(reader, namespace) {
    const found: string[] = [];
    for (const stable of NGINX_STABLES) if (await reader.get(Kinds.Ingress, namespace, `${stable}-web-canary`)) found.push(`Ingress ${stable}-web-canary`);
    return found;
  },
  async written(reader, namespace) {
    const written: Array<{ kind: ResourceKind; object: KubeObject }> = [];
    for (const stable of NGINX_STABLES) {
      const canary = await reader.get(Kinds.Ingress, namespace, `${stable}-web-canary`);
      if (canary) written.push({ kind: Kinds.Ingress, object: canary });
    }
    return written;
  },
};

/**
 * SMI and NGINX at once, as Argo's test/e2e/smi_ingress does: every weight goes to both, the header route to NGINX
 * alone (SMI cannot match headers). Shares are the distinct percents of both places, so a disagreement shows as two.
 */
export const smiNginxFixture: RouterFixture = {
  name: 'smi with nginx',
  headerRoutes: true,
  weightLeftovers: ['TrafficSplit web-split', `Ingress ${CANARY_INGRESS}`],
  async setup(cluster, namespace) {
    await cluster.client.create(Kinds.Ingress, stableIngress(namespace));
    return withRollout(cluster, namespace, { smi: { rootService: 'web', trafficSplitName: 'web-split' }, nginx: { stableIngress: 'web' } });
  },
  async liveShares(reader, namespace) {
    return [...new Set([...(await smiFixture.liveShares(reader, namespace)), ...(await nginxFixture.liveShares(reader, namespace))])];
  },
  headerRouted: (reader, namespace) => nginxFixture.headerRouted(reader, namespace),
  async leftovers(reader, namespace) {
    return [...(await smiFixture.leftovers(reader, namespace)), ...(await nginxFixture.leftovers(reader, namespace))];
  },
  async written(reader, namespace) {
    return [...(await smiFixture.written(reader, namespace)), ...(await nginxFixture.written(reader, namespace))];
  },
};

const L4_ROUTES = { name: 'web', routes: ['primary'], tlsRoutes: [{ port: 443, sniHosts: ['web.example.com'] }], tcpRoutes: [{ port: 5432 }] };

/** The http route plus a tls route for web.example.com, one for another host (left alone) and a tcp route. */
function l4VirtualService(namespace: string): VirtualServiceObject {
  const vs = virtualService(namespace, [{ host: 'web-stable' }, { host: 'web-canary' }]);
  const destinations = [
    { destination: { host: 'web-stable', port: { number: 443 } }, weight: 100 },
    { destination: { host: 'web-canary', port: { number: 443 } }, weight: 0 },
  ];
  vs.spec = {
    ...vs.spec,
    tls: [{ match: [{ port: 443, sniHosts: ['web.example.com'] }], route: structuredClone(destinations) }, { match: [{ port: 443, sniHosts: ['other.example.com'] }], route: [{ destination: { host: 'other' } }] }],
    tcp: [{ match: [{ port: 5432 }], route: structuredClone(destinations) }],
  };
  return vs;
}

/** Argo docs istio.md (TLS and TCP routes): the http route plus a tls and a tcp route, selected by port (and SNI). */
export const istioL4Fixture: RouterFixture = {
  ...istioHostFixture,
  name: 'istio (tls and tcp routes)',
  async setup(cluster, namespace) {
    await cluster.client.create(Kinds.VirtualService, l4VirtualService(namespace));
    return withRollout(cluster, namespace, { istio: { virtualService: L4_ROUTES } });
  },
  async liveShares(reader, namespace) {
    const vs = await get<VirtualServiceObject>(reader, Kinds.VirtualService, namespace, 'web');
    const share = (route: Array<{ weight?: number }> | undefined): number => percent(route?.[0]?.weight, route?.[1]?.weight);
    // The tls route for other.example.com is not selected: it must keep its lone destination untouched.
    if (vs.spec?.tls?.[1]?.route?.[0]?.weight !== undefined) return [Number.NaN];
    const http = vs.spec?.http?.find((r) => r.name === 'primary')?.route;
    return [...new Set([share(http), share(vs.spec?.tls?.[0]?.route), share(vs.spec?.tcp?.[0]?.route)])];
  },
};

/** The same tls and tcp routes named through `virtualServices` (the list form), which selects them the same way. */
export const istioL4ListFixture: RouterFixture = {
  ...istioL4Fixture,
  name: 'istio (tls and tcp routes, virtualServices list)',
  async setup(cluster, namespace) {
    await cluster.client.create(Kinds.VirtualService, l4VirtualService(namespace));
    return withRollout(cluster, namespace, { istio: { virtualServices: [L4_ROUTES] } });
  },
};

/**
 * Argo docs istio.md (additionalSubsetNames): an `experiment` subset holding 20% that Vane leaves alone; stable gets
 * what the canary and it leave. Shares read the canary's percent (100 once stable has none), NaN if the experiment's
 * weight moved or the three do not add up to 100.
 */
export const istioAdditionalSubsetFixture: RouterFixture = {
  ...istioSubsetFixture,
  name: 'istio (additional subsets)',
  async setup(cluster, namespace) {
    const dr = destinationRule(namespace);
    dr.spec?.subsets?.push({ name: 'experiment', labels: { app: 'web-experiment' } });
    await cluster.client.create(Kinds.DestinationRule, dr);
    const vs = virtualService(namespace, [{ host: 'web', subset: 'stable' }, { host: 'web', subset: 'canary' }]);
    const primary = vs.spec?.http?.[0];
    if (!primary?.route?.[0]) throw new Error('the fixture VirtualService has no primary route');
    primary.route[0].weight = 80;
    primary.route.push({ destination: { host: 'web', subset: 'experiment', port: { number: 80 } }, weight: 20 });
    await cluster.client.create(Kinds.VirtualService, vs);
    return withRollout(
      cluster,
      namespace,
      { istio: { virtualService: { name: 'web' }, destinationRule: { name: 'web', stableSubsetName: 'stable', canarySubsetName: 'canary', additionalSubsetNames: ['experiment'] } } },
      { stableService: undefined, canaryService: undefined },
    );
  },
  async liveShares(reader, namespace) {
    const vs = await get<VirtualServiceObject>(reader, Kinds.VirtualService, namespace, 'web');
    const [stable, canary, experiment] = (vs.spec?.http?.find((r) => r.name === 'primary')?.route ?? []).map((d) => d.weight ?? 0);
    if (experiment !== 20 || (stable ?? 0) + (canary ?? 0) + experiment !== 100) return [Number.NaN];
    // Weight 100 (a promotion) gives the canary all that the experiment leaves.
    return [stable === 0 ? 100 : (canary ?? 0)];
  },
};

export const ROUTER_FIXTURES: readonly RouterFixture[] = [
  gatewayAPIFixture,
  istioHostFixture,
  istioSubsetFixture,
  istioPingPongFixture,
  istioManagedFixture,
  smiFixture,
  nginxFixture,
  apisixFixture,
  appMeshFixture,
  traefikV3Fixture,
  traefikV2Fixture,
  albFixture,
  ambassadorFixture,
  smiNginxFixture,
  nginxStableIngressesFixture,
  istioL4Fixture,
  istioL4ListFixture,
  istioAdditionalSubsetFixture,
];
