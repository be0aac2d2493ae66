// Specification: Argo Rollouts' dynamicStableScale e2e manifests (functional/canary-dynamic-stable-scale.yaml and
// canary-dynamic-stable-scale-abort-delay.yaml, apiVersion swapped, nothing else), end to end on the sandbox with
// their ALB router. Argo docs features/canary.md "Dynamic Stable Scale (with Traffic Routing)": as the canary weight
// rises the stable is scaled to the share of traffic it keeps, only after the traffic has left it; on abort the stable
// is scaled back up and traffic returns to it only once it is available, then abortScaleDownDelaySeconds applies to
// the canary.
// @covers spec.strategy.canary.dynamicStableScale
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { Kinds, type ResourceKind } from '../../src/kube/resource-kind.js';
import { sameJson } from '../../src/resources/canonical-json.js';
import { openHarness, type Harness, type RolloutObject } from './controller-harness.js';

const NS = 'dynamic-stable';
const CORPUS = join(import.meta.dirname, '..', 'fixtures', 'argo-rollouts', 'test', 'e2e', 'functional');
const KINDS: Record<string, ResourceKind> = { Service: Kinds.Service, Ingress: Kinds.Ingress, Rollout: Kinds.Rollout };

let h: Harness;

beforeAll(async () => {
  h = await openHarness(NS);
  for (const file of ['canary-dynamic-stable-scale.yaml', 'canary-dynamic-stable-scale-abort-delay.yaml']) {
    const text = readFileSync(join(CORPUS, file), 'utf8').replaceAll('argoproj.io/v1alpha1', 'vane.dev/v1alpha1');
    for (const obj of (yaml.loadAll(text) as KubeObject[]).filter(Boolean)) {
      const kind = KINDS[obj.kind ?? ''];
      if (!kind) throw new Error(`${file}: unexpected kind ${String(obj.kind)}`);
      await h.controller.client.create(kind, { ...obj, metadata: { ...obj.metadata, namespace: NS } });
    }
  }
}, 60_000);

afterAll(async () => {
  await h?.close();
});

interface Snapshot {
  /** The canary weight in the ALB action on the Ingress: what the router really sends. */
  weight: number | undefined;
  stable: number | undefined;
  stableAvailable: number;
  canary: number | undefined;
}

type ReplicaSetLike = KubeObject & { spec?: { replicas?: number }; status?: { availableReplicas?: number } };

async function liveReplicaSet(hash: string): Promise<ReplicaSetLike | undefined> {
  const { items } = await h.controller.client.list<ReplicaSetLike>(Kinds.ReplicaSet, NS);
  return items.find((rs) => rs.metadata.labels?.['rollouts-pod-template-hash'] === hash);
}

/** The canary's share in the ALB forward action of the Rollout's Ingress, read live. */
async function liveWeight(name: string): Promise<number | undefined> {
  const ingress = await h.controller.client.get<KubeObject>(Kinds.Ingress, NS, `${name}-ingress`);
  const action = ingress?.metadata.annotations?.[`alb.ingress.kubernetes.io/actions.${name}-root`];
  if (action === undefined) return undefined;
  const groups = (JSON.parse(action) as { ForwardConfig: { TargetGroups: Array<{ ServiceName: string; Weight: number }> } }).ForwardConfig.TargetGroups;
  return groups.find((g) => g.ServiceName === `${name}-canary`)?.Weight;
}

/**
 * Reads live, in the order that makes a snapshot prove causality: `weightFirst` reads the router before the
 * ReplicaSets (a reset seen there happened before the counts read next), else after them (a scale-down seen happened
 * before the weight read next).
 */
async function snapshot(name: string, stable: string, canary: string, weightFirst: boolean): Promise<Snapshot> {
  const before = weightFirst ? await liveWeight(name) : undefined;
  const s = await liveReplicaSet(stable);
  const c = await liveReplicaSet(canary);
  const weight = weightFirst ? before : await liveWeight(name);
  return { weight, stable: s?.spec?.replicas, stableAvailable: s?.status?.availableReplicas ?? 0, canary: c?.spec?.replicas };
}

/** Polls until `done`, recording every distinct snapshot on the way. */
async function record(name: string, stable: string, canary: string, done: (s: Snapshot) => boolean, weightFirst = false, timeoutMs = 30_000): Promise<Snapshot[]> {
  const seen: Snapshot[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await snapshot(name, stable, canary, weightFirst);
    if (!sameJson(seen.at(-1), s)) seen.push(s);
    if (done(s)) return seen;
    if (Date.now() > deadline) throw new Error(`timed out; seen ${JSON.stringify(seen)}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const pausedAt = (step: number) => (ro: RolloutObject): boolean => ro.status?.currentStepIndex === step && (ro.status.pauseConditions?.length ?? 0) > 0;

/** Releases a new revision and walks it to the setWeight 75 pause, checking the counts at each step. */
async function toSeventyFive(name: string): Promise<{ stable: string; canary: string }> {
  const first = await h.waitFor(name, (ro) => ro.status?.phase === 'Healthy', `${name} Healthy`, 30_000);
  const stable = first.status?.stableRS ?? '';
  await h.controller.client.patch(Kinds.Rollout, NS, name, { spec: { template: { metadata: { annotations: { rev: 'two' } } } } }, 'merge');
  const paused = await h.waitFor(name, pausedAt(1), 'the pause after setWeight 25', 30_000);
  const canary = paused.status?.currentPodHash ?? '';
  // setWeight 25 of 4: one canary pod; once 25% of traffic left it, stable keeps ceil(75% of 4) = 3.
  await record(name, stable, canary, (s) => s.weight === 25 && s.stable === 3 && s.canary === 1);

  await h.command(name, 'promote');
  const rising = await record(name, stable, canary, (s) => s.weight === 75 && s.stable === 1 && s.canary === 3 && h.rollout(name)?.status?.currentStepIndex === 3);
  // Never below what the weight in force needs: stable shrank only after the weight moved to 75.
  for (const s of rising) if (s.weight === 25) expect(s.stable).toBe(3);
  await h.waitFor(name, pausedAt(3), 'the pause after setWeight 75', 30_000);
  return { stable, canary };
}

describe("Argo's dynamic stable scale e2e manifests (functional/canary-dynamic-stable-scale*.yaml)", () => {
  it('given setWeight 25 then 75, then stable goes 4 → 3 → 1 after the traffic moved; on abort stable is back at 4 and available before the weight goes to 0, and the canary keeps its pods for the default abort delay', async () => {
    const name = 'dynamic-stable-scale';
    const { stable, canary } = await toSeventyFive(name);

    // New pods take a while to be ready, so the abort visibly waits for the stable.
    h.cluster.workloads.setReadyDelay(1_500);
    await h.command(name, 'abort');
    const abort = await record(name, stable, canary, (s) => s.weight === 0, true);
    h.cluster.workloads.setReadyDelay(30);
    const moved = abort.findIndex((s) => s.weight === 0);
    expect(abort.slice(0, moved).every((s) => s.weight === 75)).toBe(true);
    expect(abort.slice(0, moved).some((s) => s.stable === 4 && s.stableAvailable < 4)).toBe(true);
    expect(abort[moved]?.stable).toBe(4);
    expect(abort[moved]?.stableAvailable).toBe(4);
    // abortScaleDownDelaySeconds defaults to 30: the canary keeps its pods for now.
    expect(abort[moved]?.canary).toBe(3);
    const aborted = await h.waitFor(name, (ro) => ro.status?.phase === 'Degraded' && ro.status.canary?.weights?.canary === 0, 'the abort recorded', 10_000);
    expect(aborted.status?.message).toContain('canary pods kept until the abort scale-down delay');
  }, 90_000);

  it('given abortScaleDownDelaySeconds 10, then the canary keeps its pods 10s after traffic is back on stable, then scales to zero', async () => {
    const name = 'dynamic-stable-scale-abort';
    const { stable, canary } = await toSeventyFive(name);
    await h.command(name, 'abort');
    await record(name, stable, canary, (s) => s.weight === 0, true);
    const movedAt = Date.now();
    expect(await snapshot(name, stable, canary, true)).toMatchObject({ stable: 4, canary: 3 });
    await record(name, stable, canary, (s) => s.canary === 0, true, 20_000);
    expect(Date.now() - movedAt).toBeGreaterThanOrEqual(9_000);
    expect((await snapshot(name, stable, canary, true)).stable).toBe(4);
  }, 90_000);
});
