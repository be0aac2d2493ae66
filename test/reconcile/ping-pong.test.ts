// Specification: Argo's ping-pong and subset-split Istio manifests, only the apiVersion swapped, run end to end on the
// sandbox — the ping and pong Services swap the stable role at each promotion (status.canary.stablePingPong), and
// destinationRule subsets split traffic without any stableService/canaryService.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { Kinds, type ResourceKind } from '../../src/kube/resource-kind.js';
import { POD_TEMPLATE_HASH_LABEL } from '../../src/resources/pod-template-hash.js';
import type { DestinationRuleObject, VirtualServiceObject } from '../../src/traffic/istio-router.js';
import type { ServiceObject } from '../../src/traffic/service-selector.js';
import { argoDocuments } from '../fixtures/argo-corpus.js';
import { ROUTING_CRD_FILES } from '../traffic/support/traffic-cluster.js';
import { openHarness, type Harness, type RolloutObject } from './controller-harness.js';

// @covers spec.strategy.canary.pingPong
// @covers spec.strategy.canary.pingPong.pingService
// @covers spec.strategy.canary.pingPong.pongService
// @covers status.canary.stablePingPong

const NS = 'pingpong';
let h: Harness;

const KINDS: Record<string, ResourceKind> = {
  Service: Kinds.Service,
  VirtualService: Kinds.VirtualService,
  DestinationRule: Kinds.DestinationRule,
  Rollout: Kinds.Rollout,
};

async function applyCorpus(file: string): Promise<void> {
  for (const doc of argoDocuments(file)) {
    const kind = KINDS[doc.kind ?? ''];
    if (!kind) continue; // Istio Gateways: not served by this sandbox and not read by Vane
    await h.controller.client.create(kind, { ...doc, metadata: { ...doc.metadata, namespace: NS } });
  }
}

async function live<T extends KubeObject>(kind: ResourceKind, name: string): Promise<T> {
  const found = await h.controller.client.get<T>(kind, NS, name);
  if (!found) throw new Error(`${kind.kind} ${name} missing`);
  return found;
}

async function hostWeights(vs: string): Promise<Record<string, number | undefined>> {
  const route = (await live<VirtualServiceObject>(Kinds.VirtualService, vs)).spec?.http?.find((r) => r.name === 'primary')?.route ?? [];
  return Object.fromEntries(route.map((d) => [d.destination.subset ?? d.destination.host, d.weight]));
}

async function selectedHash(service: string): Promise<string | undefined> {
  return (await live<ServiceObject>(Kinds.Service, service)).spec?.selector?.[POD_TEMPLATE_HASH_LABEL];
}

async function setImage(name: string, image: string): Promise<void> {
  const ro = await live<RolloutObject>(Kinds.Rollout, name);
  const template = structuredClone(ro.spec.template);
  const container = template?.spec.containers[0];
  if (!template || !container) throw new Error('no container');
  container.image = image;
  await h.controller.client.patch(Kinds.Rollout, NS, name, { spec: { template } }, 'merge');
}

const promotedTo = (image: string) => (ro: RolloutObject): boolean =>
  ro.status?.phase === 'Healthy' && ro.spec.template?.spec.containers[0]?.image === image && ro.status.stableRS === ro.status.currentPodHash;

beforeAll(async () => {
  h = await openHarness(NS, { crdFiles: ROUTING_CRD_FILES });
});

afterAll(async () => {
  await h?.close();
});

describe("Argo's istio-host-split-ping-pong.yaml", () => {
  it('given the first release, then ping is stable; each promotion moves the canary weight onto the other Service and swaps the stable role', async () => {
    const name = 'istio-host-split';
    await applyCorpus('test/e2e/istio/istio-host-split-ping-pong.yaml');
    const first = await h.waitFor(name, (ro) => ro.status?.phase === 'Healthy', 'the first release Healthy');
    expect(first.status?.canary?.stablePingPong).toBe('ping');
    expect(await hostWeights('istio-host-split-vsvc')).toEqual({ ping: 100, pong: 0 });

    await setImage(name, 'nginx:1.20-alpine');
    const paused = await h.waitFor(name, (ro) => ro.status?.currentStepIndex === 1, 'the canary at 25 (pause step)');
    expect(await hostWeights('istio-host-split-vsvc')).toEqual({ ping: 75, pong: 25 });
    expect(await selectedHash('pong')).toBe(paused.status?.currentPodHash);

    const second = await h.waitFor(name, promotedTo('nginx:1.20-alpine'), 'the second revision promoted', 30_000);
    expect(second.status?.canary?.stablePingPong).toBe('pong');
    expect(await hostWeights('istio-host-split-vsvc')).toEqual({ ping: 0, pong: 100 });
    expect(await selectedHash('pong')).toBe(second.status?.currentPodHash);

    // The next release is the canary on ping, the Service that is not stable now.
    await setImage(name, 'nginx:1.21-alpine');
    await h.waitFor(name, (ro) => ro.status?.currentStepIndex === 1 && ro.status.currentPodHash !== second.status?.currentPodHash, 'the third revision at 25');
    expect(await hostWeights('istio-host-split-vsvc')).toEqual({ ping: 25, pong: 75 });
    const third = await h.waitFor(name, promotedTo('nginx:1.21-alpine'), 'the third revision promoted', 30_000);
    expect(third.status?.canary?.stablePingPong).toBe('ping');
    expect(await hostWeights('istio-host-split-vsvc')).toEqual({ ping: 100, pong: 0 });
  }, 90_000);
});

describe("Argo's istio-subset-split.yaml", () => {
  it('given no stableService/canaryService, then the subsets are pinned to the two hashes and the weight follows setWeight 10', async () => {
    const name = 'istio-subset-split';
    await applyCorpus('test/e2e/istio/istio-subset-split.yaml');
    const first = await h.waitFor(name, (ro) => ro.status?.phase === 'Healthy', 'the first release Healthy');
    await setImage(name, 'nginx:1.20-alpine');
    const paused = await h.waitFor(name, (ro) => ro.status?.phase === 'Paused', 'the pause at 10');
    expect(await hostWeights('istio-subset-split-vsvc')).toEqual({ stable: 90, canary: 10 });
    const dr = await live<DestinationRuleObject>(Kinds.DestinationRule, 'istio-subset-split-destrule');
    const pinned = Object.fromEntries((dr.spec?.subsets ?? []).map((s) => [s.name, s.labels?.[POD_TEMPLATE_HASH_LABEL]]));
    expect(pinned).toEqual({ stable: first.status?.currentPodHash, canary: paused.status?.currentPodHash });
  }, 60_000);
});
