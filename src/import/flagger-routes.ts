// The Services and route objects Flagger generates for a Canary (Flagger docs usage/how-it-works.md "Canary service",
// and each provider's tutorial), written for Vane: the apex Service is the stable one, `<name>-canary` the canary.
import type { TrafficRouting } from '../resources/rollout.js';

export interface FlaggerService {
  name?: string;
  port?: number;
  targetPort?: number | string;
  portName?: string;
  appProtocol?: string;
  portDiscovery?: boolean;
  headless?: boolean;
  trafficDistribution?: string;
  gateways?: string[];
  hosts?: string[];
  gatewayRefs?: unknown[];
  match?: unknown[];
  rewrite?: unknown;
  timeout?: string;
  retries?: unknown;
  headers?: unknown;
  corsPolicy?: unknown;
  trafficPolicy?: unknown;
  apex?: CustomMetadata;
  canary?: CustomMetadata;
  primary?: CustomMetadata;
}

interface CustomMetadata {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface RouteContext {
  provider: string;
  namespace: string;
  /** The apex Service, which Vane makes the stable one. */
  service: string;
  canaryService: string;
  selector: Record<string, string>;
  spec: FlaggerService;
  ingressName?: string;
  /** A/B testing: header routes are set by steps, so the route object must allow them. */
  headerRoutes: boolean;
}

export interface RouteObjects {
  documents: Array<Record<string, unknown>>;
  trafficRouting?: TrafficRouting;
  changes: string[];
  problems: string[];
}

/** The providers whose routing Vane has, and the one route object Vane reads (SMI and NGINX need none). */
export const VANE_PROVIDERS = ['istio', 'linkerd', 'osm', 'smi', 'nginx', 'gatewayapi', 'kubernetes'] as const;

export function providerSupported(provider: string): boolean {
  return VANE_PROVIDERS.some((p) => provider === p || provider.startsWith(`${p}:`));
}

/** Service fields only Istio's VirtualService carries (Flagger docs faq.md "Istio routing"). */
const ISTIO_ONLY: ReadonlyArray<keyof FlaggerService> = ['gateways', 'match', 'rewrite', 'retries', 'headers', 'corsPolicy', 'trafficPolicy'];

/** The stable (apex) and canary Services, as Flagger creates them, selecting the Rollout's pods. */
export function services(context: RouteContext): Array<Record<string, unknown>> {
  return [service(context, context.service, context.spec.apex), service(context, context.canaryService, context.spec.canary)];
}

function service(context: RouteContext, name: string, metadata: CustomMetadata | undefined): Record<string, unknown> {
  const spec = context.spec;
  const port: Record<string, unknown> = {
    name: spec.portName ?? 'http',
    port: spec.port,
    targetPort: spec.targetPort ?? spec.port,
    protocol: 'TCP',
  };
  if (spec.appProtocol !== undefined) port['appProtocol'] = spec.appProtocol;
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: context.namespace, ...copyMetadata(metadata) },
    spec: {
      type: 'ClusterIP',
      ...(spec.headless === true ? { clusterIP: 'None' } : {}),
      ...(spec.trafficDistribution === undefined ? {} : { trafficDistribution: spec.trafficDistribution }),
      selector: { ...context.selector },
      ports: [port],
    },
  };
}

function copyMetadata(metadata: CustomMetadata | undefined): CustomMetadata {
  const copy: CustomMetadata = {};
  if (metadata?.labels !== undefined) copy.labels = { ...metadata.labels };
  if (metadata?.annotations !== undefined) copy.annotations = { ...metadata.annotations };
  return copy;
}

/** The route object for the provider, and the Rollout's trafficRouting that points at it. */
export function routeObjects(context: RouteContext): RouteObjects {
  const provider = context.provider;
  const unused = (fields: ReadonlyArray<keyof FlaggerService>): string[] =>
    fields.filter((f) => context.spec[f] !== undefined).map((f) => `spec.service.${f}: provider ${provider} has no place for it in Vane`);
  if (provider === 'istio') return istio(context);
  if (provider.startsWith('gatewayapi')) return gatewayAPI(context, unused(ISTIO_ONLY));
  if (provider === 'linkerd' || provider === 'osm' || provider.startsWith('smi')) {
    return {
      documents: [],
      trafficRouting: { smi: { rootService: context.service, trafficSplitName: context.service } },
      changes: ['routing: Vane creates and owns the SMI TrafficSplit (split.smi-spec.io/v1alpha4) itself; Linkerd reads it through its linkerd-smi extension'],
      problems: unused([...ISTIO_ONLY, 'timeout', 'hosts', 'gatewayRefs']),
    };
  }
  if (provider === 'nginx') {
    if (context.ingressName === undefined) return { documents: [], changes: [], problems: ['spec.ingressRef: the nginx provider needs the Ingress to split'] };
    return {
      documents: [],
      trafficRouting: { nginx: { stableIngress: context.ingressName } },
      changes: [`routing: Vane creates its canary Ingress as ${context.ingressName}-<rollout>-canary (Flagger names it ${context.ingressName}-canary); Ingress ${context.ingressName} must send to Service ${context.service}`],
      problems: unused([...ISTIO_ONLY, 'timeout', 'hosts', 'gatewayRefs']),
    };
  }
  // Blue-green: Vane switches the Services, so no route object carries these.
  return { documents: [], changes: [], problems: unused([...ISTIO_ONLY, 'timeout', 'hosts', 'gatewayRefs']) };
}

/** Flagger's VirtualService: the canary's hosts plus the apex, one HTTP route splitting stable and canary. */
function istio(context: RouteContext): RouteObjects {
  const spec = context.spec;
  const hosts = [...(spec.hosts ?? [])];
  if (!hosts.includes(context.service) && !hosts.includes('*')) hosts.push(context.service);
  const gateways = spec.gateways !== undefined && spec.gateways.length > 0 ? [...spec.gateways] : ['mesh'];
  const route: Record<string, unknown> = { name: 'primary' };
  for (const field of ['match', 'rewrite', 'timeout', 'retries', 'corsPolicy', 'headers'] as const) {
    if (spec[field] !== undefined) route[field] = structuredClone(spec[field]);
  }
  route['route'] = [
    { destination: { host: context.service }, weight: 100 },
    { destination: { host: context.canaryService }, weight: 0 },
  ];
  const virtualService = {
    apiVersion: 'networking.istio.io/v1beta1',
    kind: 'VirtualService',
    metadata: { name: context.service, namespace: context.namespace, ...copyMetadata(spec.apex) },
    spec: { hosts, gateways, http: [route] },
  };
  const documents: Array<Record<string, unknown>> = [virtualService];
  const changes: string[] = [];
  if (spec.trafficPolicy !== undefined) {
    // Flagger puts the traffic policy on a DestinationRule per host; Vane leaves these alone.
    for (const host of [context.service, context.canaryService]) {
      documents.push({
        apiVersion: 'networking.istio.io/v1beta1',
        kind: 'DestinationRule',
        metadata: { name: host, namespace: context.namespace },
        spec: { host, trafficPolicy: structuredClone(spec.trafficPolicy) },
      });
    }
  }
  return { documents, trafficRouting: { istio: { virtualService: { name: context.service, routes: ['primary'] } } }, changes, problems: [] };
}

/** Flagger's HTTPRoute: parentRefs from gatewayRefs, the hosts as hostnames, one rule splitting stable and canary. */
function gatewayAPI(context: RouteContext, problems: string[]): RouteObjects {
  const spec = context.spec;
  const version = context.provider.includes(':v1beta1') ? 'v1beta1' : 'v1';
  const rule: Record<string, unknown> = {
    backendRefs: [
      { name: context.service, port: spec.port, weight: 100 },
      { name: context.canaryService, port: spec.port, weight: 0 },
    ],
  };
  if (spec.timeout !== undefined) rule['timeouts'] = { request: spec.timeout };
  const route = {
    apiVersion: `gateway.networking.k8s.io/${version}`,
    kind: 'HTTPRoute',
    metadata: { name: context.service, namespace: context.namespace, ...copyMetadata(spec.apex) },
    spec: {
      ...(spec.gatewayRefs === undefined ? {} : { parentRefs: structuredClone(spec.gatewayRefs) }),
      ...(spec.hosts === undefined ? {} : { hostnames: [...spec.hosts] }),
      rules: [rule],
    },
  };
  const httpRoute = { name: context.service, ...(context.headerRoutes ? { useHeaderRoutes: true } : {}) };
  return { documents: [route], trafficRouting: { gatewayAPI: { httpRoutes: [httpRoute] } }, changes: [], problems };
}
