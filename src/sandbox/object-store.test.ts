import { describe, expect, it } from 'vitest';
import { ObjectStore, type StoreEvent } from './object-store.js';

describe('ObjectStore', () => {
  it('given a listener that writes while being notified, then every listener still sees changes in revision order', () => {
    const store = new ObjectStore();
    const first: number[] = [];
    const second: number[] = [];
    store.subscribe((e) => {
      first.push(e.revision);
      if (e.object.metadata.name === 'owner') store.create('configmaps', { metadata: { name: 'echo', namespace: 'ns' } });
    });
    store.subscribe((e) => second.push(e.revision));
    store.create('configmaps', { metadata: { name: 'owner', namespace: 'ns' } });
    expect(first).toEqual([1, 2]);
    expect(second).toEqual([1, 2]);
  });

  it('given owner references, then dependents are found by the owner uid until they drop the reference', () => {
    const store = new ObjectStore();
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: 'o', uid: 'u-1' };
    store.create('pods', { metadata: { name: 'p', namespace: 'ns', uid: 'p-1', ownerReferences: [ref] } });
    expect(store.dependentsOf('u-1')).toEqual([{ storageKey: 'pods', namespace: 'ns', name: 'p' }]);
    store.update('pods', { metadata: { name: 'p', namespace: 'ns', uid: 'p-1' } });
    expect(store.dependentsOf('u-1')).toEqual([]);
    expect(store.locate('p-1')).toEqual({ storageKey: 'pods', namespace: 'ns', name: 'p' });
  });

  it('given a deletion, then the DELETED event carries the last state with a new resourceVersion', () => {
    const store = new ObjectStore();
    const events: StoreEvent[] = [];
    store.subscribe((e) => events.push(e));
    store.create('configmaps', { metadata: { name: 'a', namespace: 'ns' }, data: { k: 'v' } });
    store.remove('configmaps', 'ns', 'a');
    expect(events[1]).toMatchObject({ type: 'DELETED', revision: 2, object: { data: { k: 'v' }, metadata: { resourceVersion: '2' } } });
    expect(store.get('configmaps', 'ns', 'a')).toBeUndefined();
  });

  it('given objects in several namespaces, then lists are in key order and can be narrowed to one namespace', () => {
    const store = new ObjectStore();
    for (const [ns, name] of [['b', 'x'], ['a', 'z'], ['a', 'y']]) store.create('configmaps', { metadata: { name, namespace: ns } });
    expect(store.list('configmaps').map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual(['a/y', 'a/z', 'b/x']);
    expect(store.list('configmaps', 'a').map((o) => o.metadata.name)).toEqual(['y', 'z']);
  });
});
