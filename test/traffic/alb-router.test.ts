// Specification of the ALB router beyond the common contract: Argo's annotation format byte for byte, a custom
// prefix and stickiness, several Ingresses, header-route conditions and paths, and what finalize restores.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kinds } from '../../src/kube/resource-kind.js';
import type { ALBTrafficRouting } from '../../src/resources/rollout.js';
import { MANAGED_ALB_ANNOTATIONS } from '../../src/traffic/alb-router.js';
import type { IngressObject } from '../../src/traffic/nginx-router.js';
import { routerFor } from '../../src/traffic/router-factory.js';
import type { TrafficRouter } from '../../src/traffic/traffic-router.js';
import { albIngress, CONTEXT } from './support/router-fixtures.js';
import { createRollout, openTrafficCluster, type TrafficCluster } from './support/traffic-cluster.js';

// @covers spec.strategy.canary.trafficRouting.alb.annotationPrefix
// @covers spec.strategy.canary.trafficRouting.alb.stickinessConfig
// @covers spec.strategy.canary.trafficRouting.alb.stickinessConfig.enabled
// @covers spec.strategy.canary.trafficRouting.alb.stickinessConfig.durationSeconds
// @covers spec.strategy.canary.trafficRouting.alb.ingresses
// @covers spec.strategy.canary.trafficRouting.alb.ingress
// @covers spec.strategy.canary.trafficRouting.alb.servicePort
// @covers spec.strategy.canary.trafficRouting.alb.rootService

let cluster: TrafficCluster;

beforeAll(async () => {
  cluster = await openTrafficCluster();
});

afterAll(async () => {
  await cluster?.close();
});

async function routed(namespace: string, alb: ALBTrafficRouting, name = 'web'): Promise<TrafficRouter> {
  const rollout = await createRollout(cluster.client, namespace, { trafficRouting: { alb } }, name);
  const router = routerFor(rollout, cluster.deps);
  if (!router) throw new Error('no router');
  return router;
}

async function live(namespace: string, name: string): Promise<IngressObject> {
  const found = await cluster.client.get<IngressObject>(Kinds.Ingress, namespace, name);
  if (!found) throw new Error(`Ingress ${name} missing`);
  return found;
}

describe('the ALB router', () => {
  it('given a custom annotationPrefix and stickiness, when the weight is set to 30, then the action is Argo\'s JSON byte for byte under that prefix, named after stableService when rootService is absent', async () => {
    const ns = await cluster.namespace('alb-format');
    await cluster.client.create(Kinds.Ingress, albIngress(ns, 'web', 'web-stable'));
    const router = await routed(ns, { ingress: 'web', servicePort: 8080, annotationPrefix: 'custom.alb.ingress.kubernetes.io', stickinessConfig: { enabled: true, durationSeconds: 3600 } });
    await router.setWeight(30, CONTEXT);
    const annotations = (await live(ns, 'web')).metadata.annotations ?? {};
    expect(annotations['custom.alb.ingress.kubernetes.io/actions.web-stable']).toBe(
      '{"Type":"forward","ForwardConfig":{"TargetGroups":[{"ServiceName":"web-canary","ServicePort":"8080","Weight":30},{"ServiceName":"web-stable","ServicePort":"8080","Weight":70}],"TargetGroupStickinessConfig":{"Enabled":true,"DurationSeconds":3600}}}',
    );
    expect(annotations['alb.ingress.kubernetes.io/actions.web-stable']).toBeUndefined();
    expect(JSON.parse(annotations[MANAGED_ALB_ANNOTATIONS] ?? '')).toEqual({ web: ['custom.alb.ingress.kubernetes.io/actions.web-stable'] });
    expect(await router.getWeight()).toBe(30);
  });

  it('given stickiness disabled, then the action carries no stickiness config', async () => {
    const ns = await cluster.namespace('alb-unsticky');
    await cluster.client.create(Kinds.Ingress, albIngress(ns, 'web', 'web-stable'));
    const router = await routed(ns, { ingress: 'web', servicePort: 80, stickinessConfig: { enabled: false, durationSeconds: 0 } });
    await router.setWeight(5, CONTEXT);
    const action = JSON.parse((await live(ns, 'web')).metadata.annotations?.['alb.ingress.kubernetes.io/actions.web-stable'] ?? '') as Record<string, unknown>;
    expect(action).toEqual({ Type: 'forward', ForwardConfig: { TargetGroups: [{ ServiceName: 'web-canary', ServicePort: '80', Weight: 5 }, { ServiceName: 'web-stable', ServicePort: '80', Weight: 95 }] } });
  });

  it('given two ingresses, when the weight is set, then both carry it; when one is missing, then the error names it and getWeight has no answer', async () => {
    const ns = await cluster.namespace('alb-multi');
    await cluster.client.create(Kinds.Ingress, albIngress(ns, 'public', 'root'));
    await cluster.client.create(Kinds.Ingress, albIngress(ns, 'internal', 'root'));
    const router = await routed(ns, { ingresses: ['public', 'internal'], rootService: 'root', servicePort: 80 });
    await router.setWeight(40, CONTEXT);
    for (const name of ['public', 'internal']) {
      const action = JSON.parse((await live(ns, name)).metadata.annotations?.['alb.ingress.kubernetes.io/actions.root'] ?? '') as { ForwardConfig: { TargetGroups: unknown[] } };
      expect(action.ForwardConfig.TargetGroups).toEqual([{ ServiceName: 'web-canary', ServicePort: '80', Weight: 40 }, { ServiceName: 'web-stable', ServicePort: '80', Weight: 60 }]);
    }
    await cluster.client.delete(Kinds.Ingress, ns, 'internal');
    await expect(router.setWeight(50, CONTEXT)).rejects.toThrow(`Ingress ${ns}/internal not found (referenced by Rollout ${ns}/web)`);
    expect(await router.getWeight()).toBeUndefined();
  });

  it('given an Ingress whose root backend has a numbered port, then setting a weight is refused: the ALB would never read the action', async () => {
    const ns = await cluster.namespace('alb-port');
    const ingress = albIngress(ns, 'web', 'web-stable');
    ingress.spec!.rules![0]!.http!.paths[0]!.backend.service!.port = { number: 80 };
    await cluster.client.create(Kinds.Ingress, ingress);
    const router = await routed(ns, { ingress: 'web', servicePort: 80 });
    await expect(router.setWeight(10, CONTEXT)).rejects.toThrow(`Ingress ${ns}/web has no rule whose backend is the Service "web-stable"`);
    expect((await live(ns, 'web')).metadata.annotations).toEqual(ingress.metadata.annotations);
  });

  it('given an Ingress with two rules, when a two-header route is set, then Argo\'s conditions are written and a path to the route precedes the root path only in the rule that has one', async () => {
    const ns = await cluster.namespace('alb-header');
    const ingress = albIngress(ns, 'web', 'root');
    ingress.spec!.rules!.push({ host: 'other.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'other', port: { number: 80 } } } }] } });
    ingress.spec!.rules![0]!.http!.paths[0]!.path = '/api/*';
    await cluster.client.create(Kinds.Ingress, ingress);
    const router = await routed(ns, { ingress: 'web', rootService: 'root', servicePort: 80 });
    await router.setWeight(20, CONTEXT);
    await router.setHeaderRoute?.({ name: 'beta', match: [{ headerName: 'x-canary', headerValue: { exact: 'yes' } }, { headerName: 'user-agent', headerValue: { exact: 'Mozilla*' } }] }, CONTEXT);
    const after = await live(ns, 'web');
    expect(after.metadata.annotations?.['alb.ingress.kubernetes.io/conditions.beta']).toBe(
      '[{"field":"http-header","httpHeaderConfig":{"httpHeaderName":"x-canary","values":["yes"]}},{"field":"http-header","httpHeaderConfig":{"httpHeaderName":"user-agent","values":["Mozilla*"]}}]',
    );
    expect(after.metadata.annotations?.['alb.ingress.kubernetes.io/actions.beta']).toBe('{"Type":"forward","ForwardConfig":{"TargetGroups":[{"ServiceName":"web-canary","ServicePort":"80","Weight":100}]}}');
    expect(after.spec?.rules?.[0]?.http?.paths).toEqual([
      { path: '/api/*', pathType: 'ImplementationSpecific', backend: { service: { name: 'beta', port: { name: 'use-annotation' } } } },
      { path: '/api/*', pathType: 'ImplementationSpecific', backend: { service: { name: 'root', port: { name: 'use-annotation' } } } },
    ]);
    expect(after.spec?.rules?.[1]).toEqual(ingress.spec!.rules![1]);
    expect(await cluster.writer.countDuring(async () => router.setHeaderRoute?.({ name: 'beta', match: [{ headerName: 'x-canary', headerValue: { exact: 'yes' } }, { headerName: 'user-agent', headerValue: { exact: 'Mozilla*' } }] }, CONTEXT))).toBe(0);
    await expect(router.setHeaderRoute?.({ name: 'gamma', match: [{ headerName: 'x-team', headerValue: { prefix: 'qa' } }] }, CONTEXT)).rejects.toThrow('must match an exact value');
  });

  it('given a canary at 50 with a header route and another Rollout\'s action on the same Ingress, when finalized, then this Rollout\'s action forwards to its root Service alone with its stickiness, its route is gone, and the other Rollout\'s action and bookkeeping are untouched', async () => {
    const ns = await cluster.namespace('alb-final');
    const ingress = albIngress(ns, 'web', 'root');
    ingress.spec!.rules![0]!.http!.paths.push({ path: '/admin/*', pathType: 'ImplementationSpecific', backend: { service: { name: 'admin-root', port: { name: 'use-annotation' } } } });
    await cluster.client.create(Kinds.Ingress, ingress);
    const router = await routed(ns, { ingress: 'web', rootService: 'root', servicePort: 80, stickinessConfig: { enabled: true, durationSeconds: 60 } });
    const other = await routed(ns, { ingress: 'web', rootService: 'admin-root', servicePort: 81 }, 'admin');
    await other.setWeight(10, CONTEXT);
    const otherAction = (await live(ns, 'web')).metadata.annotations?.['alb.ingress.kubernetes.io/actions.admin-root'];
    await router.setWeight(50, CONTEXT);
    await router.setHeaderRoute?.({ name: 'beta', match: [{ headerName: 'x-canary', headerValue: { exact: 'yes' } }] }, CONTEXT);

    await router.finalize();
    const after = await live(ns, 'web');
    const annotations = after.metadata.annotations ?? {};
    expect(annotations['alb.ingress.kubernetes.io/actions.root']).toBe('{"Type":"forward","ForwardConfig":{"TargetGroups":[{"ServiceName":"root","ServicePort":"80","Weight":100}],"TargetGroupStickinessConfig":{"Enabled":true,"DurationSeconds":60}}}');
    expect(Object.keys(annotations).filter((k) => k.includes('beta'))).toEqual([]);
    expect(after.spec?.rules?.[0]?.http?.paths.map((p) => p.backend.service?.name)).toEqual(['root', 'admin-root']);
    expect(annotations['alb.ingress.kubernetes.io/actions.admin-root']).toBe(otherAction);
    expect(JSON.parse(annotations[MANAGED_ALB_ANNOTATIONS] ?? '')).toEqual({ admin: ['alb.ingress.kubernetes.io/actions.admin-root'] });
    expect(await cluster.writer.countDuring(() => router.finalize())).toBe(0);

    await other.finalize();
    expect((await live(ns, 'web')).metadata.annotations?.[MANAGED_ALB_ANNOTATIONS]).toBeUndefined();
  });
});
