// An in-memory reader/writer that checks every object state a router produces against the fixture CRD schemas,
// without an API server in between: what would be rejected (invalid) or silently dropped (pruned) is recorded.
import { randomUUID } from 'node:crypto';
import { VaneError } from '../../../src/errors.js';
import type { LiveReader, ObjectList, ObjectWriter } from '../../../src/kube/kube-client.js';
import type { KubeObject } from '../../../src/kube/kube-object.js';
import type { PatchType } from '../../../src/kube/kube-transport.js';
import type { ResourceKind } from '../../../src/kube/resource-kind.js';
import { applyJsonPatch } from '../../../src/sandbox/patch/json-patch.js';
import { applyMergePatch } from '../../../src/sandbox/patch/json-merge-patch.js';
import { pruneUnknownFields, validateObject } from '../../../src/sandbox/schema/structural-schema.js';
import { fixtureSchema, hasFixtureSchema } from './fixture-schemas.js';

export interface SchemaViolation {
  object: string;
  problem: string;
}

export class SchemaCheckingCluster implements LiveReader, ObjectWriter {
  readonly violations: SchemaViolation[] = [];
  /** Objects checked against a CRD schema, counted per write. */
  checked = 0;
  private readonly objects = new Map<string, KubeObject>();
  private version = 0;

  get<T extends KubeObject>(kind: ResourceKind, namespace: string | undefined, name: string): Promise<T | undefined> {
    const found = this.objects.get(key(kind, namespace, name));
    return Promise.resolve(found ? (structuredClone(found) as T) : undefined);
  }

  list<T extends KubeObject>(): Promise<ObjectList<T>> {
    return Promise.reject(new Error('list is not used by routers'));
  }

  create<T extends KubeObject>(kind: ResourceKind, obj: T): Promise<T> {
    const k = key(kind, obj.metadata.namespace, obj.metadata.name ?? '');
    if (this.objects.has(k)) return Promise.reject(new VaneError('AlreadyExists', `${k} exists`));
    return Promise.resolve(this.store(kind, { ...obj, metadata: { ...obj.metadata, uid: obj.metadata.uid ?? randomUUID() } }));
  }

  replace<T extends KubeObject>(kind: ResourceKind, obj: T): Promise<T> {
    const current = this.objects.get(key(kind, obj.metadata.namespace, obj.metadata.name ?? ''));
    if (!current) return Promise.reject(new VaneError('NotFound', 'not found'));
    if (current.metadata.resourceVersion !== obj.metadata.resourceVersion) return Promise.reject(new VaneError('Conflict', 'stale resourceVersion'));
    return Promise.resolve(this.store(kind, obj));
  }

  patch<T extends KubeObject>(kind: ResourceKind, namespace: string | undefined, name: string, patch: unknown, type: PatchType = 'merge'): Promise<T> {
    const current = this.objects.get(key(kind, namespace, name));
    if (!current) return Promise.reject(new VaneError('NotFound', 'not found'));
    if (type === 'strategic') return Promise.reject(new Error('strategic merge patch is not used by routers'));
    const next = (type === 'json' ? applyJsonPatch(current, patch) : applyMergePatch(current, patch)) as T;
    return Promise.resolve(this.store(kind, next));
  }

  delete(kind: ResourceKind, namespace: string | undefined, name: string): Promise<void> {
    this.objects.delete(key(kind, namespace, name));
    return Promise.resolve();
  }

  /** Puts an object in place without checking it (the user's own objects). */
  seed(kind: ResourceKind, obj: KubeObject): void {
    this.objects.set(key(kind, obj.metadata.namespace, obj.metadata.name ?? ''), { ...obj, metadata: { ...obj.metadata, uid: randomUUID(), resourceVersion: '1' } });
  }

  private store<T extends KubeObject>(kind: ResourceKind, obj: T): T {
    this.check(kind, obj);
    this.version += 1;
    const stored = { ...obj, metadata: { ...obj.metadata, resourceVersion: `v${this.version}` } };
    this.objects.set(key(kind, obj.metadata.namespace, obj.metadata.name ?? ''), stored);
    return structuredClone(stored);
  }

  private check(kind: ResourceKind, obj: KubeObject): void {
    if (!hasFixtureSchema(kind)) return;
    const schema = fixtureSchema(kind);
    const object = `${kind.kind} ${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`;
    this.checked += 1;
    for (const error of validateObject(schema, obj)) this.violations.push({ object, problem: error.message });
    for (const path of pruneUnknownFields(schema, obj).removedPaths) this.violations.push({ object, problem: `${path} is not in the schema and would be pruned` });
    if (obj.apiVersion !== `${kind.group}/${kind.version}`) this.violations.push({ object, problem: `apiVersion ${String(obj.apiVersion)} is not the served ${kind.group}/${kind.version}` });
  }
}

function key(kind: ResourceKind, namespace: string | undefined, name: string): string {
  return `${kind.group}/${kind.kind}/${namespace ?? ''}/${name}`;
}
