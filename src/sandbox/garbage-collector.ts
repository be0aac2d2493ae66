// Owner-reference garbage collection, as kube-controller-manager's garbage collector does it: dependents whose
// owners are all gone are deleted (background), Foreground owners wait for their dependents to go, Orphan owners
// release their dependents first.
import type { OwnerReference } from '../resources/meta.js';
import { DeferredKeyQueue } from './deferred-key-queue.js';
import type { KubeObject, SandboxMeta } from './kube-object.js';
import type { ObjectLocation, ObjectStore, StoreEvent } from './object-store.js';
import { FOREGROUND_FINALIZER, ORPHAN_FINALIZER, type ResourceOperations } from './resource-operations.js';
import type { ResourceRegistry } from './resource-registry.js';
import type { ResourceType } from './resource-type.js';

const SEPARATOR = '\u0000';

function locationKey(location: ObjectLocation): string {
  return [location.storageKey, location.namespace ?? '', location.name].join(SEPARATOR);
}

function parseLocationKey(key: string): ObjectLocation {
  const [storageKey = '', namespace = '', name = ''] = key.split(SEPARATOR);
  return { storageKey, namespace: namespace === '' ? undefined : namespace, name };
}

function hasFinalizer(obj: KubeObject, finalizer: string): boolean {
  return (obj.metadata.finalizers ?? []).includes(finalizer);
}

export class GarbageCollector {
  private readonly dependentsQueue: DeferredKeyQueue;
  private readonly ownersQueue: DeferredKeyQueue;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly store: ObjectStore,
    private readonly registry: ResourceRegistry,
    private readonly operations: ResourceOperations,
    onError: (err: unknown) => void,
  ) {
    this.dependentsQueue = new DeferredKeyQueue((key) => this.collectDependent(parseLocationKey(key)), onError);
    this.ownersQueue = new DeferredKeyQueue((key) => this.finishOwner(parseLocationKey(key)), onError);
    this.unsubscribe = store.subscribe((event) => this.observe(event));
  }

  stop(): void {
    this.unsubscribe();
    this.dependentsQueue.stop();
    this.ownersQueue.stop();
  }

  private observe(event: StoreEvent): void {
    const uid = event.object.metadata.uid;
    if (!uid) return;
    if (event.type === 'DELETED') {
      for (const dependent of this.store.dependentsOf(uid)) this.dependentsQueue.add(locationKey(dependent));
    }
    if (event.object.metadata.deletionTimestamp && (hasFinalizer(event.object, FOREGROUND_FINALIZER) || hasFinalizer(event.object, ORPHAN_FINALIZER))) {
      this.ownersQueue.add(locationKey({ storageKey: event.storageKey, namespace: event.object.metadata.namespace, name: event.object.metadata.name ?? '' }));
    }
    // A dependent going away may be what a Foreground owner waits for.
    if (event.type === 'DELETED') {
      for (const ref of event.object.metadata.ownerReferences ?? []) this.requeueOwner(ref);
    }
  }

  private requeueOwner(ref: OwnerReference): void {
    const owner = this.store.locate(ref.uid);
    if (owner) this.ownersQueue.add(locationKey(owner));
  }

  private ownerAlive(ref: OwnerReference): boolean {
    const location = this.store.locate(ref.uid);
    if (!location) return false;
    const owner = this.store.get(location.storageKey, location.namespace, location.name);
    return owner?.metadata.uid === ref.uid;
  }

  /** A dependent of a deleted owner: deleted when no owner remains, otherwise stripped of dangling references. */
  private collectDependent(location: ObjectLocation): void {
    const type = this.registry.storageType(location.storageKey);
    const obj = this.store.get(location.storageKey, location.namespace, location.name);
    if (!type || !obj) return;
    const refs = obj.metadata.ownerReferences ?? [];
    const alive = refs.filter((ref) => this.ownerAlive(ref));
    if (alive.length === refs.length) return;
    if (alive.length > 0) {
      this.operations.replace(type, obj, { ...obj, metadata: { ...obj.metadata, ownerReferences: alive } }, undefined);
      return;
    }
    if (!obj.metadata.deletionTimestamp) this.operations.delete(type, location.namespace, location.name, { propagationPolicy: 'Background' });
  }

  /** An owner being deleted with Foreground or Orphan propagation. */
  private finishOwner(location: ObjectLocation): void {
    const type = this.registry.storageType(location.storageKey);
    const owner = this.store.get(location.storageKey, location.namespace, location.name);
    const uid = owner?.metadata.uid;
    if (!type || !owner || !uid || !owner.metadata.deletionTimestamp) return;
    const dependents = this.store.dependentsOf(uid).flatMap((d) => {
      const obj = this.store.get(d.storageKey, d.namespace, d.name);
      return obj ? [{ location: d, obj }] : [];
    });
    if (hasFinalizer(owner, ORPHAN_FINALIZER)) {
      for (const { location: d, obj } of dependents) this.release(d, obj, uid);
      this.removeFinalizer(type, owner, ORPHAN_FINALIZER);
      return;
    }
    if (!hasFinalizer(owner, FOREGROUND_FINALIZER)) return;
    if (dependents.length === 0) {
      this.removeFinalizer(type, owner, FOREGROUND_FINALIZER);
      return;
    }
    for (const { location: d, obj } of dependents) {
      const depType = this.registry.storageType(d.storageKey);
      if (depType && !obj.metadata.deletionTimestamp) this.operations.delete(depType, d.namespace, d.name, { propagationPolicy: 'Foreground' });
    }
  }

  private release(location: ObjectLocation, obj: KubeObject, ownerUid: string): void {
    const type = this.registry.storageType(location.storageKey);
    if (!type) return;
    const ownerReferences = (obj.metadata.ownerReferences ?? []).filter((ref) => ref.uid !== ownerUid);
    const metadata: SandboxMeta = { ...obj.metadata, ownerReferences };
    if (ownerReferences.length === 0) delete metadata.ownerReferences;
    this.operations.replace(type, obj, { ...obj, metadata }, undefined);
  }

  private removeFinalizer(type: ResourceType, owner: KubeObject, finalizer: string): void {
    const finalizers = (owner.metadata.finalizers ?? []).filter((f) => f !== finalizer);
    this.operations.replace(type, owner, { ...owner, metadata: { ...owner.metadata, finalizers } }, undefined);
  }
}
