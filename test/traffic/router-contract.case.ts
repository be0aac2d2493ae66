// The TrafficRouter contract, written once and run against every provider (like hono's common.case.test.ts).
import { describe, expect, it } from 'vitest';
import { validateObject } from '../../src/sandbox/schema/structural-schema.js';
import { fixtureSchema, hasFixtureSchema } from './support/fixture-schemas.js';
import { Kinds } from '../../src/kube/resource-kind.js';
import type { VirtualServiceObject } from '../../src/traffic/istio-router.js';
import { CONTEXT, HEADER_ROUTE, MIRROR_ROUTE, type RouterFixture } from './support/router-fixtures.js';
import type { TrafficCluster } from './support/traffic-cluster.js';

export function describeRouterContract(fixture: RouterFixture, cluster: () => TrafficCluster): void {
  const namespaceName = fixture.name.replace(/[^a-z]+/g, '-').replace(/-$/, '');

  async function setUp(): Promise<{ router: Awaited<ReturnType<RouterFixture['setup']>>; namespace: string; c: TrafficCluster }> {
    const c = cluster();
    const namespace = await c.namespace(namespaceName);
    return { router: await fixture.setup(c, namespace), namespace, c };
  }

  describe(`the ${fixture.name} router`, () => {
    it('given a route at stable, when the weight is set to 0, 10, 50 and 100, then the live objects and getWeight read back each', async () => {
      const { router, namespace, c } = await setUp();
      for (const weight of [0, 10, 50, 100]) {
        await router.setWeight(weight, CONTEXT);
        expect(await fixture.liveShares(c.client, namespace)).toEqual([weight]);
        expect(await router.getWeight()).toBe(weight);
      }
    });

    it('given a canary at 50, when reset, then all traffic is on stable', async () => {
      const { router, namespace, c } = await setUp();
      await router.setWeight(50, CONTEXT);
      await router.reset(CONTEXT);
      expect(await fixture.liveShares(c.client, namespace)).toEqual([0]);
      expect(await router.getWeight()).toBe(0);
    });

    it('given a weight in place, when the same weight is applied again, then no write is issued', async () => {
      const { router, c } = await setUp();
      await router.setWeight(30, CONTEXT);
      expect(await c.writer.countDuring(() => router.setWeight(30, CONTEXT))).toBe(0);
      expect(await c.serverWritesDuring(() => router.setWeight(30, CONTEXT))).toBe(0);
      expect(await c.serverWritesDuring(() => router.setWeight(35, CONTEXT))).toBeGreaterThan(0);
      expect(await c.writer.countDuring(() => router.getWeight())).toBe(0);
      expect(await c.writer.countDuring(() => router.setWeight(40, CONTEXT))).toBeGreaterThan(0);
      await router.reset(CONTEXT);
      expect(await c.writer.countDuring(() => router.reset(CONTEXT))).toBe(0);
    });

    if (fixture.liveDestinations) {
      const live = fixture.liveDestinations.bind(fixture);
      // Argo docs features/experiment.md "Weighted Experiment Step with Traffic Routing": experiment Services get
      // their weight, the canary keeps its own and stable the rest; once the step is over the split is two again.
      /** Destinations Vane leaves alone (Istio's additionalSubsetNames): their weight comes out of stable's share. */
      const reservedOf = async (c: Parameters<typeof live>[0], namespace: string): Promise<Record<string, number>> =>
        Object.fromEntries(Object.entries(await live(c, namespace)).filter(([name]) => name !== 'stable' && name !== 'canary' && !name.startsWith('web-exp')));

      it('given a canary at 10, when two experiment Services get 20 and 5, then stable has 65 (less any reserved subset); when they are dropped, stable has 90 again', async () => {
        const { router, namespace, c } = await setUp();
        expect(router.additionalDestinations).toBe(true);
        await router.setWeight(10, CONTEXT);
        const reserved = await reservedOf(c.client, namespace);
        const held = Object.values(reserved).reduce((a, b) => a + b, 0);
        const experiment = [
          { serviceName: 'web-exp-baseline', podTemplateHash: '7f8e9d6c5', weight: 20 },
          { serviceName: 'web-exp-canary', podTemplateHash: '4c5d6e7f8', weight: 5 },
        ];
        await router.setWeight(10, CONTEXT, experiment);
        expect(await live(c.client, namespace)).toEqual({ stable: 65 - held, canary: 10, 'web-exp-baseline': 20, 'web-exp-canary': 5, ...reserved });
        expect(await router.getWeight()).toBe(10);
        expect(await c.serverWritesDuring(() => router.setWeight(10, CONTEXT, experiment))).toBe(0);
        await router.setWeight(10, CONTEXT, experiment.slice(1));
        expect(await live(c.client, namespace)).toEqual({ stable: 85 - held, canary: 10, 'web-exp-canary': 5, ...reserved });
        await router.setWeight(10, CONTEXT);
        expect(await live(c.client, namespace)).toEqual({ stable: 90 - held, canary: 10, ...reserved });
        expect(await fixture.liveShares(c.client, namespace)).toEqual([10]);
      });

      it('given experiment Services carrying traffic, when reset, then everything is on stable (but any reserved subset) and they are gone', async () => {
        const { router, namespace, c } = await setUp();
        await router.setWeight(30, CONTEXT, [{ serviceName: 'web-exp', podTemplateHash: '7f8e9d6c5', weight: 10 }]);
        await router.reset(CONTEXT);
        const reserved = await reservedOf(c.client, namespace);
        const held = Object.values(reserved).reduce((a, b) => a + b, 0);
        expect(await live(c.client, namespace)).toEqual({ stable: 100 - held, canary: 0, ...reserved });
      });
    } else {
      it('then it does not offer additional destinations (experiment weights are refused for it)', async () => {
        const { router } = await setUp();
        expect(router.additionalDestinations).not.toBe(true);
      });
    }

    if (fixture.headerRoutes) {
      it('given a canary at 20, when a header route is set and removed, then header traffic goes to the canary only meanwhile and the weight stays', async () => {
        const { router, namespace, c } = await setUp();
        await router.setWeight(20, CONTEXT);
        expect(await fixture.headerRouted(c.client, namespace)).toBe(false);
        await router.setHeaderRoute?.(HEADER_ROUTE, CONTEXT);
        expect(await fixture.headerRouted(c.client, namespace)).toBe(true);
        expect(await c.writer.countDuring(async () => router.setHeaderRoute?.(HEADER_ROUTE, CONTEXT))).toBe(0);
        expect(await router.getWeight()).toBe(20);
        await router.removeHeaderRoute?.(HEADER_ROUTE.name);
        expect(await fixture.headerRouted(c.client, namespace)).toBe(false);
        expect(await fixture.leftovers(c.client, namespace)).toEqual(fixture.weightLeftovers ?? []);
        expect(await c.writer.countDuring(async () => router.removeHeaderRoute?.(HEADER_ROUTE.name))).toBe(0);
        expect(await fixture.liveShares(c.client, namespace)).toEqual([20]);
      });
    } else {
      it('then it offers no header routes', async () => {
        const { router } = await setUp();
        expect(router.setHeaderRoute).toBeUndefined();
        expect(router.removeHeaderRoute).toBeUndefined();
      });
    }

    if (fixture.mirrorRoutes) {
      it('given a canary at 20 and a header route, when a mirror route is set, then it sits below the header route in managedRoutes order, mirrors to the canary, follows later weights, and goes when removed', async () => {
        const { router, namespace, c } = await setUp();
        await router.setWeight(20, CONTEXT);
        await router.setMirrorRoute?.(MIRROR_ROUTE, CONTEXT);
        await router.setHeaderRoute?.(HEADER_ROUTE, CONTEXT);
        const vs = await c.client.get<VirtualServiceObject>(Kinds.VirtualService, namespace, 'web');
        expect((vs?.spec?.http ?? []).map((r) => r.name)).toEqual(['testers', 'mirror', 'primary']);
        const mirror = vs?.spec?.http?.[1];
        expect(mirror?.match).toEqual([{ method: { exact: 'GET' }, uri: { prefix: '/' } }]);
        expect(mirror?.['mirror']).toMatchObject({ host: 'web-canary' });
        expect(mirror?.['mirrorPercentage']).toEqual({ value: 35 });
        expect(mirror?.route?.map((d) => d.weight)).toEqual([80, 20]);
        expect(await c.writer.countDuring(async () => router.setMirrorRoute?.(MIRROR_ROUTE, CONTEXT))).toBe(0);

        await router.setWeight(40, CONTEXT);
        const after = await c.client.get<VirtualServiceObject>(Kinds.VirtualService, namespace, 'web');
        expect(after?.spec?.http?.find((r) => r.name === 'mirror')?.route?.map((d) => d.weight)).toEqual([60, 40]);
        await router.removeHeaderRoute?.(MIRROR_ROUTE.name);
        const removed = await c.client.get<VirtualServiceObject>(Kinds.VirtualService, namespace, 'web');
        expect((removed?.spec?.http ?? []).map((r) => r.name)).toEqual(['testers', 'primary']);
        await router.setMirrorRoute?.(MIRROR_ROUTE, CONTEXT);
        await router.finalize();
        expect(await fixture.leftovers(c.client, namespace)).toEqual([]);
      });
    }

    it('given a canary at 50 (with a header route where supported), when finalized, then everything Vane added is gone and a second finalize writes nothing', async () => {
      const { router, namespace, c } = await setUp();
      await router.setWeight(50, CONTEXT);
      await router.setHeaderRoute?.(HEADER_ROUTE, CONTEXT);
      expect((await fixture.leftovers(c.client, namespace)).length).toBeGreaterThan(0);
      await router.finalize();
      expect(await fixture.leftovers(c.client, namespace)).toEqual([]);
      const after = await router.getWeight();
      expect(after === 0 || after === undefined).toBe(true);
      expect(await c.writer.countDuring(() => router.finalize())).toBe(0);
    });

    it('given a walk through every operation, then each object Vane wrote is valid for its real CRD schema', async () => {
      const { router, namespace, c } = await setUp();
      await router.setWeight(25, CONTEXT);
      await router.setHeaderRoute?.(HEADER_ROUTE, CONTEXT);
      const written = await fixture.written(c.client, namespace);
      expect(written.length).toBeGreaterThan(0);
      for (const { kind, object } of written) {
        if (!hasFixtureSchema(kind)) continue;
        expect(validateObject(fixtureSchema(kind), object)).toEqual([]);
      }
    });
  });
}
