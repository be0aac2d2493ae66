// Contract: a watch keeps up with 10,000 rapid updates: every change arrives exactly once, in resourceVersion order,
// and a second watch started mid-burst from a resourceVersion sees exactly the changes after it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestCluster, type TestCluster } from './support/test-cluster.js';
import { WatchRecorder, type RecordedEvent } from './support/watch-recorder.js';

const OBJECTS = 50;
const UPDATES = 10_000;
const CONCURRENCY = 16;

let cluster: TestCluster;
let ns: string;
const recorders: WatchRecorder[] = [];

beforeAll(async () => {
  cluster = await openTestCluster({ simulator: { enabled: false } });
  ns = await cluster.namespace('burst');
  for (let i = 0; i < OBJECTS; i++) await cluster.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: `cm-${i}` }, data: { seq: '0' } } });
});

afterAll(async () => {
  for (const r of recorders) r.stop();
  await cluster?.close();
});

function modified(events: RecordedEvent[]): RecordedEvent[] {
  return events.filter((e) => e.type === 'MODIFIED');
}

function rvOf(e: RecordedEvent): number {
  return Number(e.object.metadata?.resourceVersion);
}

describe('a watch under a burst of updates', () => {
  it('given 10,000 merge patches from 16 concurrent writers, then each change is seen once and in order', async () => {
    const list = await cluster.core.listNamespacedConfigMap({ namespace: ns });
    const watcher = await WatchRecorder.start(cluster.kc, `/api/v1/namespaces/${ns}/configmaps`, { resourceVersion: list.metadata?.resourceVersion ?? '' });
    recorders.push(watcher);

    const written: number[] = [];
    const seqAt = new Map<number, string>();
    let next = 0;
    let midRv: number | undefined;
    let midWatcher: Promise<WatchRecorder> | undefined;
    const writer = async (): Promise<void> => {
      for (let seq = next++; seq < UPDATES; seq = next++) {
        const name = `cm-${seq % OBJECTS}`;
        const res = await cluster.raw('PATCH', `/api/v1/namespaces/${ns}/configmaps/${name}`, { data: { seq: String(seq + 1) } }, { 'Content-Type': 'application/merge-patch+json' });
        if (res.status !== 200) throw new Error(`patch ${seq} failed: ${res.status} ${res.text}`);
        const rv = Number((res.json as { metadata: { resourceVersion: string } }).metadata.resourceVersion);
        written.push(rv);
        seqAt.set(rv, String(seq + 1));
        if (seq === UPDATES / 2) {
          midRv = rv;
          midWatcher = WatchRecorder.start(cluster.kc, `/api/v1/namespaces/${ns}/configmaps`, { resourceVersion: String(rv) });
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, () => writer()));
    expect(written).toHaveLength(UPDATES);

    const seen = modified(await watcher.until((es) => modified(es).length >= UPDATES, 120_000));
    const seenRvs = seen.map(rvOf);
    expect(seen).toHaveLength(UPDATES);
    expect(new Set(seenRvs).size).toBe(UPDATES);
    expect([...seenRvs].sort((a, b) => a - b)).toEqual([...written].sort((a, b) => a - b));
    expect(seenRvs.every((rv, i) => i === 0 || rv > (seenRvs[i - 1] ?? 0))).toBe(true);

    // Each event carries exactly the state its write produced.
    const mismatched = seen.filter((e) => (e.object as { data?: { seq?: string } }).data?.seq !== seqAt.get(rvOf(e)));
    expect(mismatched).toEqual([]);

    const mid = await midWatcher!;
    recorders.push(mid);
    const after = written.filter((rv) => rv > midRv!).length;
    const midSeen = modified(await mid.until((es) => modified(es).length >= after, 60_000));
    expect(midSeen.map(rvOf)).toEqual(seenRvs.filter((rv) => rv > midRv!));
  }, 180_000);
});
