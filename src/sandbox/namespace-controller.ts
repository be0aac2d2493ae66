// Namespace termination, as kube-controller-manager's namespace controller does it: a deleted namespace's objects
// are deleted, and once none is left its `kubernetes` finalizer is lifted and the namespace goes.
import { DeferredKeyQueue } from './deferred-key-queue.js';
import type { KubeObject } from './kube-object.js';
import type { ObjectStore, StoreEvent } from './object-store.js';
import type { ResourceOperations } from './resource-operations.js';
import type { ResourceRegistry } from './resource-registry.js';
import type { ResourceType } from './resource-type.js';

export const NAMESPACE_FINALIZER = 'kubernetes';

export class NamespaceController {
  private readonly queue: DeferredKeyQueue;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly store: ObjectStore,
    private readonly registry: ResourceRegistry,
    private readonly operations: ResourceOperations,
    private readonly namespaceType: ResourceType,
    onError: (err: unknown) => void,
  ) {
    this.queue = new DeferredKeyQueue((name) => this.terminate(name), onError);
    this.unsubscribe = store.subscribe((event) => this.observe(event));
  }

  stop(): void {
    this.unsubscribe();
    this.queue.stop();
  }

  private observe(event: StoreEvent): void {
    if (event.storageKey === this.namespaceType.storageKey) {
      if (event.type !== 'DELETED' && event.object.metadata.deletionTimestamp) this.queue.add(event.object.metadata.name ?? '');
      return;
    }
    const namespace = event.object.metadata.namespace;
    if (event.type === 'DELETED' && namespace && this.isTerminating(namespace)) this.queue.add(namespace);
  }

  private isTerminating(name: string): boolean {
    return this.store.get(this.namespaceType.storageKey, undefined, name)?.metadata.deletionTimestamp !== undefined;
  }

  private terminate(name: string): void {
    const ns = this.store.get(this.namespaceType.storageKey, undefined, name);
    if (!ns?.metadata.deletionTimestamp) return;
    const remaining = this.deleteContents(name);
    if (remaining === 0) this.finalize(ns);
  }

  /** Asks every object in the namespace to go; returns how many are still there (waiting on finalizers). */
  private deleteContents(namespace: string): number {
    for (const storageKey of this.store.storageKeysWithObjectsIn(namespace)) {
      const type = this.registry.storageType(storageKey);
      for (const obj of this.store.list(storageKey, namespace)) {
        if (type && !obj.metadata.deletionTimestamp) this.operations.delete(type, namespace, obj.metadata.name ?? '', { propagationPolicy: 'Background' });
      }
    }
    return this.store.storageKeysWithObjectsIn(namespace).reduce((n, key) => n + this.store.list(key, namespace).length, 0);
  }

  private finalize(ns: KubeObject): void {
    const spec = (ns['spec'] ?? {}) as { finalizers?: string[] };
    const finalizers = (spec.finalizers ?? []).filter((f) => f !== NAMESPACE_FINALIZER);
    this.operations.replace(this.namespaceType, ns, { ...ns, spec: { ...spec, finalizers } }, undefined);
  }
}
