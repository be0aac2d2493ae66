import { describe, expect, it } from 'vitest';
import { ApiStatusError } from './api-status.js';
import { ObjectStore, type StoreEvent } from './object-store.js';
import { WatchHub } from './watch-hub.js';

function cm(name: string, v: string): { metadata: { name: string; namespace: string }; data: { v: string } } {
  return { metadata: { name, namespace: 'ns' }, data: { v } };
}

describe('WatchHub', () => {
  it('given changes within the window, when subscribing from a revision, then later changes replay in order and new ones follow', () => {
    const store = new ObjectStore();
    const hub = new WatchHub(store, 10);
    store.create('configmaps', cm('a', '1'));
    const from = store.revision;
    store.update('configmaps', cm('a', '2'));
    const seen: StoreEvent[] = [];
    hub.subscribe('configmaps', from, (e) => seen.push(e));
    store.remove('configmaps', 'ns', 'a');
    expect(seen.map((e) => [e.type, e.revision])).toEqual([
      ['MODIFIED', 2],
      ['DELETED', 3],
    ]);
  });

  it('given more changes than the window holds, when subscribing from before them, then it throws 410 Expired', () => {
    const store = new ObjectStore();
    const hub = new WatchHub(store, 3);
    for (let i = 0; i < 6; i++) store.create('configmaps', cm(`o${i}`, '1'));
    expect(() => hub.subscribe('configmaps', 1, () => undefined)).toThrow(ApiStatusError);
    try {
      hub.subscribe('configmaps', 1, () => undefined);
    } catch (err) {
      expect((err as ApiStatusError).toStatus()).toMatchObject({ reason: 'Expired', code: 410, message: 'too old resource version: 1 (4)' });
    }
    const seen: number[] = [];
    hub.subscribe('configmaps', 3, (e) => seen.push(e.revision));
    expect(seen).toEqual([4, 5, 6]);
  });

  it('given other resources change, then a quiet resource keeps its own window', () => {
    const store = new ObjectStore();
    const hub = new WatchHub(store, 2);
    store.create('secrets', cm('s', '1'));
    for (let i = 0; i < 5; i++) store.create('configmaps', cm(`o${i}`, '1'));
    const seen: number[] = [];
    hub.subscribe('secrets', 0, (e) => seen.push(e.revision));
    expect(seen).toEqual([1]);
  });
});
