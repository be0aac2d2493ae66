// Specification: Argo's APISIX manifests whose first step sets setCanaryScale and setHeaderRoute together (and a pause
// in the e2e one), only the apiVersion swapped, end to end on the sandbox: the step scales the canary and sets the
// header route as it is entered, then waits for what Argo's order says (the pause; else the scaled pods).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { apiVersionOf, Kinds, type ResourceKind } from '../../src/kube/resource-kind.js';
import type { ReplicaSetObject } from '../../src/resources/replica-set.js';
import { POD_TEMPLATE_HASH_LABEL } from '../../src/resources/pod-template-hash.js';
import type { ApisixRouteObject } from '../../src/traffic/apisix-router.js';
import { argoDocuments } from '../fixtures/argo-corpus.js';
import { ROUTING_CRD_FILES } from '../traffic/support/traffic-cluster.js';
import { openHarness, type Harness, type RolloutObject } from './controller-harness.js';

// @covers spec.strategy.canary.steps[].setCanaryScale
// @covers spec.strategy.canary.steps[].setHeaderRoute

const NAME = 'rollout-apisix-canary';
let h: Harness;

beforeAll(async () => {
  h = await openHarness('combined', { crdFiles: ROUTING_CRD_FILES });
});

afterAll(async () => {
  await h?.close();
});

async function applyCorpus(files: string[], namespace: string): Promise<void> {
  await h.controller.client.create(Kinds.Namespace, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
  for (const file of files) {
    for (const doc of argoDocuments(file)) {
      const kind = Object.values(Kinds).find((k: ResourceKind) => k.kind === doc.kind && apiVersionOf(k) === doc.apiVersion);
      if (!kind) throw new Error(`${file}: no resource kind for ${doc.apiVersion} ${doc.kind}`);
      await h.controller.client.create(kind, { ...doc, metadata: { ...doc.metadata, namespace } });
    }
  }
}

async function waitIn(namespace: string, done: (ro: RolloutObject) => boolean, what: string): Promise<RolloutObject> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const ro = await h.controller.client.get<RolloutObject>(Kinds.Rollout, namespace, NAME);
    if (ro && done(ro)) return ro;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last status: ${JSON.stringify(ro?.status)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function newImage(namespace: string, container: string): Promise<void> {
  await h.controller.client.patch(Kinds.Rollout, namespace, NAME, { spec: { template: { spec: { containers: [{ name: container, image: 'nginx:1.21-alpine' }] } } } }, 'merge');
}

async function command(namespace: string, action: 'promote' | 'abort'): Promise<void> {
  const status = { command: { id: `${action}-${Date.now()}`, action, actor: 'tester', time: new Date().toISOString() } };
  await h.controller.client.patchStatus(Kinds.Rollout, namespace, NAME, { status }, 'merge');
}

async function replicasOf(namespace: string, hash: string | undefined): Promise<number | undefined> {
  const { items } = await h.controller.client.list<ReplicaSetObject>(Kinds.ReplicaSet, namespace);
  return items.find((rs) => rs.metadata.labels?.[POD_TEMPLATE_HASH_LABEL] === hash)?.spec?.replicas;
}

async function weights(namespace: string): Promise<Array<number | undefined>> {
  const route = await h.controller.client.get<ApisixRouteObject>(Kinds.ApisixRoute, namespace, 'rollouts-apisix-route');
  return (route?.spec?.http?.[0]?.backends ?? []).map((b) => b.weight);
}

const headerRoute = (namespace: string): Promise<KubeObject | undefined> => h.controller.client.get(Kinds.ApisixRoute, namespace, 'set-header');
const current = (ro: RolloutObject): boolean => ro.status?.observedGeneration === ro.metadata.generation;

describe("Argo's test/e2e/apisix/rollout-apisix-canary-set-header.yaml (setCanaryScale, setHeaderRoute and pause in one step)", () => {
  it('given a new revision, then step 0 scales the canary to 1 and sets the header route at once and waits for its pause; an abort removes the route', async () => {
    const ns = 'combined-e2e';
    await applyCorpus(['test/e2e/apisix/rollout-apisix-canary-set-header.yaml'], ns);
    await waitIn(ns, (ro) => ro.status?.phase === 'Healthy', 'the first release Healthy');
    await newImage(ns, 'rollout-apisix-canary');

    const paused = await waitIn(ns, (ro) => current(ro) && ro.status?.phase === 'Paused' && ro.status.currentStepIndex === 0, 'the pause of step 0');
    expect(await replicasOf(ns, paused.status?.currentPodHash)).toBe(1);
    const header = await headerRoute(ns);
    expect((header as ApisixRouteObject | undefined)?.spec?.http?.[0]?.match?.exprs).toEqual([{ subject: { scope: 'Header', name: 'trace' }, op: 'Equal', value: 'debug' }]);
    expect(await weights(ns)).toEqual([100, 0]);

    await command(ns, 'promote');
    await waitIn(ns, (ro) => ro.status?.currentStepIndex === 1 && ro.status.phase === 'Paused', 'the pause of step 1');
    expect(await headerRoute(ns)).toBeDefined();

    await command(ns, 'abort');
    await waitIn(ns, (ro) => ro.status?.phase === 'Degraded', 'the abort');
    await expect.poll(() => headerRoute(ns)).toBeUndefined();
    expect(await weights(ns)).toEqual([100, 0]);
  }, 120_000);
});

describe("Argo's examples/apisix (setCanaryScale with setHeaderRoute in one step, then pause)", () => {
  it('given a new revision, then step 0 waits for its one canary pod with the header route set, the pause follows, and the weights move only at setWeight 20', async () => {
    const ns = 'combined-example';
    await applyCorpus(['examples/apisix/services.yaml', 'examples/apisix/route.yaml', 'examples/apisix/rollout.yaml'], ns);
    await waitIn(ns, (ro) => ro.status?.phase === 'Healthy', 'the first release Healthy');
    await newImage(ns, 'rollouts-demo');

    const paused = await waitIn(ns, (ro) => current(ro) && ro.status?.phase === 'Paused' && ro.status.currentStepIndex === 1, 'the pause after the combined step');
    expect(await replicasOf(ns, paused.status?.currentPodHash)).toBe(1);
    expect(await replicasOf(ns, paused.status?.stableRS)).toBe(5);
    expect(await headerRoute(ns)).toBeDefined();
    expect(await weights(ns)).toEqual([100, 0]);

    await command(ns, 'promote');
    await waitIn(ns, (ro) => ro.status?.currentStepIndex === 3 && ro.status.phase === 'Paused', 'the pause after setWeight 20');
    expect(await weights(ns)).toEqual([80, 20]);
    expect(await headerRoute(ns)).toBeDefined();
  }, 120_000);
});
