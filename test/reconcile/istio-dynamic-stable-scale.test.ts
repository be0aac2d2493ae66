// Specification: Argo Rollouts' istio/istio-subset-split-in-stable-downscale-after-canary-abort.yaml (apiVersion
// swapped, nothing else) end to end on the sandbox, as Argo's TestIstioSubsetSplitInStableDownscaleAfterCanaryAbort
// drives it: dynamicStableScale with Istio subsets and role labels; paused at setWeight 10, aborted, then scaled to
// one replica, the VirtualService sends everything to the stable subset. Also checked on the way: the role labels on
// the canary and stable pods (Argo docs features/ephemeral-metadata.md) and the stable kept at the share it serves.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { Kinds, type ResourceKind } from '../../src/kube/resource-kind.js';
import { POD_TEMPLATE_HASH_LABEL } from '../../src/resources/pod-template-hash.js';
import { hashOf } from '../../src/resources/replica-set.js';
import type { VirtualServiceObject } from '../../src/traffic/istio-router.js';
import { argoDocuments } from '../fixtures/argo-corpus.js';
import { ROUTING_CRD_FILES } from '../traffic/support/traffic-cluster.js';
import { openHarness, type Harness } from './controller-harness.js';

const NS = 'istio-dynamic';
const NAME = 'istio-subset-split-in-stable-downscale-after-canary-abort';
const KINDS: Record<string, ResourceKind> = { Service: Kinds.Service, VirtualService: Kinds.VirtualService, DestinationRule: Kinds.DestinationRule, Rollout: Kinds.Rollout };

let h: Harness;

beforeAll(async () => {
  h = await openHarness(NS, { crdFiles: ROUTING_CRD_FILES });
  for (const doc of argoDocuments(`test/e2e/istio/${NAME}.yaml`)) {
    const kind = KINDS[doc.kind ?? ''];
    if (!kind) throw new Error(`unexpected kind ${String(doc.kind)}`);
    await h.controller.client.create(kind, { ...doc, metadata: { ...doc.metadata, namespace: NS } });
  }
}, 60_000);

afterAll(async () => {
  await h?.close();
});

async function subsetWeights(): Promise<Record<string, number | undefined>> {
  const vs = await h.controller.client.get<VirtualServiceObject>(Kinds.VirtualService, NS, `${NAME}-vsvc`);
  return Object.fromEntries((vs?.spec?.http?.[0]?.route ?? []).map((d) => [d.destination.subset ?? '', d.weight]));
}

async function roles(hash: string): Promise<Array<string | undefined>> {
  const { items } = await h.controller.client.list<KubeObject>(Kinds.Pod, NS, { labelSelector: `${POD_TEMPLATE_HASH_LABEL}=${hash}` });
  return items.filter((p) => !p.metadata.deletionTimestamp).map((p) => p.metadata.labels?.['role']);
}

async function until(what: string, done: () => Promise<boolean> | boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify({ weights: await subsetWeights(), rs: h.replicaSets(NAME).map((rs) => [hashOf(rs), rs.spec?.replicas]) })}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("Argo's istio-subset-split-in-stable-downscale-after-canary-abort.yaml", () => {
  it('given a canary paused at 10% and aborted, when the Rollout is scaled to one replica, then the stable subset has all traffic and the pods carry their role labels', async () => {
    const first = await h.waitFor(NAME, (ro) => ro.status?.phase === 'Healthy', 'Healthy', 30_000);
    const stable = first.status?.stableRS ?? '';
    await until('stable pods labelled stable', async () => (await roles(stable)).filter((r) => r === 'stable').length === 4);

    await h.controller.client.patch(Kinds.Rollout, NS, NAME, { spec: { template: { metadata: { annotations: { rev: 'two' } } } } }, 'merge');
    const paused = await h.waitFor(NAME, (ro) => ro.status?.phase === 'Paused', 'Paused', 30_000);
    const canary = paused.status?.currentPodHash ?? '';
    expect(await subsetWeights()).toEqual({ stable: 90, canary: 10 });
    // 10% of 4: one canary pod; the stable keeps ceil(90% of 4) = 4.
    expect(h.replicaSets(NAME).find((rs) => hashOf(rs) === stable)?.spec?.replicas).toBe(4);
    await until('the canary pod labelled canary', async () => sameRoles(await roles(canary), ['canary']));

    await h.command(NAME, 'abort');
    await h.waitFor(NAME, (ro) => ro.status?.phase === 'Degraded' && ro.status.canary?.weights?.canary === 0, 'Degraded with traffic on stable', 30_000);
    await h.controller.client.patch(Kinds.Rollout, NS, NAME, { spec: { replicas: 1 } }, 'merge');
    await until('the stable at one replica', () => h.replicaSets(NAME).find((rs) => hashOf(rs) === stable)?.spec?.replicas === 1);
    expect(await subsetWeights()).toEqual({ stable: 100, canary: 0 });
  }, 90_000);
});

function sameRoles(actual: Array<string | undefined>, expected: string[]): boolean {
  return actual.length === expected.length && actual.every((r, i) => r === expected[i]);
}
