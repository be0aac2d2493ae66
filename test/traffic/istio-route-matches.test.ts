// Specification of how header and mirror route matches become Istio HTTPMatchRequests (Argo docs
// features/traffic-management/istio.md, "Header based routing" and "Traffic mirroring"): every string match kind
// (exact, prefix, regex) on headers, method and path (Istio's `uri`).
// @covers spec.strategy.canary.steps[].setHeaderRoute.match[].headerValue.prefix
// @covers spec.strategy.canary.steps[].setHeaderRoute.match[].headerValue.regex
// @covers spec.strategy.canary.steps[].setMirrorRoute.match[].method.prefix
// @covers spec.strategy.canary.steps[].setMirrorRoute.match[].method.regex
// @covers spec.strategy.canary.steps[].setMirrorRoute.match[].path.exact
// @covers spec.strategy.canary.steps[].setMirrorRoute.match[].path.regex
// @covers spec.strategy.canary.steps[].setMirrorRoute.match[].headers
// @covers spec.strategy.canary.steps[].setMirrorRoute.match[].headers.*.exact
// @covers spec.strategy.canary.steps[].setMirrorRoute.match[].headers.*.prefix
// @covers spec.strategy.canary.steps[].setMirrorRoute.match[].headers.*.regex
import { describe, expect, it } from 'vitest';
import { Kinds } from '../../src/kube/resource-kind.js';
import type { Rollout } from '../../src/resources/rollout.js';
import type { VirtualServiceObject } from '../../src/traffic/istio-router.js';
import { routerFor } from '../../src/traffic/router-factory.js';
import type { TrafficRouter } from '../../src/traffic/traffic-router.js';
import { CONTEXT, virtualService } from './support/router-fixtures.js';
import { SchemaCheckingCluster } from './support/schema-checking-cluster.js';

const NS = 'shop';

const rollout: Rollout = {
  apiVersion: 'vane.dev/v1alpha1',
  kind: 'Rollout',
  metadata: { name: 'web', namespace: NS, uid: 'c0ffee00-0000-4000-8000-000000000002' },
  spec: {
    selector: { matchLabels: { app: 'web' } },
    strategy: {
      canary: {
        stableService: 'web-stable',
        canaryService: 'web-canary',
        trafficRouting: { managedRoutes: [{ name: 'testers' }, { name: 'mirror' }], istio: { virtualService: { name: 'web', routes: ['primary'] } } },
      },
    },
  },
};

async function routed(act: (router: TrafficRouter) => Promise<void>): Promise<Array<Record<string, unknown>>> {
  const cluster = new SchemaCheckingCluster();
  cluster.seed(Kinds.VirtualService, virtualService(NS, [{ host: 'web-stable' }, { host: 'web-canary' }]));
  const router = routerFor(rollout, { reader: cluster, writer: cluster }) as TrafficRouter;
  await act(router);
  const vs = await cluster.get<VirtualServiceObject>(Kinds.VirtualService, NS, 'web');
  return (vs?.spec?.http ?? []) as Array<Record<string, unknown>>;
}

describe('Istio header route matches', () => {
  it('given prefix and regex header values, then the route matches the headers with those kinds', async () => {
    const http = await routed((router) =>
      router.setHeaderRoute!({ name: 'testers', match: [{ headerName: 'x-team', headerValue: { prefix: 'qa-' } }, { headerName: 'x-build', headerValue: { regex: '^[0-9]+$' } }] }, CONTEXT),
    );
    expect(http.find((r) => r['name'] === 'testers')?.['match']).toEqual([{ headers: { 'x-team': { prefix: 'qa-' }, 'x-build': { regex: '^[0-9]+$' } } }]);
  });
});

describe('Istio mirror route matches', () => {
  it('given method, path and header matches of every kind, then each becomes the Istio match of that kind', async () => {
    const http = await routed((router) =>
      router.setMirrorRoute!(
        {
          name: 'mirror',
          percentage: 20,
          match: [
            { method: { prefix: 'PO' }, path: { exact: '/checkout' }, headers: { 'x-a': { exact: '1' }, 'x-b': { prefix: 'v' }, 'x-c': { regex: 'z+' } } },
            { method: { regex: 'GET|HEAD' }, path: { regex: '^/api/.*' } },
          ],
        },
        CONTEXT,
      ),
    );
    const mirror = http.find((r) => r['name'] === 'mirror');
    expect(mirror?.['match']).toEqual([
      { method: { prefix: 'PO' }, uri: { exact: '/checkout' }, headers: { 'x-a': { exact: '1' }, 'x-b': { prefix: 'v' }, 'x-c': { regex: 'z+' } } },
      { method: { regex: 'GET|HEAD' }, uri: { regex: '^/api/.*' } },
    ]);
    expect(mirror?.['mirrorPercentage']).toEqual({ value: 20 });
  });
});
