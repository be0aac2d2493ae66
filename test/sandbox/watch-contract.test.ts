// Contract: list + watch from a resourceVersion, event types and order, selectors, namespaces and server timeouts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestCluster, patchAs, type TestCluster } from './support/test-cluster.js';
import { WatchRecorder, type RecordedEvent } from './support/watch-recorder.js';

let cluster: TestCluster;
let ns: string;
let other: string;
const recorders: WatchRecorder[] = [];

async function watch(path: string, query: Record<string, string | number | boolean>): Promise<WatchRecorder> {
  const recorder = await WatchRecorder.start(cluster.kc, path, query);
  recorders.push(recorder);
  return recorder;
}

function summary(events: RecordedEvent[]): string[] {
  return events.filter((e) => e.type !== 'BOOKMARK').map((e) => `${e.type} ${e.object.metadata?.name ?? ''}`);
}

function rv(event: RecordedEvent | undefined): number {
  return Number(event?.object.metadata?.resourceVersion);
}

beforeAll(async () => {
  cluster = await openTestCluster({ simulator: { enabled: false } });
  ns = await cluster.namespace('watch');
  other = await cluster.namespace('watch-other');
});

afterAll(async () => {
  for (const r of recorders) r.stop();
  await cluster?.close();
});

describe('watching from a list', () => {
  it('given the resourceVersion of a list, when objects change, then ADDED, MODIFIED and DELETED arrive in order', async () => {
    const list = await cluster.core.listNamespacedConfigMap({ namespace: ns });
    const w = await watch(`/api/v1/namespaces/${ns}/configmaps`, { resourceVersion: list.metadata?.resourceVersion ?? '' });
    await cluster.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'w1' }, data: { v: '1' } } });
    await cluster.core.patchNamespacedConfigMap({ namespace: ns, name: 'w1', body: { data: { v: '2' } } }, patchAs('application/merge-patch+json'));
    await cluster.core.deleteNamespacedConfigMap({ namespace: ns, name: 'w1' });
    const events = await w.until((es) => summary(es).length >= 3);
    expect(summary(events)).toEqual(['ADDED w1', 'MODIFIED w1', 'DELETED w1']);
    const [added, modified, deleted] = events.filter((e) => e.type !== 'BOOKMARK');
    expect(rv(modified)).toBeGreaterThan(rv(added));
    expect(rv(deleted)).toBeGreaterThan(rv(modified));
    expect((modified?.object as { data?: unknown }).data).toEqual({ v: '2' });
  });

  it('given changes made before the watch started, when watching from an older resourceVersion, then they are replayed', async () => {
    const list = await cluster.core.listNamespacedConfigMap({ namespace: ns });
    await cluster.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'replayed' } } });
    const w = await watch(`/api/v1/namespaces/${ns}/configmaps`, { resourceVersion: list.metadata?.resourceVersion ?? '' });
    const events = await w.until((es) => summary(es).includes('ADDED replayed'));
    expect(summary(events)).toEqual(['ADDED replayed']);
  });

  it('given no resourceVersion, when watching, then the current objects arrive first as ADDED', async () => {
    await cluster.core.createNamespacedConfigMap({ namespace: other, body: { metadata: { name: 'existing-a' } } });
    await cluster.core.createNamespacedConfigMap({ namespace: other, body: { metadata: { name: 'existing-b' } } });
    const w = await watch(`/api/v1/namespaces/${other}/configmaps`, {});
    const events = await w.until((es) => summary(es).length >= 2);
    expect(summary(events).sort()).toEqual(['ADDED existing-a', 'ADDED existing-b']);
  });
});

describe('scoping a watch', () => {
  it('given a namespaced watch, then objects of other namespaces are not seen', async () => {
    const list = await cluster.core.listNamespacedConfigMap({ namespace: ns });
    const w = await watch(`/api/v1/namespaces/${ns}/configmaps`, { resourceVersion: list.metadata?.resourceVersion ?? '' });
    await cluster.core.createNamespacedConfigMap({ namespace: other, body: { metadata: { name: 'elsewhere' } } });
    await cluster.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'here' } } });
    const events = await w.until((es) => summary(es).includes('ADDED here'));
    expect(summary(events)).toEqual(['ADDED here']);
  });

  it('given a label selector, when an object is relabelled out of and back into it, then DELETED and ADDED are sent', async () => {
    await cluster.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'sel', labels: { track: 'yes' } } } });
    const list = await cluster.core.listNamespacedConfigMap({ namespace: ns, labelSelector: 'track=yes' });
    const w = await watch(`/api/v1/namespaces/${ns}/configmaps`, { resourceVersion: list.metadata?.resourceVersion ?? '', labelSelector: 'track=yes' });
    const merge = patchAs('application/merge-patch+json');
    await cluster.core.patchNamespacedConfigMap({ namespace: ns, name: 'sel', body: { metadata: { labels: { track: 'no' } } } }, merge);
    await cluster.core.patchNamespacedConfigMap({ namespace: ns, name: 'sel', body: { data: { ignored: 'while out' } } }, merge);
    await cluster.core.patchNamespacedConfigMap({ namespace: ns, name: 'sel', body: { metadata: { labels: { track: 'yes' } } } }, merge);
    const events = await w.until((es) => summary(es).length >= 2);
    expect(summary(events)).toEqual(['DELETED sel', 'ADDED sel']);
  });

  it('given a metadata.name field selector, then only that object is seen', async () => {
    const list = await cluster.core.listNamespacedConfigMap({ namespace: ns });
    const w = await watch(`/api/v1/namespaces/${ns}/configmaps`, { resourceVersion: list.metadata?.resourceVersion ?? '', fieldSelector: 'metadata.name=target' });
    await cluster.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'bystander' } } });
    await cluster.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'target' } } });
    const events = await w.until((es) => summary(es).includes('ADDED target'));
    expect(summary(events)).toEqual(['ADDED target']);
  });

  it('given a watch across all namespaces, then objects of every namespace are seen', async () => {
    const list = await cluster.core.listConfigMapForAllNamespaces({});
    const w = await watch('/api/v1/configmaps', { resourceVersion: list.metadata?.resourceVersion ?? '', labelSelector: 'wide=1' });
    await cluster.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'wide-a', labels: { wide: '1' } } } });
    await cluster.core.createNamespacedConfigMap({ namespace: other, body: { metadata: { name: 'wide-b', labels: { wide: '1' } } } });
    const events = await w.until((es) => summary(es).length >= 2);
    expect(summary(events)).toEqual(['ADDED wide-a', 'ADDED wide-b']);
  });
});

describe('ending a watch', () => {
  it('given timeoutSeconds, then the server ends the stream', async () => {
    const w = await watch(`/api/v1/namespaces/${ns}/configmaps`, { timeoutSeconds: 1 });
    await w.untilEnded(10_000);
    expect(w.done).toBe(true);
  });

  it('given an invalid resourceVersion, then the watch is refused', async () => {
    const res = await cluster.raw('GET', `/api/v1/namespaces/${ns}/configmaps?watch=1&resourceVersion=abc`);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.json).toMatchObject({ kind: 'Status', status: 'Failure' });
  });
});
