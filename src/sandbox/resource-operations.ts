// The generic registry: create, read, list, update, patch and delete with the apiserver's rules (optimistic
// concurrency, status/spec separation, generation, finalizers, dry run), shared by HTTP handlers and the
// sandbox's own controllers.
import {
  alreadyExists,
  ApiStatusError,
  badRequest,
  conflict,
  forbidden,
  internalError,
  invalid,
  notFound,
  qualifiedResource,
  type ErrorSubject,
} from './api-status.js';
import { readField, writeField } from './field-path.js';
import { asKubeObject, timestampNow, type KubeObject } from './kube-object.js';
import type { ListPage, ListPager } from './list-pager.js';
import { CONTROLLER_MANAGER, trackManagedFields } from './managed-fields.js';
import { decodeMicroTime } from './micro-time.js';
import { carryOverSystemFields, bumpGeneration, generateName, stampCreate, unchanged } from './object-metadata.js';
import { validateObjectMeta } from './object-meta-validation.js';
import type { ObjectStore } from './object-store.js';
import { apiVersionOfType, type ResourceType } from './resource-type.js';
import { forbidden as forbiddenField } from './schema/field-error.js';
import { jsonClone } from './schema/json-value.js';
import type { SchemaError } from './schema/structural-schema.js';

export type FieldValidation = 'Ignore' | 'Warn' | 'Strict';
export type PropagationPolicy = 'Foreground' | 'Background' | 'Orphan';

export interface WriteOptions {
  dryRun?: boolean;
  /** What to do with fields the schema does not know (custom resources): the apiserver's default is Warn. */
  fieldValidation?: FieldValidation;
  /** Collects `Warning` header texts. */
  warnings?: string[];
  /** Who writes, for managedFields (managed-fields.ts); the sandbox's own controllers write as kube-controller-manager. */
  manager?: string;
  /** A server-side apply's configuration: the manager's Apply entry then holds exactly its fields. */
  applied?: unknown;
}

export interface DeleteOptions {
  propagationPolicy?: PropagationPolicy;
  orphanDependents?: boolean;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

export interface ListOptions {
  filter?: (stored: KubeObject) => boolean;
  limit?: number;
  continueToken?: string;
  /** remainingItemCount is only reported for unfiltered lists, as the apiserver does. */
  filtered?: boolean;
}

export interface DeleteResult {
  /** The object as served: gone (with the deletion's resourceVersion) or waiting on finalizers. */
  object: KubeObject;
  deleted: boolean;
}

export type Subresource = 'status' | undefined;

/** Finalizers the garbage collector acts on (metav1.FinalizerOrphanDependents / FinalizerDeleteDependents). */
export const ORPHAN_FINALIZER = 'orphan';
export const FOREGROUND_FINALIZER = 'foregroundDeletion';

const NAMESPACES = 'namespaces';
const UNDELETABLE_NAMESPACES = new Set(['default', 'kube-system', 'kube-public']);

export function subjectOf(type: ResourceType, name: string): ErrorSubject {
  return { group: type.group, resource: type.resource, name };
}

/** What blocks an object's removal once deletion was requested (a Namespace also waits on spec.finalizers). */
function pendingFinalizers(obj: KubeObject): string[] {
  const own = obj.metadata.finalizers ?? [];
  const spec = obj['spec'] as { finalizers?: unknown } | undefined;
  const namespaceFinalizers = obj.kind === 'Namespace' && Array.isArray(spec?.finalizers) ? (spec.finalizers as string[]) : [];
  return [...own, ...namespaceFinalizers];
}

/** The start of the apiserver's message for a body its decoder refuses. */
function cannotBeHandled(type: ResourceType): string {
  return `${type.kind} in version "${type.version}" cannot be handled as a ${type.kind}`;
}

function describeStrictErrors(type: ResourceType, removed: readonly string[]): string {
  const fields = removed.map((p) => `unknown field "${p}"`).join(', ');
  return `${cannotBeHandled(type)}: strict decoding error: ${fields}`;
}

/** MicroTime fields must parse with six fractional digits (400 as the decoder fails); they are served in UTC. */
function decodeMicroTimes(type: ResourceType, obj: KubeObject): void {
  for (const field of type.microTimeFields) {
    const value = readField(obj, field.path);
    if (value === undefined || value === null) continue;
    const decoded = decodeMicroTime(value);
    if (!decoded.ok) throw badRequest(`${cannotBeHandled(type)}: ${field.goPath}: unmarshalerDecoder: ${decoded.error}`);
    writeField(obj, field.path, decoded.value);
  }
}

/**
 * A PUT without metadata.resourceVersion to a resource that needs one (custom resources): 422, worded as the
 * apiserver's generic registry words it (the resource rather than the Kind, and Go's %#v of a zero int64).
 */
function resourceVersionRequired(type: ResourceType, name: string): ApiStatusError {
  const cause = { reason: 'FieldValueInvalid', message: 'Invalid value: 0x0: must be specified for an update', field: 'metadata.resourceVersion' };
  const message = `${qualifiedResource(type.group, type.resource)} "${name}" is invalid: ${cause.field}: ${cause.message}`;
  const details = { name, ...(type.group === '' ? {} : { group: type.group }), kind: type.resource, causes: [cause] };
  return new ApiStatusError(422, 'Invalid', message, details);
}

export class ResourceOperations {
  constructor(
    private readonly store: ObjectStore,
    private readonly pager: ListPager,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The stored object (storage form), or a 404. */
  getStored(type: ResourceType, namespace: string | undefined, name: string): KubeObject {
    const stored = this.store.get(type.storageKey, type.namespaced ? namespace : undefined, name);
    if (!stored) throw notFound(subjectOf(type, name));
    return stored;
  }

  get(type: ResourceType, namespace: string | undefined, name: string): KubeObject {
    return type.codec.fromStorage(this.getStored(type, namespace, name));
  }

  /** A page of stored objects; serve them with encodeList. */
  list(type: ResourceType, namespace: string | undefined, options: ListOptions = {}): ListPage {
    const countRemaining = !options.filtered;
    if (options.continueToken) return this.pager.next(options.continueToken, options.limit, countRemaining);
    const resourceVersion = String(this.store.revision);
    let items = this.store.list(type.storageKey, type.namespaced ? namespace : undefined);
    if (options.filter) items = items.filter(options.filter);
    return this.pager.first(items, resourceVersion, options.limit, countRemaining);
  }

  create(type: ResourceType, namespace: string | undefined, body: unknown, options: WriteOptions = {}): KubeObject {
    const obj = this.decode(type, namespace, body);
    if (obj.metadata.resourceVersion) throw internalError('resourceVersion should not be set on objects to be created');
    if (!obj.metadata.name && obj.metadata.generateName) obj.metadata.name = generateName(obj.metadata.generateName);
    const name = obj.metadata.name ?? '';
    if (type.namespaced) this.admitNamespace(type, obj.metadata.namespace ?? '', name);
    stampCreate(obj, type, this.now());
    // With a status subresource, a create cannot set status; the strategy may give an initial one.
    if (type.statusSubresource) delete obj['status'];
    const prepared = this.prepare(type, obj, undefined, options);
    type.strategy.prepareForCreate?.(prepared);
    this.trackFields(type, undefined, prepared, options);
    this.validate(type, prepared, undefined, undefined);
    if (this.store.get(type.storageKey, prepared.metadata.namespace, name)) throw alreadyExists(subjectOf(type, name));
    if (options.dryRun) return prepared;
    return type.codec.fromStorage(this.store.create(type.storageKey, type.codec.toStorage(prepared)));
  }

  /** PUT of the object or its status subresource. */
  update(type: ResourceType, namespace: string | undefined, name: string, body: unknown, subresource: Subresource, options: WriteOptions = {}): KubeObject {
    const stored = this.store.get(type.storageKey, type.namespaced ? namespace : undefined, name);
    if (stored) {
      if (!type.allowUnconditionalUpdate && !asKubeObject(body)?.metadata.resourceVersion) throw resourceVersionRequired(type, name);
      return this.replace(type, stored, body, subresource, options);
    }
    const obj = this.decode(type, namespace, body);
    if (type.allowCreateOnUpdate && subresource === undefined && !obj.metadata.resourceVersion && (obj.metadata.name ?? name) === name) {
      return this.create(type, namespace, { ...obj, metadata: { ...obj.metadata, name } }, options);
    }
    throw notFound(subjectOf(type, name));
  }

  /** PATCH: the patch applies to the stored object as served; the result is written as an update. */
  patch(type: ResourceType, namespace: string | undefined, name: string, patch: (current: KubeObject) => unknown, subresource: Subresource, options: WriteOptions = {}): KubeObject {
    const stored = this.getStored(type, namespace, name);
    return this.replace(type, stored, patch(type.codec.fromStorage(stored)), subresource, options);
  }

  /**
   * Writes `body` over the stored object: the shared tail of update, patch and scale. `body` is the full
   * object as the client wants it (served form); a resourceVersion on it must match the stored one.
   */
  replace(type: ResourceType, stored: KubeObject, body: unknown, subresource: Subresource, options: WriteOptions = {}): KubeObject {
    const next = this.decode(type, stored.metadata.namespace, body);
    const name = stored.metadata.name ?? '';
    if (next.metadata.name !== undefined && next.metadata.name !== name) {
      throw badRequest(`the name of the object (${next.metadata.name}) does not match the name on the URL (${name})`);
    }
    next.metadata.name = name;
    const requested = next.metadata.resourceVersion;
    if (requested && requested !== stored.metadata.resourceVersion) throw conflict(subjectOf(type, name));
    const old = type.codec.fromStorage(stored);
    const merged = subresource === 'status' ? this.statusUpdate(old, next) : this.mainUpdate(type, old, next);
    carryOverSystemFields(merged.metadata, old.metadata);
    merged.metadata.resourceVersion = stored.metadata.resourceVersion;
    this.forbidNewFinalizersWhileDeleting(type, merged, old);
    const prepared = this.prepare(type, merged, old, options);
    type.strategy.prepareForUpdate?.(prepared, old);
    this.validate(type, prepared, old, subresource);
    bumpGeneration(prepared, old, type);
    this.trackFields(type, old, prepared, options);
    if (unchanged(prepared, old)) return old;
    if (options.dryRun) return prepared;
    if (prepared.metadata.deletionTimestamp && pendingFinalizers(prepared).length === 0) {
      const removed = this.store.remove(type.storageKey, prepared.metadata.namespace, name);
      return type.codec.fromStorage(removed ?? stored);
    }
    return type.codec.fromStorage(this.store.update(type.storageKey, type.codec.toStorage(prepared)));
  }

  /**
   * DELETE: removes the object at once, or, when finalizers (or a Foreground/Orphan policy) must run first,
   * marks it with deletionTimestamp and leaves it to them.
   */
  delete(type: ResourceType, namespace: string | undefined, name: string, options: DeleteOptions = {}): DeleteResult {
    const stored = this.getStored(type, namespace, name);
    this.checkPreconditions(type, stored, options);
    if (type.storageKey === NAMESPACES) return this.deleteNamespace(type, stored, options);
    const finalizers = this.finalizersForPolicy(stored, options);
    if (finalizers.length > 0) return this.markDeleting(type, stored, finalizers, options);
    if (options.dryRun) return { object: type.codec.fromStorage(stored), deleted: true };
    const removed = this.store.remove(type.storageKey, stored.metadata.namespace, name);
    return { object: type.codec.fromStorage(removed ?? stored), deleted: true };
  }

  /** DELETE on a collection: each selected object as a single DELETE would handle it. */
  deleteCollection(type: ResourceType, namespace: string | undefined, filter: ((stored: KubeObject) => boolean) | undefined, options: DeleteOptions = {}): KubeObject[] {
    let items = this.store.list(type.storageKey, type.namespaced ? namespace : undefined);
    if (filter) items = items.filter(filter);
    const out: KubeObject[] = [];
    for (const item of items) {
      const result = this.delete(type, item.metadata.namespace, item.metadata.name ?? '', { ...options, preconditions: undefined });
      out.push(result.object);
    }
    return out;
  }

  /** Decodes a write body: checks kind/apiVersion/namespace against the URL and returns a private copy. */
  private decode(type: ResourceType, namespace: string | undefined, body: unknown): KubeObject {
    const parsed = asKubeObject(body);
    if (!parsed) throw badRequest(`the object provided is unrecognized (must be of type ${type.kind})`);
    const apiVersion = apiVersionOfType(type);
    if (parsed.apiVersion !== undefined && parsed.apiVersion !== apiVersion) {
      throw badRequest(`the API version in the data (${String(parsed.apiVersion)}) does not match the expected API version (${apiVersion})`);
    }
    if (parsed.kind !== undefined && parsed.kind !== type.kind) {
      throw badRequest(`the kind in the data (${String(parsed.kind)}) does not match the expected kind (${type.kind})`);
    }
    // kind and apiVersion first, as the apiserver serialises them.
    const { apiVersion: _apiVersion, kind: _kind, ...rest } = jsonClone(parsed);
    const obj: KubeObject = { kind: type.kind, apiVersion, ...rest };
    decodeMicroTimes(type, obj);
    if (!type.namespaced) {
      delete obj.metadata.namespace;
      return obj;
    }
    if (obj.metadata.namespace && namespace && obj.metadata.namespace !== namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    obj.metadata.namespace = namespace ?? obj.metadata.namespace;
    if (!obj.metadata.namespace) throw badRequest('an empty namespace may not be set during creation');
    return obj;
  }

  /** The NamespaceLifecycle admission check: the namespace must exist and not be terminating. */
  private admitNamespace(type: ResourceType, namespace: string, name: string): void {
    const ns = this.store.get(NAMESPACES, undefined, namespace);
    if (!ns) throw notFound({ group: '', resource: NAMESPACES, name: namespace });
    if (ns.metadata.deletionTimestamp) {
      throw forbidden(
        `${type.group === '' ? type.resource : `${type.resource}.${type.group}`} "${name}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`,
        subjectOf(type, name),
      );
    }
  }

  /** Defaults, then (custom resources) prunes unknown fields as fieldValidation says. */
  private prepare(type: ResourceType, obj: KubeObject, old: KubeObject | undefined, options: WriteOptions): KubeObject {
    let out = obj;
    if (type.strategy.pruneUnknownFields) {
      const { pruned, removedPaths } = type.strategy.pruneUnknownFields(out);
      const mode = options.fieldValidation ?? 'Warn';
      if (removedPaths.length > 0 && mode === 'Strict') throw badRequest(describeStrictErrors(type, removedPaths));
      if (mode === 'Warn') options.warnings?.push(...removedPaths.map((p) => `unknown field "${p}"`));
      out = pruned;
    }
    out = type.strategy.applyDefaults(out);
    if (old && out.metadata.namespace === undefined && old.metadata.namespace !== undefined) out.metadata.namespace = old.metadata.namespace;
    return out;
  }

  private validate(type: ResourceType, obj: KubeObject, old: KubeObject | undefined, subresource: Subresource): void {
    const errors: SchemaError[] = [...validateObjectMeta(obj, type.nameFormat), ...type.strategy.validate(obj, old)];
    if (subresource === 'status' && old && type.strategy.validateStatus) errors.push(...type.strategy.validateStatus(obj, old));
    if (errors.length > 0) throw invalid(type.group, type.kind, obj.metadata.name ?? '', errors);
  }

  /** Records the write in metadata.managedFields, as the apiserver's field manager does for every write. */
  private trackFields(type: ResourceType, old: KubeObject | undefined, next: KubeObject, options: WriteOptions): void {
    const write = { manager: options.manager ?? CONTROLLER_MANAGER, apiVersion: apiVersionOfType(type), now: this.now(), applied: options.applied };
    const entries = trackManagedFields({ kind: type.kind, builtin: type.strategicMerge }, old, next, write);
    if (entries === undefined) delete next.metadata['managedFields'];
    else next.metadata['managedFields'] = entries;
  }

  /** A write to the main resource: with a status subresource, status stays as stored. */
  private mainUpdate(type: ResourceType, old: KubeObject, next: KubeObject): KubeObject {
    if (!type.statusSubresource) return next;
    const out: KubeObject = { ...next };
    if (old['status'] === undefined) delete out['status'];
    else out['status'] = old['status'];
    return out;
  }

  /** A write to /status: only status changes; everything else, metadata included, stays as stored. */
  private statusUpdate(old: KubeObject, next: KubeObject): KubeObject {
    // A copy of everything but the stored status, which is replaced (copying it too was most of a status write's
    // cloning); the keys stay in the stored order.
    const out = {} as KubeObject;
    for (const [key, value] of Object.entries(old)) out[key] = key === 'status' ? next['status'] : jsonClone(value);
    if (next['status'] === undefined) delete out['status'];
    else out['status'] = next['status'];
    return out;
  }

  private forbidNewFinalizersWhileDeleting(type: ResourceType, next: KubeObject, old: KubeObject): void {
    if (!old.metadata.deletionTimestamp) return;
    const before = new Set(old.metadata.finalizers ?? []);
    const added = (next.metadata.finalizers ?? []).filter((f) => !before.has(f));
    if (added.length === 0) return;
    const detail = `no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map((f) => JSON.stringify(f)).join(', ')}}`;
    throw invalid(type.group, type.kind, old.metadata.name ?? '', [forbiddenField('metadata.finalizers', detail)]);
  }

  private checkPreconditions(type: ResourceType, stored: KubeObject, options: DeleteOptions): void {
    const { uid, resourceVersion } = options.preconditions ?? {};
    const name = stored.metadata.name ?? '';
    if (uid && uid !== stored.metadata.uid) {
      throw conflict(subjectOf(type, name), `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${stored.metadata.uid ?? ''}`);
    }
    if (resourceVersion && resourceVersion !== stored.metadata.resourceVersion) {
      throw conflict(subjectOf(type, name), `Precondition failed: ResourceVersion in precondition: ${resourceVersion}, ResourceVersion in object meta: ${stored.metadata.resourceVersion ?? ''}`);
    }
  }

  /** The object's finalizers plus the one the propagation policy asks the garbage collector to run. */
  private finalizersForPolicy(stored: KubeObject, options: DeleteOptions): string[] {
    const finalizers = [...(stored.metadata.finalizers ?? [])];
    const policy = options.propagationPolicy ?? (options.orphanDependents === true ? 'Orphan' : undefined);
    const wanted = policy === 'Orphan' ? ORPHAN_FINALIZER : policy === 'Foreground' ? FOREGROUND_FINALIZER : undefined;
    if (wanted && !finalizers.includes(wanted)) finalizers.push(wanted);
    return finalizers;
  }

  private markDeleting(type: ResourceType, stored: KubeObject, finalizers: string[], options: DeleteOptions): DeleteResult {
    const next: KubeObject = { ...stored, metadata: { ...stored.metadata, finalizers } };
    next.metadata.deletionTimestamp ??= timestampNow(this.now());
    next.metadata.deletionGracePeriodSeconds ??= 0;
    if (options.dryRun || unchanged(next, stored)) return { object: type.codec.fromStorage(next), deleted: false };
    return { object: type.codec.fromStorage(this.store.update(type.storageKey, next)), deleted: false };
  }

  /** Namespaces terminate: phase Terminating now, removal once the namespace controller emptied them. */
  private deleteNamespace(type: ResourceType, stored: KubeObject, options: DeleteOptions): DeleteResult {
    const name = stored.metadata.name ?? '';
    if (UNDELETABLE_NAMESPACES.has(name)) throw forbidden(`namespaces "${name}" is forbidden: this namespace may not be deleted`, subjectOf(type, name));
    const next: KubeObject = { ...stored, metadata: { ...stored.metadata }, status: { ...(stored['status'] as object), phase: 'Terminating' } };
    next.metadata.deletionTimestamp ??= timestampNow(this.now());
    next.metadata.deletionGracePeriodSeconds ??= 0;
    const finalizers = this.finalizersForPolicy(stored, options);
    if (finalizers.length > 0) next.metadata.finalizers = finalizers;
    if (options.dryRun || unchanged(next, stored)) return { object: next, deleted: false };
    return { object: this.store.update(type.storageKey, next), deleted: false };
  }
}
