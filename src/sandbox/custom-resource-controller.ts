// Serves custom resources as their CRDs come and go, and deletes a CRD's objects before the CRD itself goes.
import { CRD_CLEANUP_FINALIZER } from './custom-resource-definition-strategy.js';
import { customResourceTypes, type CustomResourceDefinition } from './custom-resource-types.js';
import { DeferredKeyQueue } from './deferred-key-queue.js';
import type { ObjectStore, StoreEvent } from './object-store.js';
import type { ResourceOperations } from './resource-operations.js';
import type { ResourceRegistry } from './resource-registry.js';
import type { ResourceType } from './resource-type.js';

export class CustomResourceController {
  private readonly cleanups: DeferredKeyQueue;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly store: ObjectStore,
    private readonly registry: ResourceRegistry,
    private readonly operations: ResourceOperations,
    private readonly crdType: ResourceType,
    onError: (err: unknown) => void,
  ) {
    this.cleanups = new DeferredKeyQueue((name) => this.cleanUp(name), onError);
    // Registration happens inside the change notification, so a CRD is served as soon as its create returns.
    this.unsubscribe = store.subscribe((event) => this.observe(event));
  }

  stop(): void {
    this.unsubscribe();
    this.cleanups.stop();
  }

  private observe(event: StoreEvent): void {
    if (event.storageKey !== this.crdType.storageKey) return;
    const crd = event.object as CustomResourceDefinition;
    const name = crd.metadata.name ?? '';
    if (event.type === 'DELETED') {
      this.removeObjects(crd);
      this.registry.setCustom(name, [], undefined);
      return;
    }
    const { served, storage } = customResourceTypes(crd);
    this.registry.setCustom(name, served, storage);
    if (crd.metadata.deletionTimestamp) this.cleanups.add(name);
  }

  /** Deletes every object of a terminating CRD, then lifts the CRD's cleanup finalizer. */
  private cleanUp(name: string): void {
    const crd = this.store.get(this.crdType.storageKey, undefined, name) as CustomResourceDefinition | undefined;
    if (!crd?.metadata.deletionTimestamp) return;
    this.removeObjects(crd);
    const finalizers = (crd.metadata.finalizers ?? []).filter((f) => f !== CRD_CLEANUP_FINALIZER);
    this.operations.replace(this.crdType, crd, { ...crd, metadata: { ...crd.metadata, finalizers } }, undefined);
  }

  private removeObjects(crd: CustomResourceDefinition): void {
    const storage = customResourceTypes(crd).storage;
    if (!storage) return;
    for (const obj of this.store.list(storage.storageKey)) {
      this.store.remove(storage.storageKey, obj.metadata.namespace, obj.metadata.name ?? '');
    }
  }
}
