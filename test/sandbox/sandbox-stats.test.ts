// Sandbox only: request statistics by verb, group/resource/subresource, scope and user, and the onRequest listener.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RequestRecord, StatsEntry } from '../../src/sandbox/request-stats.js';
import type { Sandbox } from '../../src/sandbox/sandbox.js';
import { expectStatus, openTestCluster, patchAs, type TestCluster } from './support/test-cluster.js';
import { describeWhere, sandboxOnly, testTarget } from './support/test-target.js';

const describeOnSandbox = describeWhere(await testTarget(), sandboxOnly('request statistics'));

let cluster: TestCluster;
let sandbox: Sandbox;
let ns: string;

function count(entries: StatsEntry[], match: Partial<StatsEntry>): number {
  return entries.filter((e) => Object.entries(match).every(([k, v]) => e[k as keyof StatsEntry] === v)).reduce((n, e) => n + e.count, 0);
}

beforeAll(async () => {
  cluster = await openTestCluster({ simulator: { enabled: false } });
  if (!cluster.sandbox) throw new Error('sandbox-only test: unset VANE_TEST_KUBECONFIG');
  sandbox = cluster.sandbox;
  ns = await cluster.namespace('stats');
});

afterAll(async () => {
  await cluster?.close();
});

describeOnSandbox('request statistics', () => {
  it('given a mix of requests, then each is counted by verb, resource, subresource and scope', async () => {
    sandbox.stats.reset();
    await cluster.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'a' } } });
    await cluster.core.readNamespacedConfigMap({ namespace: ns, name: 'a' });
    await cluster.core.readNamespacedConfigMap({ namespace: ns, name: 'a' });
    await cluster.core.listConfigMapForAllNamespaces({});
    await cluster.apps.createNamespacedDeployment({
      namespace: ns,
      body: { metadata: { name: 'd' }, spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } } },
    });
    await cluster.apps.patchNamespacedDeploymentStatus({ namespace: ns, name: 'd', body: { status: { replicas: 1 } } }, patchAs('application/merge-patch+json'));
    const { entries, total } = sandbox.stats.snapshot();
    expect(count(entries, { verb: 'create', group: '', resource: 'configmaps', scope: 'namespace' })).toBe(1);
    expect(count(entries, { verb: 'get', resource: 'configmaps', scope: 'namespace' })).toBe(2);
    expect(count(entries, { verb: 'list', resource: 'configmaps', scope: 'cluster' })).toBe(1);
    expect(count(entries, { verb: 'patch', group: 'apps', resource: 'deployments', subresource: 'status' })).toBe(1);
    expect(entries.every((e) => e.user === 'sandbox-admin')).toBe(true);
    expect(total).toBeGreaterThanOrEqual(6);
  });

  it('given reset, then counts start again from zero', async () => {
    sandbox.stats.reset();
    expect(sandbox.stats.snapshot()).toEqual({ total: 0, entries: [], nonResource: {} });
    await cluster.raw('GET', '/api');
    expect(sandbox.stats.snapshot().nonResource).toEqual({ '/api': 1 });
  });

  it('given an onRequest listener, then it hears each finished request with its status code', async () => {
    const records: RequestRecord[] = [];
    const unsubscribe = sandbox.stats.onRequest((r) => records.push(r));
    await expectStatus(() => cluster.core.readNamespacedConfigMap({ namespace: ns, name: 'missing' }));
    await cluster.core.readNamespacedConfigMap({ namespace: ns, name: 'a' });
    unsubscribe();
    await cluster.core.readNamespacedConfigMap({ namespace: ns, name: 'a' });
    expect(records.map((r) => [r.verb, r.resource, r.name, r.code])).toEqual([
      ['get', 'configmaps', 'missing', 404],
      ['get', 'configmaps', 'a', 200],
    ]);
    expect(records[0]?.namespace).toBe(ns);
  });
});
