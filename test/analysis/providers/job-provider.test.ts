// Specification of the job provider driven through measureAnalysisRun: one Job per measurement, owned by the run,
// resumed until its Complete or Failed condition, deleted when the run stops needing it (Argo docs analysis/job.md).
// @covers spec.metrics[].provider.job
// @covers spec.metrics[].provider.job.metadata
// @covers spec.metrics[].provider.job.metadata.labels
// @covers spec.metrics[].provider.job.metadata.annotations
// @covers spec.metrics[].provider.job.spec
// @covers spec.metrics[].provider.job.spec.template
// @covers spec.metrics[].provider.job.spec.template.metadata
// @covers spec.metrics[].provider.job.spec.template.metadata.labels
// @covers spec.metrics[].provider.job.spec.template.metadata.annotations
// @covers spec.metrics[].provider.job.spec.template.spec
// @covers spec.metrics[].provider.job.spec.template.spec.containers[]
import { describe, expect, it } from 'vitest';
import { measureAnalysisRun, type AnalysisRunStep } from '../../../src/analysis/analysis-run-lifecycle.js';
import { JOB_NAME_KEY, jobName, nextLookAfterMs, RUN_UID_LABEL } from '../../../src/analysis/providers/job-provider.js';
import { createProviderFor } from '../../../src/analysis/providers/provider-factory.js';
import { KubeApiError } from '../../../src/kube/kube-api-error.js';
import type { AnalysisRun, Metric } from '../../../src/resources/analysis.js';
import { argoManifest } from '../../fixtures/argo-corpus.js';
import { FakeJobClient } from '../support/fake-job-client.js';
import type { Loose } from '../../../src/resources/fixtures/rollouts.js';

const T0 = Date.parse('2026-09-01T10:00:00Z');
const UID = '3f1c2a9e-8d7b-4c6a-9e5f-0a1b2c3d4e5f';
const noSecrets = async (): Promise<string> => {
  throw new Error('no secrets here');
};

function runOf(metrics: Metric[], args: AnalysisRun['spec']['args'] = []): AnalysisRun {
  return { apiVersion: 'vane.dev/v1alpha1', kind: 'AnalysisRun', metadata: { name: 'web-6b64-2-1', namespace: 'shop', uid: UID }, spec: { args, metrics } };
}

/** Argo's examples/analysis-templates.yaml "pass" metric: `sh -c "exit 0"`, count 1, backoffLimit 0. */
function passMetric(): Metric {
  return (argoManifest('examples/analysis-templates.yaml', 'AnalysisTemplate', 'pass').spec as { metrics: Metric[] }).metrics[0]!;
}

class Driver {
  readonly client = new FakeJobClient();
  private readonly providerFor = createProviderFor(this.client);
  last: AnalysisRunStep | undefined;

  constructor(public run: AnalysisRun) {}

  async step(atMs: number): Promise<AnalysisRunStep> {
    this.last = await measureAnalysisRun(this.run, { now: atMs, providerFor: this.providerFor, secrets: noSecrets });
    this.run = { ...this.run, status: this.last.status };
    return this.last;
  }

  get measurements(): NonNullable<AnalysisRun['status']>['metricResults'] {
    return this.run.status?.metricResults;
  }

  job(name: string): Loose {
    const job = this.client.jobs.get(`shop/${name}`);
    if (!job) throw new Error(`no Job shop/${name}`);
    return job as Loose;
  }
}

describe('job provider', () => {
  it('given Argo\'s "pass" metric, when the run starts, then one Job is created in the run\'s namespace, controlled by the run, and the measurement is Running', async () => {
    const metric = passMetric();
    metric.provider.job!.metadata = { labels: { team: 'web' }, annotations: { 'example.com/reason': 'smoke' } };
    metric.provider.job!.spec.template.metadata = { labels: { app: 'smoke' }, annotations: { 'linkerd.io/inject': 'enabled' } };
    const d = new Driver(runOf([metric]));

    const step = await d.step(T0);

    const name = `${UID}.pass.1`;
    expect(d.client.calls).toEqual([`create jobs shop/${name}`]);
    const job = d.job(name);
    expect(job.metadata.ownerReferences).toEqual([{ apiVersion: 'vane.dev/v1alpha1', kind: 'AnalysisRun', name: 'web-6b64-2-1', uid: UID, controller: true, blockOwnerDeletion: true }]);
    expect(job.metadata.labels).toEqual({ team: 'web', [RUN_UID_LABEL]: UID });
    expect(job.metadata.annotations).toMatchObject({ 'example.com/reason': 'smoke', 'analysisrun.vane.dev/metric-name': 'pass', 'analysisrun.vane.dev/name': 'web-6b64-2-1' });
    expect(job.spec.backoffLimit).toBe(0);
    expect(job.spec.template.metadata).toEqual({ labels: { app: 'smoke', [RUN_UID_LABEL]: UID }, annotations: { 'linkerd.io/inject': 'enabled' } });
    expect(job.spec.template.spec).toEqual({ containers: [{ name: 'sleep', image: 'alpine:3.8', command: ['sh', '-c'], args: ['exit 0'] }], restartPolicy: 'Never' });
    const result = step.status.metricResults![0]!;
    expect(result).toMatchObject({ phase: 'Running', count: 0 });
    expect(result.measurements).toEqual([
      { phase: 'Running', startedAt: new Date(T0).toISOString(), metadata: { [JOB_NAME_KEY]: name, 'job-namespace': 'shop' }, resumeAt: new Date(T0 + 1000).toISOString() },
    ]);
    expect(step.status.phase).toBe('Running');
    expect(step.requeueAfterMs).toBe(1000);
  });

  it('given a Running measurement, when its Job completes, then the measurement is Successful and so are the metric and the run', async () => {
    const d = new Driver(runOf([passMetric()]));
    await d.step(T0);
    d.client.end(`${UID}.pass.1`, 'Complete');

    const step = await d.step(T0 + 1000);

    const result = step.status.metricResults![0]!;
    expect(result).toMatchObject({ phase: 'Successful', count: 1, successful: 1 });
    expect(result.measurements[0]).toMatchObject({ phase: 'Successful', finishedAt: new Date(T0 + 1000).toISOString(), metadata: { [JOB_NAME_KEY]: `${UID}.pass.1` } });
    expect(result.measurements[0]).not.toHaveProperty('resumeAt');
    expect(step.status.phase).toBe('Successful');
    expect(step.requeueAfterMs).toBeUndefined();
    expect(d.client.jobs.size).toBe(1); // a finished Job stays until the run is deleted (owner reference) or its TTL
  });

  it('given a Running measurement, when its Job fails, then the measurement is Failed with the Job\'s reason and the run fails', async () => {
    // Argo's "pass" tolerates one failure (failureLimit 1); with the default of 0 one failed Job fails the metric.
    const d = new Driver(runOf([{ ...passMetric(), failureLimit: 0 }]));
    await d.step(T0);
    d.client.end(`${UID}.pass.1`, 'Failed');

    const step = await d.step(T0 + 1000);

    expect(step.status.phase).toBe('Failed');
    expect(step.status.metricResults![0]!.measurements[0]).toMatchObject({
      phase: 'Failed',
      message: `Job ${UID}.pass.1 failed: BackoffLimitExceeded: Job has reached the specified backoff limit`,
    });
  });

  it('given a Job still running, when looked at, then it is looked at again after Argo\'s growing delay, sqrt(2 × seconds running)', async () => {
    const d = new Driver(runOf([passMetric()]));
    await d.step(T0);

    const early = await d.step(T0 + 1000);
    expect(early.requeueAfterMs).toBe(1414);
    const notYet = await d.step(T0 + 2000);
    expect(notYet.status).toEqual(early.status);
    expect(d.client.calls.filter((c) => c.startsWith('get'))).toHaveLength(1);
    const later = await d.step(T0 + 50_000);
    expect(later.requeueAfterMs).toBe(10_000);
    expect(nextLookAfterMs(0)).toBe(1000);
  });

  it('given a Job still running, when the run is terminated, then the Job is deleted and the measurement ends Inconclusive, "Metric Terminated"', async () => {
    const d = new Driver(argoRun('test/e2e/functional/analysistemplate-long-running-job.yaml', 'long-running-job'));
    await d.step(T0);
    d.run = { ...d.run, spec: { ...d.run.spec, terminate: true } };

    const step = await d.step(T0 + 500);

    expect(d.client.jobs.size).toBe(0);
    expect(d.client.calls.at(-1)).toBe(`delete jobs shop/${UID}.long-running-job-metric.1`);
    expect(step.status.metricResults![0]!.measurements[0]).toMatchObject({ phase: 'Inconclusive', message: 'Metric Terminated' });
    expect(step.status).toMatchObject({ phase: 'Successful', message: 'terminated' });
  });

  it('given two job metrics, when one Job fails while the other runs, then the run fails and the running Job is deleted', async () => {
    const failing = { ...passMetric(), name: 'fails', failureLimit: 0 };
    const slow = { ...passMetric(), name: 'slow' };
    const d = new Driver(runOf([failing, slow]));
    await d.step(T0);
    d.client.end(`${UID}.fails.1`, 'Failed');

    const step = await d.step(T0 + 1000);

    expect(step.status.phase).toBe('Failed');
    expect([...d.client.jobs.keys()]).toEqual([`shop/${UID}.fails.1`]);
    expect(step.status.metricResults![1]!.measurements[0]).toMatchObject({ phase: 'Inconclusive', message: 'Metric Terminated' });
  });

  it('given a Job deleted by someone else, when looked at, then the measurement errs and the next attempt creates Job number 2', async () => {
    const d = new Driver(runOf([{ ...passMetric(), consecutiveErrorLimit: 1 }]));
    await d.step(T0);
    d.client.jobs.clear();

    const step = await d.step(T0 + 1000);
    expect(step.status.metricResults![0]!.measurements[0]).toMatchObject({ phase: 'Error', message: `Job shop/${UID}.pass.1 no longer exists` });
    await d.step(T0 + 1000 + (step.requeueAfterMs ?? 0));
    expect([...d.client.jobs.keys()]).toEqual([`shop/${UID}.pass.2`]);
  });

  it('given a Job of the measurement\'s name already there, when it is controlled by this run, then it is adopted; when not, the measurement errs', async () => {
    const mine = new Driver(runOf([passMetric()]));
    await mine.client.create({ plural: 'jobs' } as never, { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: `${UID}.pass.1`, namespace: 'shop', ownerReferences: [{ apiVersion: 'vane.dev/v1alpha1', kind: 'AnalysisRun', name: 'x', uid: UID, controller: true }] } });
    expect((await mine.step(T0)).status.metricResults![0]!.measurements[0]!.phase).toBe('Running');

    const theirs = new Driver(runOf([passMetric()]));
    await theirs.client.create({ plural: 'jobs' } as never, { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: `${UID}.pass.1`, namespace: 'shop' } });
    const step = await theirs.step(T0);
    expect(step.status.metricResults![0]!.measurements[0]).toMatchObject({ phase: 'Error', message: `Job shop/${UID}.pass.1 already exists and is not controlled by this AnalysisRun` });
  });

  it('given the API refusing the Job, when the run starts, then the measurement errs with the API\'s message', async () => {
    const d = new Driver(runOf([passMetric()]));
    d.client.failWith = new KubeApiError(403, { reason: 'Forbidden', message: 'jobs.batch is forbidden' }, 'POST jobs');

    const step = await d.step(T0);

    expect(step.status.metricResults![0]!.measurements[0]).toMatchObject({ phase: 'Error', message: expect.stringContaining('jobs.batch is forbidden') });
  });

  it('given run arguments, when the Job is created, then every {{args.x}} in the provider is substituted (Argo substitutes the whole provider)', async () => {
    const template = argoManifest('test/e2e/functional/analysistemplate-multiple-job.yaml', 'AnalysisTemplate', 'multiple-job');
    const { metrics } = template.spec as { metrics: Metric[] };
    const d = new Driver(runOf([metrics[1]!], [{ name: 'duration', value: '5s' }, { name: 'exit-code', value: '3' }, { name: 'count', value: '1' }]));

    await d.step(T0);

    expect(d.job(`${UID}.sleep-job-rep.1`).spec.template.spec.containers[0].args).toEqual(['sleep 5s && exit 3']);
  });

  it('given a metric retaining 1 measurement, when a second Job starts, then the first (finished) Job is deleted', async () => {
    const metric = { ...passMetric(), count: 2, interval: '1s' };
    const d = new Driver({ ...runOf([metric]), spec: { metrics: [metric], measurementRetention: [{ metricName: 'pass', limit: 1 }] } });
    await d.step(T0);
    d.client.end(`${UID}.pass.1`, 'Complete');
    await d.step(T0 + 1000);

    await d.step(T0 + 2000);

    expect([...d.client.jobs.keys()]).toEqual([`shop/${UID}.pass.2`]);
    expect(d.measurements![0]!.measurements).toHaveLength(1);
  });

  it('given a measurement whose status names another namespace, when resumed, then only the run\'s namespace is read', async () => {
    const d = new Driver(runOf([passMetric()]));
    await d.step(T0);
    const result = d.run.status!.metricResults![0]!;
    result.measurements[0]!.metadata = { [JOB_NAME_KEY]: `${UID}.pass.1`, 'job-namespace': 'kube-system' };

    await d.step(T0 + 1000);

    expect(d.client.calls.at(-1)).toBe(`get jobs shop/${UID}.pass.1`);
  });

  it('given a long metric name, then the Job name is cut to 63 characters without a trailing "-"', () => {
    const name = jobName(UID, 'a-very-long-metric-name-that-goes-on-and-on', 12);
    expect(name.length).toBeLessThanOrEqual(63);
    expect(name).toBe(`${UID}.a-very-long-metric-name.12`);
    expect(jobName(UID, 'short', 1)).toBe(`${UID}.short.1`);
  });
});

function argoRun(file: string, name: string): AnalysisRun {
  return runOf((argoManifest(file, 'AnalysisTemplate', name).spec as { metrics: Metric[] }).metrics);
}
