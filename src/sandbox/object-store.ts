// The sandbox's etcd: objects by resource and key, one global revision counter, and an ordered change feed.
//
// Stored objects are never mutated: a write replaces the object, so readers (lists, watch fan-out, paging
// snapshots) may hold references without copying.
import type { OwnerReference } from '../resources/meta.js';
import { objectKey, type KubeObject } from './kube-object.js';

export type StoreEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: StoreEventType;
  storageKey: string;
  /** The object after the change; for DELETED, the last state with the deletion's resourceVersion. */
  object: KubeObject;
  previous: KubeObject | undefined;
  revision: number;
}

export interface ObjectLocation {
  storageKey: string;
  namespace: string | undefined;
  name: string;
}

type StoreListener = (event: StoreEvent) => void;

class Table {
  readonly objects = new Map<string, KubeObject>();
  private sortedKeys: string[] | undefined;

  keys(): string[] {
    this.sortedKeys ??= [...this.objects.keys()].sort();
    return this.sortedKeys;
  }

  invalidateOrder(): void {
    this.sortedKeys = undefined;
  }
}

function locationId(location: ObjectLocation): string {
  return `${location.storageKey}|${location.namespace ?? ''}|${location.name}`;
}

function ownerUids(obj: KubeObject | undefined): string[] {
  return (obj?.metadata.ownerReferences ?? []).map((ref: OwnerReference) => ref.uid);
}

export class ObjectStore {
  /** Where listener failures go; the sandbox points this at its logger. */
  onListenerError: (err: unknown) => void = () => undefined;
  private currentRevision = 0;
  private readonly tables = new Map<string, Table>();
  private readonly listeners = new Set<StoreListener>();
  private readonly pending: StoreEvent[] = [];
  private dispatching = false;
  private readonly byUid = new Map<string, ObjectLocation>();
  private readonly dependents = new Map<string, Map<string, ObjectLocation>>();

  get revision(): number {
    return this.currentRevision;
  }

  get(storageKey: string, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.tables.get(storageKey)?.objects.get(objectKey(namespace, name));
  }

  /** Objects of a resource in key order (namespace, then name), optionally within one namespace. */
  list(storageKey: string, namespace?: string): KubeObject[] {
    const table = this.tables.get(storageKey);
    if (!table) return [];
    const out: KubeObject[] = [];
    const prefix = namespace === undefined ? undefined : `${namespace}/`;
    for (const key of table.keys()) {
      if (prefix !== undefined && !key.startsWith(prefix)) continue;
      const obj = table.objects.get(key);
      if (obj) out.push(obj);
    }
    return out;
  }

  /** Resources (storage keys) that hold at least one object in the namespace. */
  storageKeysWithObjectsIn(namespace: string): string[] {
    const prefix = `${namespace}/`;
    const keys: string[] = [];
    for (const [storageKey, table] of this.tables) {
      for (const key of table.objects.keys()) {
        if (key.startsWith(prefix)) {
          keys.push(storageKey);
          break;
        }
      }
    }
    return keys;
  }

  locate(uid: string): ObjectLocation | undefined {
    return this.byUid.get(uid);
  }

  /** Objects whose ownerReferences name this uid. */
  dependentsOf(uid: string): ObjectLocation[] {
    return [...(this.dependents.get(uid)?.values() ?? [])];
  }

  create(storageKey: string, obj: KubeObject): KubeObject {
    const stored = this.stamp(obj);
    const table = this.table(storageKey);
    table.objects.set(objectKey(stored.metadata.namespace, stored.metadata.name ?? ''), stored);
    table.invalidateOrder();
    this.index(storageKey, stored, undefined);
    this.emit({ type: 'ADDED', storageKey, object: stored, previous: undefined, revision: this.currentRevision });
    return stored;
  }

  update(storageKey: string, obj: KubeObject): KubeObject {
    const key = objectKey(obj.metadata.namespace, obj.metadata.name ?? '');
    const table = this.table(storageKey);
    const previous = table.objects.get(key);
    const stored = this.stamp(obj);
    table.objects.set(key, stored);
    this.index(storageKey, stored, previous);
    this.emit({ type: 'MODIFIED', storageKey, object: stored, previous, revision: this.currentRevision });
    return stored;
  }

  remove(storageKey: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const table = this.tables.get(storageKey);
    const key = objectKey(namespace, name);
    const previous = table?.objects.get(key);
    if (!table || !previous) return undefined;
    table.objects.delete(key);
    table.invalidateOrder();
    const deleted = this.stamp(previous);
    this.unindex(storageKey, previous);
    this.emit({ type: 'DELETED', storageKey, object: deleted, previous, revision: this.currentRevision });
    return deleted;
  }

  /**
   * Listeners see every change once, in revision order, even when a listener writes while being told
   * of a change (its write is queued behind the current one).
   */
  subscribe(listener: StoreListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private table(storageKey: string): Table {
    let table = this.tables.get(storageKey);
    if (!table) {
      table = new Table();
      this.tables.set(storageKey, table);
    }
    return table;
  }

  private stamp(obj: KubeObject): KubeObject {
    this.currentRevision += 1;
    return { ...obj, metadata: { ...obj.metadata, resourceVersion: String(this.currentRevision) } };
  }

  private index(storageKey: string, obj: KubeObject, previous: KubeObject | undefined): void {
    const location = { storageKey, namespace: obj.metadata.namespace, name: obj.metadata.name ?? '' };
    if (obj.metadata.uid) this.byUid.set(obj.metadata.uid, location);
    const id = locationId(location);
    for (const uid of ownerUids(previous)) this.dropDependent(uid, id);
    for (const uid of ownerUids(obj)) {
      let set = this.dependents.get(uid);
      if (!set) {
        set = new Map();
        this.dependents.set(uid, set);
      }
      set.set(id, location);
    }
  }

  private unindex(storageKey: string, obj: KubeObject): void {
    if (obj.metadata.uid) this.byUid.delete(obj.metadata.uid);
    const id = locationId({ storageKey, namespace: obj.metadata.namespace, name: obj.metadata.name ?? '' });
    for (const uid of ownerUids(obj)) this.dropDependent(uid, id);
  }

  private dropDependent(ownerUid: string, id: string): void {
    const set = this.dependents.get(ownerUid);
    set?.delete(id);
    if (set?.size === 0) this.dependents.delete(ownerUid);
  }

  private notify(listener: StoreListener, event: StoreEvent): void {
    try {
      listener(event);
    } catch (err) {
      // A failing listener must not starve the others of the change feed.
      this.onListenerError(err);
    }
  }

  private emit(event: StoreEvent): void {
    this.pending.push(event);
    if (this.dispatching) return;
    this.dispatching = true;
    try {
      for (let next = this.pending.shift(); next; next = this.pending.shift()) {
        for (const listener of this.listeners) this.notify(listener, next);
      }
    } finally {
      this.dispatching = false;
    }
  }
}
