// Specification: a standalone Experiment end to end on the sandbox with the real controller, from Argo Rollouts'
// published e2e manifest (apiVersion swapped, nothing else).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import yaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { Kinds } from '../../src/kube/resource-kind.js';
import type { Experiment } from '../../src/resources/experiment.js';
import type { ReplicaSetObject } from '../../src/resources/replica-set.js';
import { openHarness, type Harness } from '../reconcile/controller-harness.js';

const NS = 'experiments';
const CORPUS = resolve(import.meta.dirname, '../fixtures/argo-rollouts');
let h: Harness;

type ExperimentObject = Experiment & KubeObject;

function corpusExperiment(file: string): ExperimentObject {
  const text = readFileSync(resolve(CORPUS, file), 'utf8').replaceAll('argoproj.io/v1alpha1', 'vane.dev/v1alpha1');
  const doc = yaml.loadAll(text).find((d) => (d as { kind?: string }).kind === 'Experiment') as ExperimentObject;
  return { ...doc, metadata: { ...doc.metadata, namespace: NS } };
}

async function waitForExperiment(name: string, done: (e: ExperimentObject) => boolean, what: string, timeoutMs = 20_000): Promise<ExperimentObject> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const e = h.controller.informers.experiments.get(`${NS}/${name}`);
    if (e && done(e)) return e;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last status: ${JSON.stringify(e?.status && { ...e.status, machine: undefined })}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function ownedReplicaSets(e: ExperimentObject): ReplicaSetObject[] {
  return h.controller.informers.replicaSetsOfExperiment(e);
}

beforeAll(async () => {
  h = await openHarness(NS);
}, 60_000);

afterAll(async () => {
  await h?.close();
});

describe('a standalone Experiment (Argo docs features/experiment.md "Experiment Lifecycle")', () => {
  it('given Argo\'s experiment-basic.yaml (two templates, duration 30s), then each template runs one pod in a ReplicaSet it owns, it is Successful after 30s, and the ReplicaSets go to zero after the scale-down delay', async () => {
    const created = await h.controller.client.create(Kinds.Experiment, corpusExperiment('test/e2e/functional/experiment-basic.yaml'));
    const name = created.metadata.name ?? '';
    expect(name).toMatch(/^experiment-basic-/);
    const running = await waitForExperiment(name, (e) => e.status?.phase === 'Running', 'Running');
    const availableAt = Date.parse(running.status?.availableAt ?? '');
    const sets = ownedReplicaSets(running);
    expect(sets.map((rs) => [rs.metadata.name?.replace(/-[^-]+$/, ''), rs.spec?.replicas]).sort()).toEqual([[`${name}-baseline`, 1], [`${name}-canary`, 1]]);
    for (const rs of sets) expect(rs.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'Experiment', name, controller: true })]);
    // Distinct hashes per template even where the pod spec were the same: the Rollout's Services select by hash.
    const hashes = running.status?.templateStatuses?.map((t) => t.podTemplateHash);
    expect(new Set(hashes).size).toBe(2);
    expect(running.status?.templateStatuses?.map((t) => [t.name, t.status, t.availableReplicas])).toEqual([['baseline', 'Running', 1], ['canary', 'Running', 1]]);

    const done = await waitForExperiment(name, (e) => e.status?.phase === 'Successful', 'Successful', 40_000);
    expect(Date.now() - availableAt).toBeGreaterThanOrEqual(29_000);
    expect(done.status?.message).toBe('ran for 30s with every template available');
    // Still up right after the end: the default scaleDownDelaySeconds is 30.
    expect(ownedReplicaSets(done).map((rs) => rs.spec?.replicas)).toEqual([1, 1]);
    await waitForExperiment(name, (e) => ownedReplicaSets(e).every((rs) => rs.spec?.replicas === 0 && (rs.status?.replicas ?? 0) === 0), 'ReplicaSets scaled to zero', 40_000);
  }, 120_000);
});
