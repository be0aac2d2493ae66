// batch/v1 Jobs: what the apiserver does with one (defaults, generated selector, validation; any target), and the
// sandbox's Job controller, which runs a Job for as long as its command says and ends it as the Job controller would.
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, openTestCluster, statusOf, type TestCluster } from './support/test-cluster.js';
import { describeWhere, itWhere, kubernetesAtLeast, sandboxOnly, testTarget } from './support/test-target.js';

const target = await testTarget();
const describeOnSandbox = describeWhere(target, sandboxOnly('the sandbox runs Jobs in place of the Job controller'));
const itSince27 = itWhere(target, kubernetesAtLeast(27, 'completionMode, suspend and the batch.kubernetes.io Job labels'));

let cluster: TestCluster;
let batch: k8s.BatchV1Api;
let ns: string;

/** A Job running `sh -c script`; restartPolicy null leaves it out. */
function job(name: string, script: string, spec: Partial<k8s.V1JobSpec> = {}, restartPolicy: string | null = 'Never'): k8s.V1Job {
  const containers = [{ name: 'check', image: 'alpine:3.8', command: ['sh', '-c'], args: [script] }];
  return {
    metadata: { name },
    spec: { backoffLimit: 0, ...spec, template: { spec: restartPolicy === null ? { containers } : { containers, restartPolicy } } },
  };
}

async function ended(name: string): Promise<k8s.V1JobStatus> {
  return eventually(async () => {
    const status = (await batch.readNamespacedJob({ namespace: ns, name })).status;
    return status?.conditions?.some((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True') ? status : undefined;
  });
}

beforeAll(async () => {
  cluster = await openTestCluster({ simulator: { readyDelayMs: 20 } });
  batch = cluster.kc.makeApiClient(k8s.BatchV1Api);
  ns = await cluster.namespace('jobs');
});

afterAll(async () => {
  await cluster?.close();
});

describe('batch/v1 Jobs on the API server', () => {
  it('given a Job, when created, then the server defaults it and generates its selector and pod labels from its uid', async () => {
    const created = await batch.createNamespacedJob({ namespace: ns, body: job('defaults', 'exit 0', { backoffLimit: undefined }) });
    const uid = created.metadata?.uid ?? '';
    expect(created.spec).toMatchObject({ parallelism: 1, completions: 1, backoffLimit: 6 });
    // The selector's key is controller-uid before Kubernetes 1.27 and batch.kubernetes.io/controller-uid since.
    expect(Object.entries(created.spec?.selector?.matchLabels ?? {})).toEqual([[target.minor >= 27 ? 'batch.kubernetes.io/controller-uid' : 'controller-uid', uid]]);
    expect(created.spec?.template.metadata?.labels).toMatchObject({ 'controller-uid': uid, 'job-name': 'defaults' });
    expect(created.spec?.template.spec).toMatchObject({ restartPolicy: 'Never', dnsPolicy: 'ClusterFirst', terminationGracePeriodSeconds: 30 });
  });

  itSince27('given a Job on Kubernetes 1.27 or later, then completionMode, suspend and the batch.kubernetes.io pod labels are defaulted too', async () => {
    const created = await batch.createNamespacedJob({ namespace: ns, body: job('modern-defaults', 'exit 0') });
    const uid = created.metadata?.uid ?? '';
    expect(created.spec).toMatchObject({ completionMode: 'NonIndexed', suspend: false });
    expect(created.spec?.template.metadata?.labels).toEqual({ 'batch.kubernetes.io/controller-uid': uid, 'batch.kubernetes.io/job-name': 'modern-defaults', 'controller-uid': uid, 'job-name': 'modern-defaults' });
  });

  it('given a Job whose pods would restart Always (the pod default), then it is rejected naming restartPolicy', async () => {
    const err = await batch.createNamespacedJob({ namespace: ns, body: job('always', 'exit 0', {}, null) }).catch((e: unknown) => e);
    const status = statusOf(err);
    expect(status.code).toBe(422);
    expect(status.message).toContain('spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"');
  });
});

describeOnSandbox('the sandbox Job controller', () => {
  it('given a Job whose command exits 0, then it becomes active, then Complete with completionTime, as batch/v1 reports it', async () => {
    await batch.createNamespacedJob({ namespace: ns, body: job('passes', 'sleep 0.2 && exit 0') });
    const active = await eventually(async () => (await batch.readNamespacedJob({ namespace: ns, name: 'passes' })).status?.active === 1 || undefined);
    expect(active).toBe(true);
    const status = await ended('passes');
    expect(status).toMatchObject({ succeeded: 1, ready: 0, terminating: 0, uncountedTerminatedPods: {} });
    expect(status.active).toBeUndefined();
    expect(status.completionTime).toBeInstanceOf(Date);
    expect(status.conditions?.map((c) => [c.type, c.status, c.reason])).toEqual([
      ['SuccessCriteriaMet', 'True', 'CompletionsReached'],
      ['Complete', 'True', 'CompletionsReached'],
    ]);
  });

  it('given a Job whose command exits 1 and backoffLimit 1, then two pods fail and it is Failed, BackoffLimitExceeded, without completionTime', async () => {
    await batch.createNamespacedJob({ namespace: ns, body: job('fails', 'exit 1', { backoffLimit: 1 }) });
    const status = await ended('fails');
    expect(status.failed).toBe(2);
    expect(status.completionTime).toBeUndefined();
    expect(status.conditions?.map((c) => [c.type, c.reason, c.message])).toEqual([
      ['FailureTarget', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit'],
      ['Failed', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit'],
    ]);
  });

  it('given a Job that sleeps for 6000s with activeDeadlineSeconds 1 (Argo\'s long-running-job-deadline), then it fails with DeadlineExceeded', async () => {
    await batch.createNamespacedJob({ namespace: ns, body: job('deadline', 'sleep 6000', { activeDeadlineSeconds: 1 }) });
    const status = await ended('deadline');
    expect(status.conditions?.at(-1)).toMatchObject({ type: 'Failed', reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' });
  });

  it('given a finished Job with ttlSecondsAfterFinished 0, then it is deleted, as the TTL-after-finished controller does', async () => {
    await batch.createNamespacedJob({ namespace: ns, body: job('ttl', 'exit 0', { ttlSecondsAfterFinished: 0 }) });
    const gone = await eventually(async () => ((await batch.listNamespacedJob({ namespace: ns })).items.some((j) => j.metadata?.name === 'ttl') ? undefined : true));
    expect(gone).toBe(true);
  });

  it('given a Job that never ends (sleep infinity), then it stays active', async () => {
    await batch.createNamespacedJob({ namespace: ns, body: job('forever', 'sleep infinity') });
    await new Promise((r) => setTimeout(r, 300));
    const status = (await batch.readNamespacedJob({ namespace: ns, name: 'forever' })).status;
    expect(status?.active).toBe(1);
    expect(status?.conditions ?? []).toEqual([]);
  });
});
