// Specification: the canary `experiment` step end to end on the sandbox with the real controller, from Argo
// Rollouts' published manifests (apiVersion swapped, nothing else). Their AnalysisTemplates use the `job` provider,
// so each test writes a web template of the same name and arguments, served by a stub that records what it is asked.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import yaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { Kinds } from '../../src/kube/resource-kind.js';
import type { AnalysisTemplate } from '../../src/resources/analysis.js';
import type { Experiment } from '../../src/resources/experiment.js';
import type { ReplicaSetObject } from '../../src/resources/replica-set.js';
import { startStubHttpServer, type StubHttpServer } from '../analysis/support/stub-http-server.js';
import { openHarness, type Harness, type RolloutObject } from '../reconcile/controller-harness.js';

const NS = 'experiment-step';
const CORPUS = resolve(import.meta.dirname, '../fixtures/argo-rollouts');
let h: Harness;
let stub: StubHttpServer;

type ExperimentObject = Experiment & KubeObject;

/** The Rollout of a corpus file, with only its apiVersion changed, in the test's namespace. */
function corpusRollout(file: string): RolloutObject {
  const text = readFileSync(resolve(CORPUS, file), 'utf8').replaceAll('argoproj.io/v1alpha1', 'vane.dev/v1alpha1');
  const doc = yaml.loadAll(text).find((d) => (d as { kind?: string }).kind === 'Rollout') as RolloutObject;
  return { ...doc, metadata: { ...doc.metadata, namespace: NS } };
}

/** A web-provider template: `value` from the stub (1 passes, anything else fails), with the URL naming every argument. */
function webTemplate(name: string, args: string[]): AnalysisTemplate & KubeObject {
  const query = args.map((a) => `${a}={{args.${a}}}`).join('&');
  return {
    apiVersion: 'vane.dev/v1alpha1',
    kind: 'AnalysisTemplate',
    metadata: { name, namespace: NS },
    spec: {
      args: args.map((a) => ({ name: a })),
      metrics: [{ name, count: 1, successCondition: 'result == 1', failureCondition: 'result != 1', provider: { web: { url: `${stub.url}/${name}?${query}`, jsonPath: '$.value' } } }],
    },
  };
}

function experimentOf(name: string): ExperimentObject | undefined {
  return h.controller.informers.experiments.get(`${NS}/${name}`);
}

function experimentSets(name: string): ReplicaSetObject[] {
  const e = experimentOf(name);
  return e ? h.controller.informers.replicaSetsOfExperiment(e) : [];
}

async function until(what: string, done: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function changeImage(name: string, image: string): Promise<void> {
  const current = await h.controller.client.get<RolloutObject>(Kinds.Rollout, NS, name);
  const template = structuredClone(current!.spec.template!);
  template.spec.containers[0]!.image = image;
  await h.controller.client.patch(Kinds.Rollout, NS, name, { spec: { template } }, 'merge');
}

beforeAll(async () => {
  stub = await startStubHttpServer((req) => ({ status: 200, body: { value: req.url.startsWith('/random-fail') ? 0 : 1 } }));
  h = await openHarness(NS);
  await h.controller.client.create(Kinds.AnalysisTemplate, webTemplate('echo-pod-hash', ['latest-hash', 'stable-hash', 'baseline-hash', 'canary-hash']));
  await h.controller.client.create(Kinds.AnalysisTemplate, webTemplate('random-fail', []));
}, 60_000);

afterAll(async () => {
  await h?.close();
  await stub?.stop();
});

describe('the canary experiment step (Argo docs features/experiment.md "Integration With Rollouts")', () => {
  it('given Argo\'s rollout-experiment-analysis.yaml, when the image changes, then baseline and canary run one pod each, the required analysis sees their hashes, the step passes and the ReplicaSets are scaled down', async () => {
    // @covers spec.strategy.canary.steps[].experiment
    // @covers spec.strategy.canary.steps[].experiment.templates[].name
    // @covers spec.strategy.canary.steps[].experiment.templates[].specRef
    // @covers spec.strategy.canary.steps[].experiment.analyses[].name
    // @covers spec.strategy.canary.steps[].experiment.analyses[].templateName
    // @covers spec.strategy.canary.steps[].experiment.analyses[].requiredForCompletion
    // @covers spec.strategy.canary.steps[].experiment.analyses[].args
    await h.controller.client.create(Kinds.Rollout, corpusRollout('test/e2e/functional/rollout-experiment-analysis.yaml'));
    const first = await h.waitFor('rollout-experiment', (ro) => ro.status?.phase === 'Healthy', 'the first revision Healthy');
    const stableHash = first.status?.stableRS ?? '';
    await changeImage('rollout-experiment', 'nginx:1.21-alpine');

    const waiting = await h.waitFor('rollout-experiment', (ro) => ro.status?.canary?.currentExperiment !== undefined, 'the experiment step');
    const canaryHash = waiting.status?.currentPodHash ?? '';
    const name = waiting.status?.canary?.currentExperiment ?? '';
    expect(name).toBe(`rollout-experiment-${canaryHash}-step-1-1`);
    expect(waiting.status?.message).toBe('step 1/2: waiting for the experiment of ' + canaryHash);
    await until('both template ReplicaSets', () => experimentSets(name).length === 2);
    const experiment = experimentOf(name)!;
    expect(experiment.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'Rollout', name: 'rollout-experiment', controller: true })]);
    // specRef: the baseline runs the stable pod template, the canary the new one, each at the default 1 replica.
    const images = Object.fromEntries(experiment.spec.templates.map((t) => [t.name, t.template.spec.containers[0]?.image]));
    expect(images).toEqual({ baseline: 'nginx:1.19-alpine', canary: 'nginx:1.21-alpine' });
    expect(experimentSets(name).map((rs) => rs.spec?.replicas)).toEqual([1, 1]);

    const passed = await h.waitFor('rollout-experiment', (ro) => ro.status?.currentStepIndex === 1 && ro.status.phase === 'Paused', 'the step passed (at the pause after it)');
    expect(passed.status?.canary?.currentExperiment).toBeUndefined();
    const done = experimentOf(name)!;
    expect(done.status?.phase).toBe('Successful');
    const hashes = Object.fromEntries((done.status?.templateStatuses ?? []).map((t) => [t.name, t.podTemplateHash]));
    // The analysis was given the Rollout's hashes (podTemplateHashValue) and the experiment's own ({{templates.…}}).
    const asked = stub.requests.find((r) => r.url.startsWith('/echo-pod-hash'))?.url ?? '';
    expect(new URL(asked, 'http://x').searchParams.toString()).toBe(
      new URLSearchParams({ 'latest-hash': canaryHash, 'stable-hash': stableHash, 'baseline-hash': hashes['baseline'] ?? '', 'canary-hash': hashes['canary'] ?? '' }).toString(),
    );
    expect(new Set([canaryHash, stableHash, hashes['baseline'], hashes['canary']]).size).toBe(4);
    await until('the experiment ReplicaSets scaled to zero', () => experimentSets(name).every((rs) => rs.spec?.replicas === 0), 45_000);
  }, 120_000);

  it('given Argo\'s rollout-experiment-step.yaml, when the experiment\'s analysis fails, then the Experiment is Failed, the rollout aborts back to stable and the experiment\'s pods are scaled down', async () => {
    await h.controller.client.create(Kinds.Rollout, corpusRollout('examples/rollout-experiment-step.yaml'));
    await h.waitFor('rollout-experiment-step', (ro) => ro.status?.phase === 'Healthy', 'the first revision Healthy', 30_000);
    await changeImage('rollout-experiment-step', 'argoproj/rollouts-demo:yellow');
    const waiting = await h.waitFor('rollout-experiment-step', (ro) => ro.status?.canary?.currentExperiment !== undefined, 'the experiment step', 30_000);
    const name = waiting.status?.canary?.currentExperiment ?? '';
    expect(waiting.status?.currentStepIndex).toBe(1);

    const aborted = await h.waitFor('rollout-experiment-step', (ro) => ro.status?.phase === 'Degraded', 'the rollout aborted', 30_000);
    expect(aborted.status?.message).toContain(`Experiment ${name} Failed: analysis random-fail Failed`);
    expect(aborted.status?.canary?.weights).toEqual({ canary: 0, stable: 100 });
    expect(experimentOf(name)?.status?.phase).toBe('Failed');
    // The canary template of the step ran one pod (the default), in a ReplicaSet the Experiment owns.
    expect(experimentSets(name).map((rs) => rs.metadata.name?.startsWith(`${name}-canary-`))).toEqual([true]);
    // Cleaned up after the failure too: the default scaleDownDelaySeconds (30) later, the canary pod is gone.
    await until('the experiment ReplicaSet scaled to zero', () => experimentSets(name).every((rs) => rs.spec?.replicas === 0 && (rs.status?.replicas ?? 0) === 0), 45_000);
  }, 120_000);
});
