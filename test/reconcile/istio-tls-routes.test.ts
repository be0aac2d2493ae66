// Specification: Argo's Istio TLS manifests (test/e2e/istio/istio-host-http-tls-split.yaml and
// istio-host-only-tls-split.yaml), only the apiVersion swapped, end to end on the sandbox: the tls routes that
// tlsRoutes selects by port and SNI hosts carry the weight beside (or without) the http route, and an abort resets them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiVersionOf, Kinds, type ResourceKind } from '../../src/kube/resource-kind.js';
import type { VirtualServiceObject } from '../../src/traffic/istio-router.js';
import { argoDocuments } from '../fixtures/argo-corpus.js';
import { ROUTING_CRD_FILES } from '../traffic/support/traffic-cluster.js';
import { openHarness, type Harness, type RolloutObject } from './controller-harness.js';

// @covers spec.strategy.canary.trafficRouting.istio.virtualService.tlsRoutes
// @covers spec.strategy.canary.trafficRouting.istio.virtualService.tlsRoutes[].port
// @covers spec.strategy.canary.trafficRouting.istio.virtualService.tlsRoutes[].sniHosts

const KINDS: Record<string, ResourceKind> = { Service: Kinds.Service, VirtualService: Kinds.VirtualService, Rollout: Kinds.Rollout };
let h: Harness;

beforeAll(async () => {
  h = await openHarness('istio-tls', { crdFiles: ROUTING_CRD_FILES });
});

afterAll(async () => {
  await h?.close();
});

async function apply(file: string, namespace: string): Promise<string> {
  await h.controller.client.create(Kinds.Namespace, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
  let rollout = '';
  for (const doc of argoDocuments(file)) {
    const kind = KINDS[doc.kind ?? ''];
    if (!kind) continue;
    // The VirtualService is written as v1beta1; Vane's client speaks v1alpha3, the same schema served side by side.
    await h.controller.client.create(kind, { ...doc, apiVersion: apiVersionOf(kind), metadata: { ...doc.metadata, namespace } });
    if (doc.kind === 'Rollout') rollout = doc.metadata.name ?? '';
  }
  return rollout;
}

async function waitIn(namespace: string, name: string, done: (ro: RolloutObject) => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const ro = await h.controller.client.get<RolloutObject>(Kinds.Rollout, namespace, name);
    if (ro && done(ro)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last status: ${JSON.stringify(ro?.status)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** [stable, canary] weights of each http and tls route. */
async function weights(namespace: string, vsName: string): Promise<{ http: number[][]; tls: number[][] }> {
  const vs = await h.controller.client.get<VirtualServiceObject>(Kinds.VirtualService, namespace, vsName);
  const of = (routes: Array<{ route?: Array<{ weight?: number }> }> | undefined): number[][] => (routes ?? []).map((r) => (r.route ?? []).map((d) => d.weight ?? 0));
  return { http: of(vs?.spec?.http), tls: of(vs?.spec?.tls) };
}

async function rollOut(namespace: string, name: string): Promise<void> {
  await waitIn(namespace, name, (ro) => ro.status?.phase === 'Healthy', 'the first release Healthy');
  await h.controller.client.patch(Kinds.Rollout, namespace, name, { spec: { template: { spec: { containers: [{ name, image: 'nginx:1.20-alpine' }] } } } }, 'merge');
  await waitIn(namespace, name, (ro) => ro.status?.phase === 'Paused' && ro.status.currentStepIndex === 1 && ro.status.observedGeneration === ro.metadata.generation, 'the pause after setWeight 10');
}

describe("Argo's Istio TLS route manifests", () => {
  it('given istio-host-http-tls-split.yaml at setWeight 10, then the primary http route and the tls route on port 3000 both split 90/10; an abort puts both on stable', async () => {
    const ns = 'http-tls';
    const name = await apply('test/e2e/istio/istio-host-http-tls-split.yaml', ns);
    await rollOut(ns, name);
    expect(await weights(ns, 'istio-host-split-vsvc')).toEqual({ http: [[90, 10]], tls: [[90, 10]] });

    await h.controller.client.patchStatus(Kinds.Rollout, ns, name, { status: { command: { id: 'abort-1', action: 'abort', actor: 'tester', time: new Date().toISOString() } } }, 'merge');
    await waitIn(ns, name, (ro) => ro.status?.phase === 'Degraded', 'the abort');
    expect(await weights(ns, 'istio-host-split-vsvc')).toEqual({ http: [[100, 0]], tls: [[100, 0]] });
  }, 120_000);

  it('given istio-host-only-tls-split.yaml (a VirtualService with tls routes only) at setWeight 10, then its tls route splits 90/10', async () => {
    const ns = 'only-tls';
    const name = await apply('test/e2e/istio/istio-host-only-tls-split.yaml', ns);
    await rollOut(ns, name);
    expect(await weights(ns, 'istio-host-split-tls-vsvc')).toEqual({ http: [], tls: [[90, 10]] });
  }, 120_000);
});
