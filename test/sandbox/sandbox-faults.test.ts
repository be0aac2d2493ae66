// Sandbox only: fault injection (error responses, Retry-After, delays, dropped watches), seeded and exempt for the harness.
import * as k8s from '@kubernetes/client-node';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/sandbox.js';
import { expectStatus, openTestCluster, type TestCluster } from './support/test-cluster.js';
import { describeWhere, sandboxOnly, testTarget } from './support/test-target.js';
import { WatchRecorder } from './support/watch-recorder.js';

const describeOnSandbox = describeWhere(await testTarget(), sandboxOnly('fault injection'));

let cluster: TestCluster;
let sandbox: Sandbox;
let ns: string;
let harness: k8s.CoreV1Api;

beforeAll(async () => {
  cluster = await openTestCluster({ simulator: { enabled: false } });
  if (!cluster.sandbox) throw new Error('sandbox-only test: unset VANE_TEST_KUBECONFIG');
  sandbox = cluster.sandbox;
  ns = await cluster.namespace('faults');
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(sandbox.kubeconfigPath);
  kc.setCurrentContext(sandbox.contexts.harness);
  harness = kc.makeApiClient(k8s.CoreV1Api);
  await cluster.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'target' } } });
});

afterEach(() => {
  sandbox.faults.clear();
});

afterAll(async () => {
  await cluster?.close();
});

describeOnSandbox('error faults', () => {
  it('given a 500 fault on configmap reads, then reads fail while other resources and the harness are unaffected', async () => {
    sandbox.faults.failRequests({ status: 500, verbs: ['get'], resources: ['configmaps'] });
    const status = await expectStatus(() => cluster.core.readNamespacedConfigMap({ namespace: ns, name: 'target' }));
    expect(status).toMatchObject({ code: 500, reason: 'InternalError' });
    await expect(cluster.core.readNamespace({ name: ns })).resolves.toBeDefined();
    await expect(harness.readNamespacedConfigMap({ namespace: ns, name: 'target' })).resolves.toBeDefined();
  });

  it('given a 429 fault, then the answer carries Retry-After', async () => {
    sandbox.faults.failRequests({ status: 429, resources: ['configmaps'], retryAfterSeconds: 3 });
    const res = await cluster.raw('GET', `/api/v1/namespaces/${ns}/configmaps/target`);
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe('3');
    expect(res.json).toMatchObject({ reason: 'TooManyRequests', details: { retryAfterSeconds: 3 } });
  });

  it('given a 409 fault on updates, then writes see a Conflict naming the object', async () => {
    sandbox.faults.failRequests({ status: 409, verbs: ['update', 'patch'] });
    const status = await expectStatus(() => cluster.core.replaceNamespacedConfigMap({ namespace: ns, name: 'target', body: { metadata: { name: 'target' } } }));
    expect(status).toMatchObject({ code: 409, reason: 'Conflict', details: { name: 'target', kind: 'configmaps' } });
  });

  it('given times: 2, then only the first two matching requests fail', async () => {
    const fault = sandbox.faults.failRequests({ status: 503, verbs: ['get'], times: 2 });
    const codes: number[] = [];
    for (let i = 0; i < 4; i++) codes.push((await cluster.raw('GET', `/api/v1/namespaces/${ns}/configmaps/target`)).status);
    expect(codes).toEqual([503, 503, 200, 200]);
    expect(fault.hits).toBe(2);
  });

  it('given a fraction and a seed, then the same requests fail on every run', async () => {
    const run = async (): Promise<number[]> => {
      sandbox.faults.seed(42);
      const fault = sandbox.faults.failRequests({ status: 500, fraction: 0.5, verbs: ['get'] });
      const codes: number[] = [];
      for (let i = 0; i < 20; i++) codes.push((await cluster.raw('GET', `/api/v1/namespaces/${ns}/configmaps/target`)).status);
      fault.remove();
      return codes;
    };
    const first = await run();
    const second = await run();
    expect(second).toEqual(first);
    const failures = first.filter((c) => c === 500).length;
    expect(failures).toBeGreaterThan(0);
    expect(failures).toBeLessThan(20);
  });
});

describeOnSandbox('delays and watches', () => {
  it('given a delay fault, then matching requests are delayed (counted) and still succeed', async () => {
    const fault = sandbox.faults.delayRequests({ delayMs: 30, verbs: ['list'] });
    await cluster.core.listNamespacedConfigMap({ namespace: ns });
    await cluster.core.readNamespacedConfigMap({ namespace: ns, name: 'target' });
    expect(fault.hits).toBe(1);
  });

  it('given dropWatches, then open watches end and a new watch from the last resourceVersion misses nothing', async () => {
    const list = await cluster.core.listNamespacedConfigMap({ namespace: ns });
    const w = await WatchRecorder.start(cluster.kc, `/api/v1/namespaces/${ns}/configmaps`, { resourceVersion: list.metadata?.resourceVersion ?? '' });
    await cluster.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'before-drop' } } });
    const events = await w.until((es) => es.length >= 1);
    expect(sandbox.faults.dropWatches({ resources: ['configmaps'] })).toBe(1);
    await w.untilEnded();
    await cluster.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'after-drop' } } });
    const resumed = await WatchRecorder.start(cluster.kc, `/api/v1/namespaces/${ns}/configmaps`, { resourceVersion: events[0]!.object.metadata!.resourceVersion! });
    const later = await resumed.until((es) => es.length >= 1);
    resumed.stop();
    expect(later.map((e) => `${e.type} ${e.object.metadata?.name}`)).toEqual(['ADDED after-drop']);
  });
});
