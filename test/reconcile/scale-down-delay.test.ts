// Specification: Argo Rollouts' own scale-down-delay e2e manifest (functional/canary-scaledowndelay.yaml, apiVersion
// swapped, nothing else), end to end on the sandbox, as Argo's TestCanaryScaleDownDelay drives it: after a promotion
// through a router the old stable keeps its pods, annotated with its scale-down deadline (Argo docs
// features/specification.md, canary.scaleDownDelaySeconds, default 30); with scaleDownDelayRevisionLimit 1 the next
// promotion scales the older one down at once; going back to a revision still waiting takes its deadline away; and a
// deadline that passes scales the old stable to zero.
// @covers spec.strategy.canary.scaleDownDelaySeconds
// @covers spec.strategy.canary.scaleDownDelayRevisionLimit
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { Kinds, type ResourceKind } from '../../src/kube/resource-kind.js';
import { SCALE_DOWN_DEADLINE_ANNOTATION } from '../../src/reconcile/old-replica-sets.js';
import { hashOf, type ReplicaSetObject } from '../../src/resources/replica-set.js';
import { openHarness, type Harness } from './controller-harness.js';

const NS = 'scaledowndelay';
const NAME = 'canary-scaledowndelay';
const CORPUS = join(import.meta.dirname, '..', 'fixtures', 'argo-rollouts', 'test', 'e2e', 'functional');
const KINDS: Record<string, ResourceKind> = { Service: Kinds.Service, Ingress: Kinds.Ingress, Rollout: Kinds.Rollout };

let h: Harness;

beforeAll(async () => {
  h = await openHarness(NS);
  const text = readFileSync(join(CORPUS, 'canary-scaledowndelay.yaml'), 'utf8').replaceAll('argoproj.io/v1alpha1', 'vane.dev/v1alpha1');
  for (const obj of (yaml.loadAll(text) as KubeObject[]).filter(Boolean)) {
    const kind = KINDS[obj.kind ?? ''];
    if (!kind) throw new Error(`unexpected kind ${String(obj.kind)}`);
    await h.controller.client.create(kind, { ...obj, metadata: { ...obj.metadata, namespace: NS } });
  }
}, 60_000);

afterAll(async () => {
  await h?.close();
});

/** Argo's e2e UpdateSpec of `spec.template.metadata.annotations.rev`; resolves to the new revision once Healthy. */
async function release(rev: string): Promise<string> {
  const before = h.rollout(NAME)?.status?.currentPodHash;
  await h.controller.client.patch(Kinds.Rollout, NS, NAME, { spec: { template: { metadata: { annotations: { rev } } } } }, 'merge');
  const ro = await h.waitFor(NAME, (r) => r.status?.currentPodHash !== before && r.status?.phase === 'Healthy' && r.status.stableRS === r.status.currentPodHash, `revision ${rev} Healthy`, 30_000);
  return ro.status?.stableRS ?? '';
}

function replicaSet(hash: string): ReplicaSetObject | undefined {
  return h.replicaSets(NAME).find((rs) => hashOf(rs) === hash);
}

async function until(what: string, done: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(h.replicaSets(NAME).map((rs) => ({ hash: hashOf(rs), replicas: rs.spec?.replicas, annotations: rs.metadata.annotations })))}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function deadlineOf(hash: string): string | undefined {
  return replicaSet(hash)?.metadata.annotations?.[SCALE_DOWN_DEADLINE_ANNOTATION];
}

describe("Argo's canary scale-down delay e2e manifest (functional/canary-scaledowndelay.yaml)", () => {
  it('given a router and scaleDownDelayRevisionLimit 1, then each replaced stable waits with a deadline 30s out, the next promotion takes the older one down at once, and a rollback to a waiting revision clears its deadline', async () => {
    const first = await h.waitFor(NAME, (ro) => ro.status?.phase === 'Healthy', 'the first revision Healthy', 30_000);
    const rev1 = first.status?.stableRS ?? '';

    const promotedAt = Date.now();
    const rev2 = await release('two');
    await until('rev1 to carry its deadline', () => deadlineOf(rev1) !== undefined);
    expect(replicaSet(rev1)?.spec?.replicas).toBe(1);
    // The default delay with a router is 30 seconds from the promotion.
    const deadline = Date.parse(deadlineOf(rev1) ?? '');
    expect(deadline - promotedAt).toBeGreaterThanOrEqual(29_000);
    expect(deadline - Date.now()).toBeLessThanOrEqual(30_000);

    await release('three');
    await until('rev1 to go and rev2 to wait', () => replicaSet(rev1)?.spec?.replicas === 0 && deadlineOf(rev2) !== undefined);
    expect(deadlineOf(rev1)).toBeUndefined();
    expect(replicaSet(rev2)?.spec?.replicas).toBe(1);

    // Back to revision two, still waiting: it is stable again and must not go at its old deadline.
    const back = await release('two');
    expect(back).toBe(rev2);
    await until('rev2 to lose its deadline', () => deadlineOf(rev2) === undefined);
    expect(replicaSet(rev2)?.spec?.replicas).toBe(1);
  }, 90_000);

  it('given scaleDownDelaySeconds 2, then the replaced stable keeps its pod until the deadline and scales to zero after it', async () => {
    await h.controller.client.patch(Kinds.Rollout, NS, NAME, { spec: { strategy: { canary: { scaleDownDelaySeconds: 2 } } } }, 'merge');
    const old = h.rollout(NAME)?.status?.stableRS ?? '';
    const promotedAt = Date.now();
    await release('four');
    await until('the old stable to carry a deadline', () => deadlineOf(old) !== undefined);
    expect(replicaSet(old)?.spec?.replicas).toBe(1);
    await until('the old stable to scale to zero', () => replicaSet(old)?.spec?.replicas === 0, 10_000);
    expect(Date.now() - promotedAt).toBeGreaterThanOrEqual(2_000);
    expect(deadlineOf(old)).toBeUndefined();
  }, 60_000);
});
