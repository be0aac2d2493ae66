// Specification: every object state a router writes is valid for the real CRD schema of its kind, and nothing it
// writes is a field the schema would prune (checked directly against the fixture CRDs, no API server between).
// @covers spec.strategy.canary.trafficRouting.smi.rootService
import { describe, expect, it } from 'vitest';
import { Kinds } from '../../src/kube/resource-kind.js';
import type { Rollout, TrafficRouting } from '../../src/resources/rollout.js';
import { routerFor } from '../../src/traffic/router-factory.js';
import type { HeaderRoute, TrafficRouter } from '../../src/traffic/traffic-router.js';
import {
  APP_MESH_ROUTING,
  CONTEXT,
  HEADER_ROUTE,
  albIngress,
  apisixRoute,
  appMeshObjects,
  baseMapping,
  destinationRule,
  httpRoute,
  stableIngress,
  traefikService,
  virtualService,
} from './support/router-fixtures.js';
import { SchemaCheckingCluster } from './support/schema-checking-cluster.js';

const NS = 'shop';

function rollout(trafficRouting: TrafficRouting): Rollout {
  return {
    apiVersion: 'vane.dev/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'web', namespace: NS, uid: 'c0ffee00-0000-4000-8000-000000000001' },
    spec: { selector: { matchLabels: { app: 'web' } }, strategy: { canary: { stableService: 'web-stable', canaryService: 'web-canary', trafficRouting } } },
  };
}

const PREFIX_ROUTE: HeaderRoute = { name: 'beta', match: [{ headerName: 'x-beta', headerValue: { prefix: 'team.' } }] };
const REGEX_ROUTE: HeaderRoute = { name: 'regex', match: [{ headerName: 'x-user', headerValue: { regex: '^(a|b)$' } }, { headerName: 'x-canary', headerValue: { exact: 'yes' } }] };

interface Case {
  name: string;
  routing: TrafficRouting;
  seed: (cluster: SchemaCheckingCluster) => void;
}

const CASES: Case[] = [
  {
    name: 'gatewayAPI',
    routing: { gatewayAPI: { httpRoutes: [{ name: 'web', useHeaderRoutes: true }] } },
    seed: (c) => c.seed(Kinds.HTTPRoute, httpRoute(NS)),
  },
  {
    name: 'istio (host split)',
    routing: { istio: { virtualService: { name: 'web' } } },
    seed: (c) => c.seed(Kinds.VirtualService, virtualService(NS, [{ host: 'web-stable' }, { host: 'web-canary.shop.svc.cluster.local' }])),
  },
  {
    name: 'istio (subset split)',
    routing: { istio: { virtualService: { name: 'web' }, destinationRule: { name: 'web', stableSubsetName: 'stable', canarySubsetName: 'canary' } } },
    seed: (c) => {
      const dr = destinationRule(NS);
      for (const subset of dr.spec?.subsets ?? []) delete subset.labels;
      c.seed(Kinds.DestinationRule, dr);
      c.seed(Kinds.VirtualService, virtualService(NS, [{ host: 'web', subset: 'stable' }, { host: 'web', subset: 'canary' }]));
    },
  },
  { name: 'smi', routing: { smi: {} }, seed: () => undefined },
  { name: 'nginx', routing: { nginx: { stableIngress: 'web', annotationPrefix: 'custom.nginx.org' } }, seed: (c) => c.seed(Kinds.Ingress, stableIngress(NS)) },
  { name: 'apisix', routing: { apisix: { route: { name: 'web', rules: ['main'] } } }, seed: (c) => c.seed(Kinds.ApisixRoute, apisixRoute(NS)) },
  {
    name: 'appMesh',
    routing: APP_MESH_ROUTING,
    seed: (c) => {
      for (const { kind, object } of appMeshObjects(NS)) {
        // A VirtualNode without a podSelector selects no pod; Vane then writes the whole selector.
        if (object.metadata.name === 'web-vn-canary') delete (object as { spec?: { podSelector?: unknown } }).spec?.podSelector;
        c.seed(kind, object);
      }
    },
  },
  { name: 'traefik', routing: { traefik: { weightedTraefikServiceName: 'web-wrr' } }, seed: (c) => c.seed(Kinds.TraefikService, traefikService(NS)) },
  { name: 'traefik (v2 API group)', routing: { traefik: { weightedTraefikServiceName: 'web-wrr' } }, seed: (c) => c.seed(Kinds.TraefikServiceV2, traefikService(NS, Kinds.TraefikServiceV2)) },
  { name: 'alb', routing: { alb: { ingress: 'web', servicePort: 80 } }, seed: (c) => c.seed(Kinds.Ingress, albIngress(NS, 'web', 'web-stable')) },
  { name: 'ambassador', routing: { ambassador: { mappings: ['web'] } }, seed: (c) => c.seed(Kinds.AmbassadorMapping, baseMapping(NS, 'web', '/web/')) },
];

/** Routers whose objects are built-in kinds (Ingress), with no CRD schema to check. */
const BUILT_IN_ONLY = ['nginx', 'alb'];

/** Every operation of the port, header routes of each match kind included where the provider has them. */
async function exercise(router: TrafficRouter): Promise<void> {
  for (const weight of [0, 1, 10, 33, 50, 99, 100]) await router.setWeight(weight, CONTEXT);
  for (const route of router.provider === 'alb' ? [HEADER_ROUTE] : [HEADER_ROUTE, PREFIX_ROUTE]) await router.setHeaderRoute?.(route, CONTEXT);
  if (router.provider !== 'nginx' && router.provider !== 'alb') await router.setHeaderRoute?.(REGEX_ROUTE, CONTEXT);
  await router.removeHeaderRoute?.(PREFIX_ROUTE.name);
  await router.reset(CONTEXT);
  await router.finalize();
}

describe('given each provider and the fixture CRD schemas', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('when the %s router runs every operation, then each object it writes is valid and nothing is pruned', async (_name, c) => {
    const cluster = new SchemaCheckingCluster();
    c.seed(cluster);
    const router = routerFor(rollout(c.routing), { reader: cluster, writer: cluster }) as TrafficRouter;
    await exercise(router);
    expect(cluster.violations).toEqual([]);
    if (!BUILT_IN_ONLY.includes(c.name)) expect(cluster.checked).toBeGreaterThan(0);
  });

  it('when an object breaks its schema, then the checking cluster reports it (the check can fail)', async () => {
    const cluster = new SchemaCheckingCluster();
    cluster.seed(Kinds.HTTPRoute, httpRoute(NS));
    await cluster.patch(Kinds.HTTPRoute, NS, 'web', [{ op: 'add', path: '/spec/rules/0/backendRefs/0/weight', value: 'ten' }, { op: 'add', path: '/spec/rules/0/vaneWeight', value: 1 }], 'json');
    expect(cluster.violations.map((v) => v.problem)).toEqual([
      'spec.rules[0].backendRefs[0].weight: Invalid value: "string": spec.rules[0].backendRefs[0].weight in body must be of type integer: "string"',
      'spec.rules[0].vaneWeight is not in the schema and would be pruned',
    ]);
  });

  it('when the SMI router writes a TrafficSplit, then it is the served v1alpha4 with numeric weights', async () => {
    const cluster = new SchemaCheckingCluster();
    const router = routerFor(rollout({ smi: { rootService: 'web' } }), { reader: cluster, writer: cluster }) as TrafficRouter;
    await router.setWeight(25, CONTEXT);
    const split = await cluster.get(Kinds.TrafficSplit, NS, 'web');
    expect(split?.apiVersion).toBe('split.smi-spec.io/v1alpha4');
    expect(split?.['spec']).toEqual({ service: 'web', backends: [{ service: 'web-stable', weight: 75 }, { service: 'web-canary', weight: 25 }] });
    expect(split?.metadata.ownerReferences).toEqual([{ apiVersion: 'vane.dev/v1alpha1', kind: 'Rollout', name: 'web', uid: 'c0ffee00-0000-4000-8000-000000000001', controller: true, blockOwnerDeletion: true }]);
  });
});
