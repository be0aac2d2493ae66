import { describe, expect, it } from 'vitest';
import { VaneError } from '../errors.js';
import type { KubeObject } from './kube-object.js';
import { Kinds } from './resource-kind.js';
import { updateStatusOverLiveRead } from './status-update.js';
import { WriteTracker } from './write-tracker.js';

type Counted = KubeObject & { status?: { count?: number } };

/** One object in memory, with a resourceVersion the writes must match (as an API server checks it). */
function store(initial: Counted | undefined) {
  let current = initial;
  const writes: Counted[] = [];
  return {
    writes,
    bump(): void {
      if (current) current = { ...current, metadata: { ...current.metadata, resourceVersion: String(Number(current.metadata.resourceVersion) + 1) }, status: { count: (current.status?.count ?? 0) + 10 } };
    },
    client: {
      get: async <T extends KubeObject>(): Promise<T | undefined> => current as T | undefined,
      list: async () => ({ items: [], metadata: {} }) as never,
      patchStatus: async () => { throw new Error('not used'); },
      replaceStatus: async <T extends KubeObject>(_kind: unknown, obj: T): Promise<T> => {
        if (obj.metadata.resourceVersion !== current?.metadata.resourceVersion) throw new VaneError('Conflict', 'the object has been modified');
        current = { ...(obj as Counted), metadata: { ...obj.metadata, resourceVersion: String(Number(obj.metadata.resourceVersion) + 1) } };
        writes.push(current);
        return current as unknown as T;
      },
    },
  };
}

const counted = (count: number): Counted => ({ apiVersion: 'vane.dev/v1alpha1', kind: 'Rollout', metadata: { name: 'web', namespace: 'shop', resourceVersion: '1' }, status: { count } });
const increment = (live: Counted): Counted['status'] => ({ count: (live.status?.count ?? 0) + 1 });

describe('a status write over a live read', () => {
  it('given a write that meets a 409, then it reads again and recomputes from the newer object', async () => {
    const s = store(counted(1));
    const stale = counted(1);
    s.bump();
    const written = await updateStatusOverLiveRead(s.client, Kinds.Rollout, { namespace: 'shop', name: 'web' }, increment, { read: stale });
    expect(written?.status?.count).toBe(12);
    expect(s.writes).toHaveLength(1);
  });

  it('given change answering undefined, then nothing is written and the call answers undefined', async () => {
    const s = store(counted(1));
    expect(await updateStatusOverLiveRead(s.client, Kinds.Rollout, { namespace: 'shop', name: 'web' }, () => undefined)).toBeUndefined();
    expect(s.writes).toHaveLength(0);
  });

  it('given the object gone, then nothing is written', async () => {
    const s = store(undefined);
    expect(await updateStatusOverLiveRead(s.client, Kinds.Rollout, { namespace: 'shop', name: 'web' }, increment)).toBeUndefined();
  });

  it('given a tracker, then it is told of the write under namespace/name', async () => {
    const s = store(counted(1));
    const writes = new WriteTracker();
    await updateStatusOverLiveRead(s.client, Kinds.Rollout, { namespace: 'shop', name: 'web' }, increment, { writes });
    expect(writes.isStale('shop/web', '1')).toBe(true);
    expect(writes.isStale('shop/web', '2')).toBe(false);
  });
});
