// Role-split access to the API: a live reader, a writer for objects, and a status writer for the status subresource.
//
// Code that should only write status gets a StatusWriter and cannot touch spec; code that only reads gets a reader
// (normally the informer cache, see object-cache.ts). A stale write answers 409 and is never retried blindly.
import type { KubeObject } from './kube-object.js';
import { isNotFound } from './kube-api-error.js';
import type { KubeTransport, PatchType } from './kube-transport.js';
import { collectionPath, objectPath, type ResourceKind } from './resource-kind.js';

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  /** Leave managedFields out of the items (a reader that never looks at them need not parse them). */
  dropManagedFields?: boolean;
}

export interface ObjectList<T> {
  items: T[];
  resourceVersion: string;
}

export interface LiveReader {
  get<T extends KubeObject>(kind: ResourceKind, namespace: string | undefined, name: string): Promise<T | undefined>;
  list<T extends KubeObject>(kind: ResourceKind, namespace: string | undefined, options?: ListOptions): Promise<ObjectList<T>>;
}

export interface ObjectWriter {
  create<T extends KubeObject>(kind: ResourceKind, obj: T): Promise<T>;
  /** PUT with the object's resourceVersion: 409 when someone else wrote first. */
  replace<T extends KubeObject>(kind: ResourceKind, obj: T): Promise<T>;
  patch<T extends KubeObject>(kind: ResourceKind, namespace: string | undefined, name: string, patch: unknown, type?: PatchType): Promise<T>;
  /** Deletes; a missing object is not an error. Background propagation removes dependents. */
  delete(kind: ResourceKind, namespace: string | undefined, name: string): Promise<void>;
}

export interface StatusWriter {
  replaceStatus<T extends KubeObject>(kind: ResourceKind, obj: T): Promise<T>;
  patchStatus<T extends KubeObject>(kind: ResourceKind, namespace: string | undefined, name: string, patch: unknown, type?: PatchType): Promise<T>;
}

const PAGE_SIZE = 500;

export interface KubeClientOptions {
  /** Labels every object this client creates carries besides its own (the shard of its owner, docs/adr/0017-shards-over-leases.md). */
  labelsOnCreate?: (kind: ResourceKind, obj: KubeObject) => Record<string, string> | undefined;
}

/** The one implementation behind the three roles; hand out the narrow interfaces, not this class. */
export class KubeClient implements LiveReader, ObjectWriter, StatusWriter {
  constructor(readonly transport: KubeTransport, private readonly options: KubeClientOptions = {}) {}

  async get<T extends KubeObject>(kind: ResourceKind, namespace: string | undefined, name: string): Promise<T | undefined> {
    try {
      return await this.transport.request<T>('GET', objectPath(kind, namespace, name));
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async list<T extends KubeObject>(kind: ResourceKind, namespace: string | undefined, options: ListOptions = {}): Promise<ObjectList<T>> {
    const { dropManagedFields, ...selectors } = options;
    const items: T[] = [];
    let continueToken: string | undefined;
    let resourceVersion = '';
    do {
      const page = await this.transport.request<{ items?: T[]; metadata?: { resourceVersion?: string; continue?: string } }>(
        'GET',
        collectionPath(kind, namespace),
        { query: { ...selectors, limit: PAGE_SIZE, continue: continueToken }, dropManagedFields },
      );
      items.push(...(page.items ?? []));
      resourceVersion = page.metadata?.resourceVersion ?? resourceVersion;
      continueToken = page.metadata?.continue || undefined;
    } while (continueToken);
    return { items, resourceVersion };
  }

  create<T extends KubeObject>(kind: ResourceKind, obj: T): Promise<T> {
    const labels = this.options.labelsOnCreate?.(kind, obj);
    const body = labels ? { ...obj, metadata: { ...obj.metadata, labels: { ...obj.metadata.labels, ...labels } } } : obj;
    return this.transport.request<T>('POST', collectionPath(kind, obj.metadata.namespace), { body, query: WRITE_QUERY });
  }

  replace<T extends KubeObject>(kind: ResourceKind, obj: T): Promise<T> {
    return this.transport.request<T>('PUT', objectPath(kind, obj.metadata.namespace, requireName(obj)), { body: obj, query: WRITE_QUERY });
  }

  patch<T extends KubeObject>(kind: ResourceKind, namespace: string | undefined, name: string, patch: unknown, type: PatchType = 'merge'): Promise<T> {
    return this.transport.request<T>('PATCH', objectPath(kind, namespace, name), { body: patch, patchType: type, query: WRITE_QUERY });
  }

  async delete(kind: ResourceKind, namespace: string | undefined, name: string): Promise<void> {
    try {
      await this.transport.request('DELETE', objectPath(kind, namespace, name), { body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' } });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  replaceStatus<T extends KubeObject>(kind: ResourceKind, obj: T): Promise<T> {
    return this.transport.request<T>('PUT', objectPath(kind, obj.metadata.namespace, requireName(obj), 'status'), { body: obj, query: WRITE_QUERY });
  }

  patchStatus<T extends KubeObject>(kind: ResourceKind, namespace: string | undefined, name: string, patch: unknown, type: PatchType = 'merge'): Promise<T> {
    return this.transport.request<T>('PATCH', objectPath(kind, namespace, name, 'status'), { body: patch, patchType: type, query: WRITE_QUERY });
  }
}

/** Names Vane in managedFields, so GitOps tools can tell its changes (weights, selectors) from a person's. */
const WRITE_QUERY = { fieldManager: 'vane' } as const;

function requireName(obj: KubeObject): string {
  if (!obj.metadata.name) throw new TypeError(`${obj.kind ?? 'object'} has no metadata.name`);
  return obj.metadata.name;
}
