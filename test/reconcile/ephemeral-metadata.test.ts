// Specification: Argo Rollouts' ephemeral-metadata e2e manifest (functional/ephemeral-labels.yaml, apiVersion swapped,
// nothing else), end to end on the sandbox: the role labels go on the pod template of the ReplicaSet in that role and
// on its running pods, and move when the role does (Argo docs features/ephemeral-metadata.md: "When the rollout
// becomes fully promoted, the desired ReplicaSet becomes the stable ... The Pods of the ReplicaSet will then be
// updated in place"). The blue-green fields, on a Rollout written here, do the same for preview and active.
// @covers spec.strategy.canary.canaryMetadata
// @covers spec.strategy.canary.canaryMetadata.labels
// @covers spec.strategy.canary.stableMetadata
// @covers spec.strategy.canary.stableMetadata.labels
// @covers spec.strategy.blueGreen.activeMetadata
// @covers spec.strategy.blueGreen.activeMetadata.labels
// @covers spec.strategy.blueGreen.previewMetadata
// @covers spec.strategy.blueGreen.previewMetadata.labels
// @covers spec.strategy.blueGreen.previewMetadata.annotations
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { Kinds } from '../../src/kube/resource-kind.js';
import { EPHEMERAL_METADATA_ANNOTATION } from '../../src/reconcile/ephemeral-metadata.js';
import { POD_TEMPLATE_HASH_LABEL } from '../../src/resources/pod-template-hash.js';
import { hashOf, type ReplicaSetObject } from '../../src/resources/replica-set.js';
import { openHarness, template, type Harness, type RolloutObject } from './controller-harness.js';

const NS = 'ephemeral';
const NAME = 'ephemeral-label';
const CORPUS = join(import.meta.dirname, '..', 'fixtures', 'argo-rollouts', 'test', 'e2e', 'functional', 'ephemeral-labels.yaml');

let h: Harness;

beforeAll(async () => {
  h = await openHarness(NS);
  const rollout = yaml.load(readFileSync(CORPUS, 'utf8').replaceAll('argoproj.io/v1alpha1', 'vane.dev/v1alpha1')) as KubeObject;
  await h.controller.client.create(Kinds.Rollout, { ...rollout, metadata: { ...rollout.metadata, namespace: NS } });
}, 60_000);

afterAll(async () => {
  await h?.close();
});

function replicaSet(name: string, hash: string): ReplicaSetObject | undefined {
  return h.replicaSets(name).find((rs) => hashOf(rs) === hash);
}

async function podsOf(hash: string): Promise<KubeObject[]> {
  const { items } = await h.controller.client.list<KubeObject>(Kinds.Pod, NS, { labelSelector: `${POD_TEMPLATE_HASH_LABEL}=${hash}` });
  return items.filter((pod) => !pod.metadata.deletionTimestamp);
}

/** Waits until the ReplicaSet's template and every one of its `count` pods carry `role` under `key` (undefined: none). */
async function untilRole(name: string, hash: string, count: number, role: string | undefined, key = 'role', timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pods = await podsOf(hash);
    const template = replicaSet(name, hash)?.spec?.template?.metadata?.labels?.[key];
    if (template === role && pods.length === count && pods.every((pod) => pod.metadata.labels?.[key] === role)) return;
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${hash} to be ${String(role)}: template ${String(template)}, pods ${JSON.stringify(pods.map((p) => p.metadata.labels?.[key]))}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("Argo's ephemeral-labels e2e manifest (functional/ephemeral-labels.yaml)", () => {
  it('given a first release, then its ReplicaSet and pods are labelled stable and the ReplicaSet records what was put on it', async () => {
    const ro = await h.waitFor(NAME, (r) => r.status?.phase === 'Healthy', 'the first revision Healthy', 30_000);
    const stable = ro.status?.stableRS ?? '';
    await untilRole(NAME, stable, 2, 'stable');
    expect(JSON.parse(replicaSet(NAME, stable)?.metadata.annotations?.[EPHEMERAL_METADATA_ANNOTATION] ?? '{}')).toEqual({ labels: { role: 'stable' } });
  }, 60_000);

  it('given an update paused at setWeight 50, then the canary pods are labelled canary and the stable ones stay stable; after promotion the new revision is stable in place and the old one carries no role', async () => {
    const stable = h.rollout(NAME)?.status?.stableRS ?? '';
    await h.controller.client.patch(Kinds.Rollout, NS, NAME, { spec: { template: { metadata: { annotations: { rev: 'two' } } } } }, 'merge');
    const paused = await h.waitFor(NAME, (r) => r.status?.currentPodHash !== stable && (r.status?.pauseConditions?.length ?? 0) > 0, 'paused at the pause step', 30_000);
    const canary = paused.status?.currentPodHash ?? '';
    // Without a router setWeight 50 of 2 replicas is one pod each.
    await untilRole(NAME, canary, 1, 'canary');
    await untilRole(NAME, stable, 1, 'stable');
    const canaryPodNames = (await podsOf(canary)).map((pod) => pod.metadata.name).sort();

    await h.command(NAME, 'promote');
    await h.waitFor(NAME, (r) => r.status?.phase === 'Healthy' && r.status.stableRS === canary, 'the canary promoted', 30_000);
    await untilRole(NAME, canary, 2, 'stable');
    // In place: the pods that were the canary are still there, relabelled, not recreated.
    const promotedPodNames = (await podsOf(canary)).map((pod) => pod.metadata.name);
    for (const podName of canaryPodNames) expect(promotedPodNames).toContain(podName);
    await untilRole(NAME, stable, 0, undefined);
    expect(replicaSet(NAME, stable)?.metadata.annotations?.[EPHEMERAL_METADATA_ANNOTATION]).toBeUndefined();
  }, 90_000);
});

describe('blue-green activeMetadata and previewMetadata', () => {
  const name = 'bg-ephemeral';
  const blueGreen = {
    activeService: 'bg-ephemeral-active',
    previewService: 'bg-ephemeral-preview',
    autoPromotionEnabled: false,
    activeMetadata: { labels: { role: 'active' } },
    previewMetadata: { labels: { role: 'preview' }, annotations: { 'example.com/preview': 'yes' } },
  };

  it('given a preview waiting for promotion, then its pods carry the preview metadata and the active pods the active label; after promotion the preview pods are active and lose the preview annotation', async () => {
    await h.apply(name, { replicas: 1, strategy: { blueGreen } }, [blueGreen.activeService, blueGreen.previewService]);
    const first = await h.waitFor(name, (r: RolloutObject) => r.status?.phase === 'Healthy', 'the first revision Healthy', 30_000);
    const active = first.status?.stableRS ?? '';
    await untilRole(name, active, 1, 'active');

    const preview = await h.setImage(name, 'img:2');
    await h.waitFor(name, (r) => (r.status?.pauseConditions?.length ?? 0) > 0, 'waiting for promotion', 30_000);
    await untilRole(name, preview, 1, 'preview');
    expect((await podsOf(preview))[0]?.metadata.annotations?.['example.com/preview']).toBe('yes');
    await untilRole(name, active, 1, 'active');

    await h.command(name, 'promote');
    await h.waitFor(name, (r) => r.status?.phase === 'Healthy' && r.status.stableRS === preview, 'the preview promoted', 30_000);
    await untilRole(name, preview, 1, 'active');
    expect((await podsOf(preview))[0]?.metadata.annotations?.['example.com/preview']).toBeUndefined();
    expect(replicaSet(name, preview)?.spec?.template?.metadata?.annotations?.['example.com/preview']).toBeUndefined();
  }, 90_000);
});

describe('validation of role metadata', () => {
  it('given a role label the selector uses or a malformed label, then the Rollout is InvalidSpec naming the field', async () => {
    const bad = 'bad-ephemeral';
    await h.apply(bad, {
      template: template('img:1', bad),
      strategy: { canary: { canaryMetadata: { labels: { app: 'other' } }, stableMetadata: { labels: { 'bad key!': 'x' } } } },
    });
    const ro = await h.waitFor(bad, (r) => r.status?.phase === 'Degraded', 'the spec refused', 15_000);
    expect(ro.status?.message).toContain('spec.strategy.canary.canaryMetadata.labels.app');
    expect(ro.status?.message).toContain('spec.strategy.canary.stableMetadata.labels.bad key!');
    expect(h.replicaSets(bad)).toHaveLength(0);
  }, 30_000);
});
