// Specification of the Ambassador router beyond the common contract, on Argo's own example (examples/ambassador,
// apiVersion swapped): the canary Mapping is a copy of the base pointed at the canary Service, and bad bases are refused.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kinds } from '../../src/kube/resource-kind.js';
import type { CanaryStrategy, Rollout } from '../../src/resources/rollout.js';
import { validateRollout } from '../../src/resources/rollout-validation.js';
import type { MappingObject } from '../../src/traffic/ambassador-router.js';
import { routerFor } from '../../src/traffic/router-factory.js';
import type { TrafficRouter } from '../../src/traffic/traffic-router.js';
import { baseMapping, CONTEXT } from './support/router-fixtures.js';
import { createRollout, openTrafficCluster, type TrafficCluster } from './support/traffic-cluster.js';

// @covers spec.strategy.canary.trafficRouting.ambassador
// @covers spec.strategy.canary.trafficRouting.ambassador.mappings

const EXAMPLE = join(import.meta.dirname, '..', 'fixtures', 'argo-rollouts', 'examples', 'ambassador');

let cluster: TrafficCluster;

beforeAll(async () => {
  cluster = await openTrafficCluster();
});

afterAll(async () => {
  await cluster?.close();
});

function example<T>(file: string): T {
  return yaml.load(readFileSync(join(EXAMPLE, file), 'utf8').replaceAll('argoproj.io/v1alpha1', 'vane.dev/v1alpha1')) as T;
}

async function routed(namespace: string, canary: Partial<CanaryStrategy>): Promise<TrafficRouter> {
  const router = routerFor(await createRollout(cluster.client, namespace, canary), cluster.deps);
  if (!router) throw new Error('no router');
  return router;
}

async function mapping(namespace: string, name: string): Promise<MappingObject | undefined> {
  return cluster.client.get<MappingObject>(Kinds.AmbassadorMapping, namespace, name);
}

describe('the Ambassador router on Argo\'s example', () => {
  it('given the example Mapping and Rollout, when the weight is set to 30 and 60, then echo-canary is the base spec sending to echo-canary:80 with that weight, owned by the Rollout with none of the base\'s metadata; at 0 it is gone', async () => {
    const ns = await cluster.namespace('amb-example');
    const rollout = example<Rollout>('rollout.yaml');
    expect(validateRollout(rollout)).toEqual([]);
    const base = example<MappingObject>('echo-mapping.yaml');
    await cluster.client.create(Kinds.AmbassadorMapping, { ...base, metadata: { ...base.metadata, namespace: ns, labels: { 'app.kubernetes.io/instance': 'echo' }, annotations: { team: 'web' } } });
    const router = await routed(ns, rollout.spec.strategy.canary!);

    await router.setWeight(30, CONTEXT);
    const canary = await mapping(ns, 'echo-canary');
    expect(canary?.spec).toEqual({ resolver: 'endpoint', prefix: '/echo', rewrite: '/echo', service: 'echo-canary:80', weight: 30 });
    expect(canary?.metadata.labels).toBeUndefined();
    expect(canary?.metadata.annotations).toBeUndefined();
    expect(canary?.metadata.ownerReferences?.map((r) => [r.kind, r.name])).toEqual([['Rollout', 'web']]);
    expect(await router.getWeight()).toBe(30);

    await router.setWeight(60, CONTEXT);
    expect((await mapping(ns, 'echo-canary'))?.spec?.weight).toBe(60);
    expect((await mapping(ns, 'echo'))?.spec).toEqual(base.spec);

    await router.setWeight(0, CONTEXT);
    expect(await mapping(ns, 'echo-canary')).toBeUndefined();
    expect(await router.getWeight()).toBe(0);
  });
});

describe('the Ambassador router', () => {
  it('given a base service with scheme, namespace and port, then only the Service name changes in the canary copy, and a later change to the base is followed', async () => {
    const ns = await cluster.namespace('amb-ref');
    const base = baseMapping(ns, 'web', '/web/');
    base.spec!.service = `https://web-stable.${ns}.svc.cluster.local:8443`;
    await cluster.client.create(Kinds.AmbassadorMapping, base);
    const router = await routed(ns, { trafficRouting: { ambassador: { mappings: ['web'] } } });
    await router.setWeight(10, CONTEXT);
    expect((await mapping(ns, 'web-canary'))?.spec?.service).toBe(`https://web-canary.${ns}.svc.cluster.local:8443`);

    const live = await mapping(ns, 'web');
    await cluster.client.replace(Kinds.AmbassadorMapping, { ...live!, spec: { ...live!.spec, timeout_ms: 5000 } });
    await router.setWeight(10, CONTEXT);
    expect((await mapping(ns, 'web-canary'))?.spec?.['timeout_ms']).toBe(5000);
  });

  it('given a base Mapping that sets a weight, then the canary is refused and nothing is created', async () => {
    const ns = await cluster.namespace('amb-weighted');
    const base = baseMapping(ns, 'web', '/web/');
    base.spec!.weight = 50;
    await cluster.client.create(Kinds.AmbassadorMapping, base);
    const router = await routed(ns, { trafficRouting: { ambassador: { mappings: ['web'] } } });
    await expect(router.setWeight(10, CONTEXT)).rejects.toThrow(`Mapping ${ns}/web sets weight 50: a Mapping that Vane splits must not define a weight`);
    expect(await mapping(ns, 'web-canary')).toBeUndefined();
  });

  it('given a base Mapping sending to another Service, then the canary is refused naming both', async () => {
    const ns = await cluster.namespace('amb-other');
    const base = baseMapping(ns, 'web', '/web/');
    base.spec!.service = 'legacy:80';
    await cluster.client.create(Kinds.AmbassadorMapping, base);
    const router = await routed(ns, { trafficRouting: { ambassador: { mappings: ['web'] } } });
    await expect(router.setWeight(10, CONTEXT)).rejects.toThrow(`Mapping ${ns}/web sends to "legacy:80", not to the stableService "web-stable"`);
  });

  it('given a missing base Mapping, then the error names it; given a <mapping>-canary that is not the Rollout\'s, then it is never taken over', async () => {
    const ns = await cluster.namespace('amb-missing');
    const router = await routed(ns, { trafficRouting: { ambassador: { mappings: ['web'] } } });
    await expect(router.setWeight(10, CONTEXT)).rejects.toThrow(`Mapping ${ns}/web not found (referenced by Rollout ${ns}/web)`);
    expect(await router.getWeight()).toBeUndefined();

    await cluster.client.create(Kinds.AmbassadorMapping, baseMapping(ns, 'web', '/web/'));
    await cluster.client.create(Kinds.AmbassadorMapping, { ...baseMapping(ns, 'web-canary', '/web/'), spec: { prefix: '/web/', service: 'someone-else:80', weight: 5 } });
    await expect(router.setWeight(10, CONTEXT)).rejects.toThrow(`Mapping ${ns}/web-canary exists and is not owned by Rollout ${ns}/web`);
    expect(await cluster.writer.countDuring(() => router.finalize())).toBe(0);
    expect((await mapping(ns, 'web-canary'))?.spec?.weight).toBe(5);
  });
});
