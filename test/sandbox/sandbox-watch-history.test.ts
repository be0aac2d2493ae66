// Sandbox only: the bounded watch history (410 Expired), periodic bookmarks, and continue tokens that expire.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { expectStatus, openTestCluster, type TestCluster } from './support/test-cluster.js';
import { describeWhere, sandboxOnly, testTarget } from './support/test-target.js';
import { WatchRecorder } from './support/watch-recorder.js';

const describeOnSandbox = describeWhere(await testTarget(), sandboxOnly('a 5-change watch history, 50 ms bookmarks and 200 ms continue tokens configured on the sandbox'));

let cluster: TestCluster;
let ns: string;

beforeAll(async () => {
  cluster = await openTestCluster({ simulator: { enabled: false }, watchHistorySize: 5, bookmarkIntervalMs: 50, continueTokenTtlMs: 200 });
  if (!cluster.sandbox) throw new Error('sandbox-only test: unset VANE_TEST_KUBECONFIG');
  ns = await cluster.namespace('hist');
});

afterAll(async () => {
  await cluster?.close();
});

describeOnSandbox('the watch history window', () => {
  it('given more changes than the window keeps, when watching from before them, then an ERROR event carries 410 Expired', async () => {
    const list = await cluster.core.listNamespacedConfigMap({ namespace: ns });
    for (let i = 0; i < 8; i++) await cluster.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: `old-${i}` } } });
    const w = await WatchRecorder.start(cluster.kc, `/api/v1/namespaces/${ns}/configmaps`, { resourceVersion: list.metadata?.resourceVersion ?? '' });
    const events = await w.until((es) => es.length >= 1);
    await w.untilEnded();
    expect(events).toHaveLength(1);
    expect(events[0]?.type).toBe('ERROR');
    expect(events[0]?.object).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Expired', code: 410 });
    expect(String(events[0]?.object['message'])).toMatch(/^too old resource version: \d+ \(\d+\)$/);
  });

  it('given a resourceVersion still inside the window, then the watch replays from it', async () => {
    const list = await cluster.core.listNamespacedConfigMap({ namespace: ns });
    await cluster.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'recent' } } });
    const w = await WatchRecorder.start(cluster.kc, `/api/v1/namespaces/${ns}/configmaps`, { resourceVersion: list.metadata?.resourceVersion ?? '' });
    const events = await w.until((es) => es.length >= 1);
    w.stop();
    expect(events.map((e) => `${e.type} ${e.object.metadata?.name}`)).toEqual(['ADDED recent']);
  });
});

describeOnSandbox('bookmarks', () => {
  it('given allowWatchBookmarks, then BOOKMARK events carry only a current resourceVersion', async () => {
    await cluster.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'marked' } } });
    const list = await cluster.core.listNamespacedConfigMap({ namespace: ns });
    const w = await WatchRecorder.start(cluster.kc, `/api/v1/namespaces/${ns}/configmaps`, { resourceVersion: list.metadata?.resourceVersion ?? '', allowWatchBookmarks: true });
    const events = await w.until((es) => es.some((e) => e.type === 'BOOKMARK'));
    w.stop();
    const bookmark = events.find((e) => e.type === 'BOOKMARK');
    expect(bookmark?.object).toEqual({ kind: 'ConfigMap', apiVersion: 'v1', metadata: { resourceVersion: expect.stringMatching(/^\d+$/) } });
    expect(Number(bookmark?.object.metadata?.resourceVersion)).toBeGreaterThanOrEqual(Number(list.metadata?.resourceVersion));
  });

  it('given no allowWatchBookmarks, then no BOOKMARK is sent', async () => {
    const w = await WatchRecorder.start(cluster.kc, `/api/v1/namespaces/${ns}/configmaps`, { timeoutSeconds: 1 });
    await w.untilEnded();
    expect(w.events.some((e) => e.type === 'BOOKMARK')).toBe(false);
  });
});

describeOnSandbox('continue tokens', () => {
  it('given a continue token older than its lifetime, then the next page is 410 Expired', async () => {
    const first = await cluster.core.listNamespacedConfigMap({ namespace: ns, limit: 2 });
    expect(first.metadata?._continue).toBeTruthy();
    await new Promise((r) => setTimeout(r, 300));
    const status = await expectStatus(() => cluster.core.listNamespacedConfigMap({ namespace: ns, limit: 2, _continue: first.metadata?._continue }));
    expect(status).toMatchObject({ code: 410, reason: 'Expired' });
  });
});
