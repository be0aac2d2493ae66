// Specification: setHeaderRoute steps of a canary over a Gateway API HTTPRoute, end to end on the sandbox — the
// header rule Vane adds appears at its step, and is gone after a removal step, an abort and a completed rollout.
// @covers spec.strategy.canary.steps[].setHeaderRoute
// @covers spec.strategy.canary.steps[].setHeaderRoute.name
// @covers spec.strategy.canary.steps[].setHeaderRoute.match
// @covers spec.strategy.canary.steps[].setHeaderRoute.match[].headerName
// @covers spec.strategy.canary.steps[].setHeaderRoute.match[].headerValue
// @covers spec.strategy.canary.steps[].setHeaderRoute.match[].headerValue.exact
// @covers spec.strategy.canary.trafficRouting.gatewayAPI.httpRoutes[].useHeaderRoutes
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { Kinds } from '../../src/kube/resource-kind.js';
import type { CanaryStep, RolloutSpec } from '../../src/resources/rollout.js';
import { ROUTING_CRD_FILES } from '../traffic/support/traffic-cluster.js';
import { openHarness, type Harness, type RolloutObject } from './controller-harness.js';

const NS = 'headers';
let h: Harness;

interface RouteRule {
  name?: string;
  matches?: Array<{ headers?: Array<{ type?: string; name: string; value: string }> }>;
  backendRefs: Array<{ name: string; port?: number; weight?: number }>;
}

interface HeaderRoutedHTTPRoute extends KubeObject {
  spec: { rules: RouteRule[] };
}

const TESTERS: CanaryStep = { setHeaderRoute: { name: 'testers', match: [{ headerName: 'x-canary', headerValue: { exact: 'yes' } }] } };

function route(name: string): HeaderRoutedHTTPRoute {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name, namespace: NS },
    spec: { rules: [{ name: 'main', backendRefs: [{ name: `${name}-stable`, port: 80, weight: 100 }, { name: `${name}-canary`, port: 80, weight: 0 }] }] },
  };
}

async function liveRoute(name: string): Promise<HeaderRoutedHTTPRoute> {
  const live = await h.controller.client.get<HeaderRoutedHTTPRoute>(Kinds.HTTPRoute, NS, name);
  if (!live) throw new Error(`HTTPRoute ${name} is gone`);
  return live;
}

/** The rules of the live route as [name, header matches, backends with weights], so one assertion shows it all. */
async function rulesOf(name: string): Promise<Array<[string | undefined, string[], string[]]>> {
  return (await liveRoute(name)).spec.rules.map((rule) => [
    rule.name,
    (rule.matches ?? []).flatMap((m) => (m.headers ?? []).map((hd) => `${hd.name} ${hd.type ?? 'Exact'} ${hd.value}`)),
    rule.backendRefs.map((b) => `${b.name}=${b.weight ?? 1}`),
  ]);
}

function headerRoutedSpec(name: string, steps: CanaryStep[], useHeaderRoutes = true): Partial<RolloutSpec> {
  return {
    strategy: {
      canary: {
        stableService: `${name}-stable`,
        canaryService: `${name}-canary`,
        trafficRouting: { gatewayAPI: { httpRoutes: [{ name, useHeaderRoutes }] } },
        steps,
      },
    },
  };
}

/** A Healthy Rollout over its own HTTPRoute, then a new image: returns once the canary rests at step `pausedAt`. */
async function canaryPausedAt(name: string, steps: CanaryStep[], pausedAt: number): Promise<RolloutObject> {
  await h.controller.client.create(Kinds.HTTPRoute, route(name));
  await h.apply(name, headerRoutedSpec(name, steps), [`${name}-stable`, `${name}-canary`]);
  await h.waitFor(name, (ro) => ro.status?.phase === 'Healthy', 'the first revision Healthy');
  await h.setImage(name, 'img:2');
  return h.waitFor(name, (ro) => ro.status?.phase === 'Paused' && ro.status.currentStepIndex === pausedAt, `the pause at step ${pausedAt}`);
}

const ALL_STABLE = (name: string): [string, string[], string[]] => ['main', [], [`${name}-stable=100`, `${name}-canary=0`]];

beforeAll(async () => {
  h = await openHarness(NS, { crdFiles: ROUTING_CRD_FILES });
});

afterAll(async () => {
  await h?.close();
});

describe('setHeaderRoute over a Gateway API HTTPRoute', () => {
  it('given setWeight 10 → setHeaderRoute x-canary: yes → pause, when aborted at the pause, then the Vane header rule is gone and the canary weight is 0, written by the pass that decided the abort', async () => {
    const paused = await canaryPausedAt('abort', [{ setWeight: 10 }, TESTERS, { pause: {} }], 2);
    expect(await rulesOf('abort')).toEqual([
      ['main', [], ['abort-stable=90', 'abort-canary=10']],
      ['vane-testers-0', ['x-canary Exact yes'], ['abort-canary=1']],
    ]);
    expect(paused.status?.canary?.headerRoutes).toEqual(['testers']);

    await h.command('abort', 'abort');
    const aborted = await h.waitFor('abort', (ro) => ro.status?.phase === 'Degraded', 'the abort');
    expect(aborted.status?.canary?.headerRoutes).toBeUndefined();

    expect(await rulesOf('abort')).toEqual([ALL_STABLE('abort')]);
    const rv = (obj: KubeObject): number => Number(obj.metadata.resourceVersion);
    const reset = await liveRoute('abort');
    expect(rv(reset)).toBeGreaterThan(rv(paused));
    expect(rv(reset)).toBeLessThan(rv(aborted));
  });

  it('given a header route set at step 1, when the rollout is promoted to completion, then the rule is gone and all traffic is on the promoted revision', async () => {
    await canaryPausedAt('done', [{ setWeight: 10 }, TESTERS, { pause: {} }], 2);
    expect((await rulesOf('done')).map(([rule]) => rule)).toEqual(['main', 'vane-testers-0']);

    await h.command('done', 'promote');
    const healthy = await h.waitFor('done', (ro) => ro.status?.phase === 'Healthy' && ro.status.history?.at(-1)?.outcome === 'Promoted', 'the promotion');

    expect(await rulesOf('done')).toEqual([ALL_STABLE('done')]);
    expect(healthy.status?.message).not.toContain('header route');
  });

  it('given a setHeaderRoute step with only a name, when the rollout reaches it, then the rule is removed while the canary goes on', async () => {
    await canaryPausedAt('removal', [{ setWeight: 20 }, TESTERS, { pause: {} }, { setHeaderRoute: { name: 'testers' } }, { pause: {} }], 2);
    expect((await rulesOf('removal')).map(([rule]) => rule)).toEqual(['main', 'vane-testers-0']);

    await h.command('removal', 'promote');
    await h.waitFor('removal', (ro) => ro.status?.phase === 'Paused' && ro.status.currentStepIndex === 4, 'the pause after the removal');

    expect(await rulesOf('removal')).toEqual([['main', [], ['removal-stable=80', 'removal-canary=20']]]);
  });

  it('given a header route over an HTTPRoute without useHeaderRoutes, then the Rollout is Degraded naming the step and the reason, and the route is untouched', async () => {
    await h.controller.client.create(Kinds.HTTPRoute, route('refused'));
    await h.apply('refused', headerRoutedSpec('refused', [{ setWeight: 10 }, TESTERS], false), ['refused-stable', 'refused-canary']);
    const degraded = await h.waitFor('refused', (ro) => ro.status?.phase === 'Degraded', 'the invalid spec reported');

    expect(degraded.status?.message).toContain('spec.strategy.canary.steps[1].setHeaderRoute: requires an httpRoute with useHeaderRoutes: true');
    expect(degraded.status?.conditions?.find((c) => c.type === 'InvalidSpec')?.reason).toBe('InvalidSpec');
    expect(await rulesOf('refused')).toEqual([ALL_STABLE('refused')]);
  });
});
