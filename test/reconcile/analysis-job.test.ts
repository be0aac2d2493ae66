// Specification: the job metric provider end to end — the controller on the sandbox, whose Job simulator runs each
// Job as its command says. Argo's own templates, apiVersion swapped (Argo docs analysis/job.md).
// @covers spec.metrics[].provider.job
// @covers spec.metrics[].provider.job.spec
// @covers spec.metrics[].provider.job.spec.template
// @covers spec.metrics[].provider.job.spec.template.spec
// @covers spec.metrics[].provider.job.spec.template.spec.containers[]
// @covers spec.metrics[].provider.job.spec.template.spec.containers[].name
// @covers spec.metrics[].provider.job.spec.template.spec.containers[].image
// @covers spec.metrics[].provider.job.spec.template.spec.containers
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOB_NAME_KEY } from '../../src/analysis/providers/job-provider.js';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { Kinds } from '../../src/kube/resource-kind.js';
import type { AnalysisRun } from '../../src/resources/analysis.js';
import type { Loose } from '../../src/resources/fixtures/rollouts.js';
import { argoManifest } from '../fixtures/argo-corpus.js';
import { openHarness, type Harness, type RolloutObject } from './controller-harness.js';

const NS = 'jobs';
let h: Harness;

type JobObject = KubeObject & { status?: { conditions?: Array<{ type: string; status: string; reason?: string }> } };
type RunObject = AnalysisRun & KubeObject;

async function createTemplate(doc: Record<string, unknown>): Promise<void> {
  const body = { ...doc, metadata: { ...(doc['metadata'] as object), namespace: NS } } as KubeObject;
  await h.controller.client.create(Kinds.AnalysisTemplate, body);
}

/** A canary gated on `template` right after its first weight, Healthy on img:1. */
async function gatedCanary(name: string, template: string): Promise<void> {
  await h.apply(name, { strategy: { canary: { steps: [{ setWeight: 50 }, { analysis: { templates: [{ templateName: template }] } }] } } });
  await h.waitFor(name, (ro) => ro.status?.phase === 'Healthy', `${name} Healthy on img:1`);
}

function runOf(rollout: string): RunObject {
  const run = h.controller.informers.analysisRuns.list(NS).find((r) => r.metadata.labels?.['vane.dev/rollout'] === rollout) as RunObject | undefined;
  if (!run) throw new Error(`no AnalysisRun for ${rollout}`);
  return run;
}

async function jobsOf(run: RunObject): Promise<JobObject[]> {
  const { items } = await h.controller.client.list<JobObject>(Kinds.Job, NS);
  return items.filter((j) => j.metadata.ownerReferences?.some((ref) => ref.uid === run.metadata.uid));
}

async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  h = await openHarness(NS);
  // examples/analysis-templates.yaml "pass": `sh -c "exit 0"`, one measurement.
  await createTemplate(argoManifest('examples/analysis-templates.yaml', 'AnalysisTemplate', 'pass'));
  // The same Job exiting 1, with the default failureLimit of 0 ("pass" tolerates one failure).
  const fail: Loose = argoManifest('examples/analysis-templates.yaml', 'AnalysisTemplate', 'pass');
  fail.metadata.name = 'fail';
  delete fail.spec.metrics[0].failureLimit;
  fail.spec.metrics[0].provider.job.spec.template.spec.containers[0].args = ['exit 1'];
  await createTemplate(fail);
  // test/e2e/functional/analysistemplate-long-running-job.yaml: `sleep 6000`, terminated when the rollout aborts.
  await createTemplate(argoManifest('test/e2e/functional/analysistemplate-long-running-job.yaml', 'AnalysisTemplate', 'long-running-job'));
}, 60_000);

afterAll(async () => {
  await h?.close();
});

describe('analysis by Kubernetes Job', () => {
  it('given a gate whose Job exits 0, when the image changes, then the Job, owned by the run, completes, the run is Successful and the rollout Healthy on the new revision; deleting the run removes the Job', async () => {
    await gatedCanary('passes', 'pass');
    const hash = await h.setImage('passes', 'img:2');
    await h.waitFor('passes', (ro: RolloutObject) => ro.status?.phase === 'Healthy' && ro.status.stableRS === hash, 'Healthy on img:2', 40_000);

    const run = runOf('passes');
    expect(run.status?.phase).toBe('Successful');
    const [measurement] = run.status?.metricResults?.[0]?.measurements ?? [];
    expect(measurement?.phase).toBe('Successful');
    const jobs = await jobsOf(run);
    expect(jobs.map((j) => j.metadata.name)).toEqual([measurement?.metadata?.[JOB_NAME_KEY]]);
    expect(jobs[0]?.metadata.ownerReferences).toEqual([
      { apiVersion: 'vane.dev/v1alpha1', kind: 'AnalysisRun', name: run.metadata.name, uid: run.metadata.uid, controller: true, blockOwnerDeletion: true },
    ]);
    expect(jobs[0]?.status?.conditions?.find((c) => c.type === 'Complete')?.status).toBe('True');

    await h.controller.client.delete(Kinds.AnalysisRun, NS, run.metadata.name ?? '');
    await until('the Job garbage-collected with its run', async () => ((await jobsOf(run)).length === 0 ? true : undefined));
  }, 60_000);

  it('given a gate whose Job exits 1, when the image changes, then the Job fails, the run fails and the rollout aborts back to stable', async () => {
    await gatedCanary('fails', 'fail');
    const stable = h.rollout('fails')?.status?.stableRS;
    await h.setImage('fails', 'img:2');
    const aborted = await h.waitFor('fails', (ro) => ro.status?.phase === 'Degraded', 'the abort', 40_000);

    expect(aborted.status?.stableRS).toBe(stable);
    const run = runOf('fails');
    expect(run.status?.phase).toBe('Failed');
    const [measurement] = run.status?.metricResults?.[0]?.measurements ?? [];
    expect(measurement?.phase).toBe('Failed');
    expect(measurement?.message).toMatch(/failed: BackoffLimitExceeded/);
    const [job] = await jobsOf(run);
    expect(job?.status?.conditions?.find((c) => c.type === 'Failed')).toMatchObject({ status: 'True', reason: 'BackoffLimitExceeded' });
  }, 60_000);

  it('given a gate whose Job runs on (sleep 6000), when the rollout is aborted, then the run is terminated, its Job deleted and the measurement Inconclusive', async () => {
    await gatedCanary('aborted', 'long-running-job');
    await h.setImage('aborted', 'img:2');
    const started = await until('the Job running', async () => {
      const run = h.controller.informers.analysisRuns.list(NS).find((r) => r.metadata.labels?.['vane.dev/rollout'] === 'aborted') as RunObject | undefined;
      return run && (await jobsOf(run)).length === 1 ? run : undefined;
    });

    await h.command('aborted', 'abort');
    await h.waitFor('aborted', (ro) => ro.status?.phase === 'Degraded', 'the abort');
    const run = await until('the run terminated', async () => {
      const current = runOf('aborted');
      return current.status?.phase === 'Successful' ? current : undefined;
    });

    expect(run.status?.message).toBe('terminated');
    expect(run.status?.metricResults?.[0]?.measurements[0]).toMatchObject({ phase: 'Inconclusive', message: 'Metric Terminated' });
    expect(await jobsOf(started)).toEqual([]);
  }, 60_000);
});
