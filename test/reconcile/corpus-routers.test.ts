// Specification: Argo Rollouts' own APISIX and App Mesh manifests (test/fixtures/argo-rollouts, apiVersion swapped and
// nothing else) and a TraefikService as Argo docs traefik.md write it, run end to end on the sandbox with the real
// controller: weights follow the steps, an abort or a promotion puts all traffic on stable, deletion undoes the rest.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { apiVersionOf, Kinds, type ResourceKind } from '../../src/kube/resource-kind.js';
import { POD_TEMPLATE_HASH_LABEL } from '../../src/resources/pod-template-hash.js';
import type { ApisixRouteObject } from '../../src/traffic/apisix-router.js';
import type { VirtualNodeObject, VirtualRouterObject } from '../../src/traffic/appmesh-router.js';
import type { TraefikServiceObject } from '../../src/traffic/traefik-router.js';
import { ROUTING_CRD_FILES } from '../traffic/support/traffic-cluster.js';
import { openHarness, type Harness, type RolloutObject } from './controller-harness.js';

// @covers spec.strategy.canary.trafficRouting.apisix
// @covers spec.strategy.canary.trafficRouting.apisix.route
// @covers spec.strategy.canary.trafficRouting.apisix.route.name
// @covers spec.strategy.canary.trafficRouting.apisix.route.rules
// @covers spec.strategy.canary.trafficRouting.appMesh
// @covers spec.strategy.canary.trafficRouting.appMesh.virtualService
// @covers spec.strategy.canary.trafficRouting.appMesh.virtualService.name
// @covers spec.strategy.canary.trafficRouting.appMesh.virtualNodeGroup
// @covers spec.strategy.canary.trafficRouting.appMesh.virtualNodeGroup.canaryVirtualNodeRef
// @covers spec.strategy.canary.trafficRouting.appMesh.virtualNodeGroup.canaryVirtualNodeRef.name
// @covers spec.strategy.canary.trafficRouting.appMesh.virtualNodeGroup.stableVirtualNodeRef
// @covers spec.strategy.canary.trafficRouting.appMesh.virtualNodeGroup.stableVirtualNodeRef.name
// @covers spec.strategy.canary.trafficRouting.traefik
// @covers spec.strategy.canary.trafficRouting.traefik.weightedTraefikServiceName

const CORPUS = join(import.meta.dirname, '..', 'fixtures', 'argo-rollouts');
const MESH: ResourceKind = { group: 'appmesh.k8s.aws', version: 'v1beta2', kind: 'Mesh', plural: 'meshes', namespaced: false };
const KNOWN: ResourceKind[] = [...Object.values(Kinds), MESH];

let h: Harness;

beforeAll(async () => {
  h = await openHarness('corpus', { crdFiles: ROUTING_CRD_FILES });
});

afterAll(async () => {
  await h?.close();
});

/** A corpus file as an Argo user has it, with only the apiVersion swapped, created in `namespace`. */
async function applyCorpus(file: string, namespace: string): Promise<KubeObject[]> {
  const text = readFileSync(join(CORPUS, file), 'utf8').replaceAll('argoproj.io/v1alpha1', 'vane.dev/v1alpha1');
  const created: KubeObject[] = [];
  for (const doc of yaml.loadAll(text) as KubeObject[]) {
    if (!doc) continue;
    const kind = KNOWN.find((k) => k.kind === doc.kind && apiVersionOf(k) === doc.apiVersion);
    if (!kind) throw new Error(`${file}: no resource kind for ${doc.apiVersion} ${doc.kind}`);
    const object = kind.namespaced ? { ...doc, metadata: { ...doc.metadata, namespace } } : doc;
    created.push(await h.controller.client.create(kind, object));
  }
  return created;
}

async function live<T extends KubeObject>(kind: ResourceKind, namespace: string, name: string): Promise<T> {
  const found = await h.controller.client.get<T>(kind, namespace, name);
  if (!found) throw new Error(`${kind.kind} ${namespace}/${name} is gone`);
  return found;
}

async function deleteAndWait(namespace: string, name: string): Promise<void> {
  await h.controller.client.delete(Kinds.Rollout, namespace, name);
  const deadline = Date.now() + 20_000;
  while (await h.controller.client.get(Kinds.Rollout, namespace, name)) {
    if (Date.now() > deadline) throw new Error(`Rollout ${namespace}/${name} was not finalized`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function namespace(name: string): Promise<string> {
  await h.controller.client.create(Kinds.Namespace, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  return name;
}

const atStep = (index: number) => (ro: RolloutObject): boolean => ro.status?.phase === 'Paused' && ro.status.currentStepIndex === index && ro.status.observedGeneration === ro.metadata.generation;

describe("Argo Rollouts' APISIX e2e manifest (test/e2e/apisix/rollout-apisix-canary.yaml)", () => {
  const backends = async (ns: string): Promise<Array<[string, number | undefined]>> =>
    ((await live<ApisixRouteObject>(Kinds.ApisixRoute, ns, 'rollouts-apisix-route')).spec?.http?.[0]?.backends ?? []).map((b) => [b.serviceName, b.weight]);

  it('given the Rollout at steps 5 and 50, then the ApisixRoute backends carry those weights, and an abort puts 100 back on stable', async () => {
    const ns = await namespace('apisix-e2e');
    await applyCorpus('test/e2e/apisix/rollout-apisix-canary.yaml', ns);
    await waitIn(ns, 'rollout-apisix-canary', (ro) => ro.status?.phase === 'Healthy', 'the first revision Healthy');
    await h.controller.client.patch(Kinds.Rollout, ns, 'rollout-apisix-canary', { spec: { template: { spec: { containers: [{ name: 'rollout-apisix-canary', image: 'nginx:1.20-alpine' }] } } } }, 'merge');
    await waitIn(ns, 'rollout-apisix-canary', atStep(1), 'the pause after setWeight 5');
    expect(await backends(ns)).toEqual([['rollout-apisix-canary-stable', 95], ['rollout-apisix-canary-canary', 5]]);

    await h.controller.client.patchStatus(Kinds.Rollout, ns, 'rollout-apisix-canary', promote(), 'merge');
    await waitIn(ns, 'rollout-apisix-canary', atStep(3), 'the pause after setWeight 50');
    expect(await backends(ns)).toEqual([['rollout-apisix-canary-stable', 50], ['rollout-apisix-canary-canary', 50]]);

    await h.controller.client.patchStatus(Kinds.Rollout, ns, 'rollout-apisix-canary', abort(), 'merge');
    await waitIn(ns, 'rollout-apisix-canary', (ro) => ro.status?.phase === 'Degraded', 'the abort');
    expect(await backends(ns)).toEqual([['rollout-apisix-canary-stable', 100], ['rollout-apisix-canary-canary', 0]]);
    await deleteAndWait(ns, 'rollout-apisix-canary');
  }, 120_000);

  it('given the route of examples/apisix and a setHeaderRoute step, then an ApisixRoute of that name matches the header to the canary until the rollout ends', async () => {
    const ns = await namespace('apisix-header');
    await applyCorpus('examples/apisix/services.yaml', ns);
    await applyCorpus('examples/apisix/route.yaml', ns);
    const match = [{ headerName: 'trace', headerValue: { exact: 'debug' } }];
    await h.controller.client.create(Kinds.Rollout, {
      apiVersion: 'vane.dev/v1alpha1',
      kind: 'Rollout',
      metadata: { name: 'rollout-apisix-canary', namespace: ns },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'rollout-apisix-canary' } },
        template: { metadata: { labels: { app: 'rollout-apisix-canary' } }, spec: { containers: [{ name: 'app', image: 'img:1' }] } },
        strategy: {
          canary: {
            canaryService: 'rollout-apisix-canary-canary',
            stableService: 'rollout-apisix-canary-stable',
            trafficRouting: { apisix: { route: { name: 'rollouts-apisix-route', rules: ['rollouts-apisix'] } } },
            steps: [{ setCanaryScale: { replicas: 1 } }, { setHeaderRoute: { name: 'set-header', match } }, { setWeight: 20 }, { pause: {} }],
          },
        },
      },
    } as KubeObject);
    await waitIn(ns, 'rollout-apisix-canary', (ro) => ro.status?.phase === 'Healthy', 'the first revision Healthy');
    await h.controller.client.patch(Kinds.Rollout, ns, 'rollout-apisix-canary', { spec: { template: { spec: { containers: [{ name: 'app', image: 'img:2' }] } } } }, 'merge');
    await waitIn(ns, 'rollout-apisix-canary', atStep(3), 'the pause at 20');

    const header = await live<ApisixRouteObject>(Kinds.ApisixRoute, ns, 'set-header');
    const rule = header.spec?.http?.[0];
    expect(rule?.backends).toEqual([{ serviceName: 'rollout-apisix-canary-canary', servicePort: 80, weight: 100 }]);
    expect(rule?.match?.exprs).toEqual([{ subject: { scope: 'Header', name: 'trace' }, op: 'Equal', value: 'debug' }]);
    expect(rule?.priority).toBe(1);
    expect(header.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'Rollout', name: 'rollout-apisix-canary' });
    // The weights were not in the corpus route (Argo docs apisix.md leave them out for Argo CD): Vane writes them.
    const main = await live<ApisixRouteObject>(Kinds.ApisixRoute, ns, 'rollouts-apisix-route');
    expect(main.spec?.http?.[0]?.backends?.map((b) => b.weight)).toEqual([80, 20]);

    await h.controller.client.patchStatus(Kinds.Rollout, ns, 'rollout-apisix-canary', promote(), 'merge');
    await waitIn(ns, 'rollout-apisix-canary', (ro) => ro.status?.phase === 'Healthy' && ro.status.observedGeneration === ro.metadata.generation, 'the promotion');
    await expect.poll(() => h.controller.client.get(Kinds.ApisixRoute, ns, 'set-header')).toBeUndefined();
    expect((await live<ApisixRouteObject>(Kinds.ApisixRoute, ns, 'rollouts-apisix-route')).spec?.http?.[0]?.backends?.map((b) => b.weight)).toEqual([100, 0]);
    await deleteAndWait(ns, 'rollout-apisix-canary');
  }, 120_000);
});

describe("Argo Rollouts' App Mesh e2e manifest (test/e2e/appmesh/appmesh-canary-rollout.yaml)", () => {
  const targets = async (ns: string): Promise<Array<[string | undefined, number]>> =>
    ((await live<VirtualRouterObject>(Kinds.VirtualRouter, ns, 'my-vrouter')).spec?.routes?.[0]?.httpRoute?.action?.weightedTargets ?? []).map((t) => [t.virtualNodeRef?.name, t.weight]);
  const pinned = async (ns: string, node: string): Promise<string | undefined> => (await live<VirtualNodeObject>(Kinds.VirtualNode, ns, node)).spec?.podSelector?.matchLabels?.[POD_TEMPLATE_HASH_LABEL];

  it('given the canary at 50, then the VirtualRouter splits 50/50 between VirtualNodes pinned to each hash; promoted, all goes to the stable node on the new hash; deleted, the route stays on stable', async () => {
    const ns = await namespace('appmesh-e2e');
    await applyCorpus('test/e2e/appmesh/appmesh-canary-rollout.yaml', ns);
    await waitIn(ns, 'my-rollout', (ro) => ro.status?.phase === 'Healthy', 'the first revision Healthy');
    await h.controller.client.patch(Kinds.Rollout, ns, 'my-rollout', { spec: { template: { spec: { containers: [{ name: 'demo', image: 'argoproj/rollouts-demo:green' }] } } } }, 'merge');
    const paused = await waitIn(ns, 'my-rollout', atStep(1), 'the pause at 50');
    expect(await targets(ns)).toEqual([['my-vn-canary', 50], ['my-vn-stable', 50]]);
    const stableHash = paused.status?.stableRS;
    const canaryHash = paused.status?.currentPodHash;
    expect(stableHash).toBeTruthy();
    expect(canaryHash).not.toBe(stableHash);
    expect(await pinned(ns, 'my-vn-stable')).toBe(stableHash);
    expect(await pinned(ns, 'my-vn-canary')).toBe(canaryHash);
    // The rest of each podSelector is the user's.
    expect((await live<VirtualNodeObject>(Kinds.VirtualNode, ns, 'my-vn-canary')).spec?.podSelector?.matchLabels?.['app']).toBe('my-app');

    await h.controller.client.patchStatus(Kinds.Rollout, ns, 'my-rollout', promote(), 'merge');
    await waitIn(ns, 'my-rollout', (ro) => ro.status?.phase === 'Healthy' && ro.status.stableRS === canaryHash, 'the promotion');
    await expect.poll(() => targets(ns)).toEqual([['my-vn-canary', 0], ['my-vn-stable', 100]]);
    expect(await pinned(ns, 'my-vn-stable')).toBe(canaryHash);
    // App Mesh refuses two VirtualNodes with one podSelector: the idle canary node is parked on a hash no pod has.
    expect(await pinned(ns, 'my-vn-canary')).toBe('canary-hash');
    await deleteAndWait(ns, 'my-rollout');
    expect(await targets(ns)).toEqual([['my-vn-canary', 0], ['my-vn-stable', 100]]);
  }, 120_000);
});

describe('a TraefikService as Argo docs traefik.md write it', () => {
  const weights = async (ns: string): Promise<Array<[string, number | undefined]>> =>
    ((await live<TraefikServiceObject>(Kinds.TraefikService, ns, 'traefik-service')).spec?.weighted?.services ?? []).map((s) => [s.name, s.weight]);

  it('given the steps 30 / pause, then the weighted services carry 70/30, an abort puts 100 on stable, and deleting the Rollout mid-canary leaves stable at 100', async () => {
    const ns = await namespace('traefik-e2e');
    await h.controller.client.create(Kinds.TraefikService, {
      apiVersion: 'traefik.io/v1alpha1',
      kind: 'TraefikService',
      metadata: { name: 'traefik-service', namespace: ns },
      spec: { weighted: { services: [{ name: 'stable-rollout', port: 80 }, { name: 'canary-rollout', port: 80 }] } },
    } as KubeObject);
    for (const name of ['stable-rollout', 'canary-rollout']) {
      await h.controller.client.create(Kinds.Service, { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ns }, spec: { selector: { app: 'rollouts-demo' }, ports: [{ port: 80 }] } } as KubeObject);
    }
    const rollout = (name: string): KubeObject => ({
      apiVersion: 'vane.dev/v1alpha1',
      kind: 'Rollout',
      metadata: { name, namespace: ns },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'rollouts-demo' } },
        template: { metadata: { labels: { app: 'rollouts-demo' } }, spec: { containers: [{ name: 'app', image: 'img:1' }] } },
        strategy: { canary: { canaryService: 'canary-rollout', stableService: 'stable-rollout', trafficRouting: { traefik: { weightedTraefikServiceName: 'traefik-service' } }, steps: [{ setWeight: 30 }, { pause: {} }] } },
      },
    });
    await h.controller.client.create(Kinds.Rollout, rollout('rollouts-demo'));
    await waitIn(ns, 'rollouts-demo', (ro) => ro.status?.phase === 'Healthy', 'the first revision Healthy');
    const setImage = (image: string): Promise<KubeObject> => h.controller.client.patch(Kinds.Rollout, ns, 'rollouts-demo', { spec: { template: { spec: { containers: [{ name: 'app', image }] } } } }, 'merge');
    await setImage('img:2');
    await waitIn(ns, 'rollouts-demo', atStep(1), 'the pause at 30');
    expect(await weights(ns)).toEqual([['stable-rollout', 70], ['canary-rollout', 30]]);

    await h.controller.client.patchStatus(Kinds.Rollout, ns, 'rollouts-demo', abort(), 'merge');
    await waitIn(ns, 'rollouts-demo', (ro) => ro.status?.phase === 'Degraded', 'the abort');
    expect(await weights(ns)).toEqual([['stable-rollout', 100], ['canary-rollout', 0]]);

    await setImage('img:3');
    await waitIn(ns, 'rollouts-demo', atStep(1), 'the pause at 30 of the next release');
    expect(await weights(ns)).toEqual([['stable-rollout', 70], ['canary-rollout', 30]]);
    await deleteAndWait(ns, 'rollouts-demo');
    expect(await weights(ns)).toEqual([['stable-rollout', 100], ['canary-rollout', 0]]);
  }, 120_000);
});

function command(action: 'promote' | 'abort'): object {
  return { status: { command: { id: `${action}-${Date.now()}-${Math.random()}`, action, actor: 'tester', time: new Date().toISOString() } } };
}

function promote(): object {
  return command('promote');
}

function abort(): object {
  return command('abort');
}

/** Waits on the live Rollout in `ns` (the harness's own waitFor watches its namespace only). */
async function waitIn(ns: string, name: string, done: (ro: RolloutObject) => boolean, what: string, timeoutMs = 30_000): Promise<RolloutObject> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ro = await h.controller.client.get<RolloutObject>(Kinds.Rollout, ns, name);
    if (ro && done(ro)) return ro;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(ro?.status)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
