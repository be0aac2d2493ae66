// Specification: Argo's test/e2e/smi_ingress/rollout-smi-ingress-canary.yaml (SMI and NGINX in one trafficRouting),
// only the apiVersion swapped, end to end on the sandbox: every weight reaches both the TrafficSplit and the NGINX
// canary Ingress, an abort puts both back on stable, and deleting the Rollout undoes both.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiVersionOf, Kinds, type ResourceKind } from '../../src/kube/resource-kind.js';
import type { IngressObject } from '../../src/traffic/nginx-router.js';
import type { TrafficSplitObject } from '../../src/traffic/smi-router.js';
import { argoDocuments } from '../fixtures/argo-corpus.js';
import { ROUTING_CRD_FILES } from '../traffic/support/traffic-cluster.js';
import { openHarness, type Harness, type RolloutObject } from './controller-harness.js';

// @covers spec.strategy.canary.trafficRouting.smi
// @covers spec.strategy.canary.trafficRouting.smi.trafficSplitName
// @covers spec.strategy.canary.trafficRouting.nginx
// @covers spec.strategy.canary.trafficRouting.nginx.stableIngress

const NS = 'smi-ingress';
const NAME = 'rollout-smi-ingress-canary';
const CANARY_INGRESS = `${NAME}-stable-${NAME}-canary`;
let h: Harness;

beforeAll(async () => {
  h = await openHarness(NS, { crdFiles: ROUTING_CRD_FILES });
});

afterAll(async () => {
  await h?.close();
});

/** The canary percent in the TrafficSplit and in the NGINX canary Ingress (absent: 0). */
async function shares(): Promise<{ smi: number | undefined; nginx: number }> {
  const split = await h.controller.client.get<TrafficSplitObject>(Kinds.TrafficSplit, NS, `${NAME}-trafficsplit`);
  const canary = await h.controller.client.get<IngressObject>(Kinds.Ingress, NS, CANARY_INGRESS);
  return {
    smi: split?.spec.backends.find((b) => b.service === `${NAME}-canary`)?.weight,
    nginx: Number(canary?.metadata.annotations?.['nginx.ingress.kubernetes.io/canary-weight'] ?? '0'),
  };
}

const pausedAt = (index: number) => (ro: RolloutObject): boolean => ro.status?.phase === 'Paused' && ro.status.currentStepIndex === index && ro.status.observedGeneration === ro.metadata.generation;

describe("Argo's smi_ingress/rollout-smi-ingress-canary.yaml", () => {
  it('given the canary at 5 and then 50, then the TrafficSplit and the canary Ingress both carry the weight; an abort puts both on stable; deletion removes what Vane made', async () => {
    for (const doc of argoDocuments('test/e2e/smi_ingress/rollout-smi-ingress-canary.yaml')) {
      const kind = Object.values(Kinds).find((k: ResourceKind) => k.kind === doc.kind && apiVersionOf(k) === doc.apiVersion);
      if (!kind) throw new Error(`no resource kind for ${doc.apiVersion} ${doc.kind}`);
      await h.controller.client.create(kind, { ...doc, metadata: { ...doc.metadata, namespace: NS } });
    }
    await h.waitFor(NAME, (ro) => ro.status?.phase === 'Healthy', 'the first release Healthy');
    await h.controller.client.patch(Kinds.Rollout, NS, NAME, { spec: { template: { spec: { containers: [{ name: NAME, image: 'nginx:1.20-alpine' }] } } } }, 'merge');

    await h.waitFor(NAME, pausedAt(1), 'the pause after setWeight 5');
    expect(await shares()).toEqual({ smi: 5, nginx: 5 });

    await h.command(NAME, 'promote');
    await h.waitFor(NAME, pausedAt(3), 'the pause after setWeight 50');
    expect(await shares()).toEqual({ smi: 50, nginx: 50 });

    await h.command(NAME, 'abort');
    await h.waitFor(NAME, (ro) => ro.status?.phase === 'Degraded', 'the abort');
    expect(await shares()).toEqual({ smi: 0, nginx: 0 });

    await h.controller.client.delete(Kinds.Rollout, NS, NAME);
    await expect.poll(() => h.controller.client.get(Kinds.Rollout, NS, NAME), { timeout: 20_000 }).toBeUndefined();
    expect(await h.controller.client.get(Kinds.Ingress, NS, CANARY_INGRESS)).toBeUndefined();
  }, 120_000);
});
