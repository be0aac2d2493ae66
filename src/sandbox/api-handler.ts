// Serves resource requests: maps a parsed request (verb, resource, subresource, query) onto the registry
// operations, watches and printers, and answers with the apiserver's status codes and bodies.
import type { ServerResponse } from 'node:http';
import { badRequest, methodNotAllowed, resourceNotFound } from './api-status.js';
import type { KubeObject } from './kube-object.js';
import { asListItem, encodeList, encodeServed, encodeStored } from './object-encoding.js';
import { objectFilter, type ObjectFilter } from './object-filter.js';
import { managerOf } from './managed-fields.js';
import { patchFunction, patchKindOf } from './object-patch.js';
import type { ObjectStore } from './object-store.js';
import type { ListPage } from './list-pager.js';
import type { ResourceRequestInfo } from './request-info.js';
import { subjectOf, type DeleteOptions, type FieldValidation, type PropagationPolicy, type ResourceOperations, type WriteOptions } from './resource-operations.js';
import type { ResourceRegistry } from './resource-registry.js';
import type { ResourceType, Verb } from './resource-type.js';
import type { UserInfo } from './sandbox-auth.js';
import type { ScaleSubresource } from './scale-subresource.js';
import { isJsonObject } from './schema/json-value.js';
import { printTable, wantsTable } from './table-printer.js';
import type { WatchHub } from './watch-hub.js';
import { WatchStream, type WatchRegistry } from './watch-stream.js';

export interface ApiRequest {
  info: ResourceRequestInfo;
  query: URLSearchParams;
  /** The decoded body of a write (JSON, or YAML for server-side apply). */
  body: unknown;
  contentType: string;
  accept: string;
  user: UserInfo;
  /** The User-Agent header: without a fieldManager, its part before the first '/' names the writer in managedFields. */
  userAgent?: string;
}

/** A response body to send, or `streaming` when a watch has taken the response over. */
export type ApiResponse = { status: number; body: string; warnings: string[] } | 'streaming';

export interface WatchDefaults {
  timeoutSeconds: number;
  bookmarkIntervalMs: number;
  maxBufferedBytes: number;
}

export interface ApiHandlerDeps {
  registry: ResourceRegistry;
  store: ObjectStore;
  operations: ResourceOperations;
  scale: ScaleSubresource;
  hub: WatchHub;
  watches: WatchRegistry;
  watchDefaults: WatchDefaults;
}

/** Verbs a namespaced resource answers on its all-namespaces path (`/api/v1/pods`). */
const ALL_NAMESPACE_VERBS: ReadonlySet<Verb> = new Set(['list', 'watch']);
const FIELD_VALIDATION: ReadonlySet<string> = new Set(['Ignore', 'Warn', 'Strict']);
const POLICIES: ReadonlySet<string> = new Set(['Foreground', 'Background', 'Orphan']);

function json(status: number, value: unknown, warnings: string[] = []): ApiResponse {
  return { status, body: typeof value === 'string' ? value : JSON.stringify(value), warnings };
}

/** An object of `type` as the answer, its keys in the served order. */
function object(type: ResourceType, status: number, served: KubeObject, warnings: string[] = []): ApiResponse {
  return { status, body: encodeServed(type, served), warnings };
}

function dryRunOf(values: readonly string[]): boolean {
  for (const value of values) {
    if (value !== 'All') throw badRequest(`Invalid dryRun: Unsupported value: "${value}": supported values: "All"`);
  }
  return values.length > 0;
}

function writeOptions(req: ApiRequest): WriteOptions {
  const { query } = req;
  const fieldValidation = query.get('fieldValidation') ?? '';
  if (fieldValidation !== '' && !FIELD_VALIDATION.has(fieldValidation)) {
    throw badRequest(`fieldValidation: Unsupported value: "${fieldValidation}": supported values: "Ignore", "Strict", "Warn"`);
  }
  return {
    dryRun: dryRunOf(query.getAll('dryRun')),
    fieldValidation: fieldValidation === '' ? undefined : (fieldValidation as FieldValidation),
    warnings: [],
    manager: managerOf(query.get('fieldManager'), req.userAgent),
  };
}

function deleteOptions(query: URLSearchParams, body: unknown): DeleteOptions {
  const opts = isJsonObject(body) ? body : {};
  const policy = query.get('propagationPolicy') ?? (typeof opts['propagationPolicy'] === 'string' ? opts['propagationPolicy'] : undefined);
  if (policy !== undefined && !POLICIES.has(policy)) throw badRequest(`propagationPolicy: Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan"`);
  const bodyDryRun = Array.isArray(opts['dryRun']) ? (opts['dryRun'] as string[]) : [];
  const queryOrphan = query.get('orphanDependents');
  const orphan = queryOrphan !== null ? queryOrphan === 'true' : typeof opts['orphanDependents'] === 'boolean' ? opts['orphanDependents'] : undefined;
  return {
    propagationPolicy: policy as PropagationPolicy | undefined,
    orphanDependents: orphan,
    preconditions: isJsonObject(opts['preconditions']) ? (opts['preconditions'] as DeleteOptions['preconditions']) : undefined,
    dryRun: dryRunOf([...query.getAll('dryRun'), ...bodyDryRun]),
  };
}

function parseLimit(query: URLSearchParams): number | undefined {
  const text = query.get('limit');
  if (text === null || text === '') return undefined;
  const limit = Number(text);
  if (!Number.isInteger(limit) || limit < 0) throw badRequest(`limit: Invalid value: "${text}": must be a non-negative integer`);
  return limit;
}

function listMetadata(page: ListPage): Record<string, unknown> {
  const meta: Record<string, unknown> = { resourceVersion: page.resourceVersion };
  if (page.continueToken) meta['continue'] = page.continueToken;
  if (page.remainingItemCount !== undefined) meta['remainingItemCount'] = page.remainingItemCount;
  return meta;
}

export class ApiHandler {
  constructor(private readonly deps: ApiHandlerDeps) {}

  /** The type a request addresses, after checking scope and verb (404 / 405 as the apiserver answers). */
  resolve(info: ResourceRequestInfo): ResourceType {
    const type = this.deps.registry.find(info.group, info.version, info.resource);
    if (!type) throw resourceNotFound();
    if (!type.namespaced && info.namespace !== undefined) throw resourceNotFound();
    if (type.namespaced && info.namespace === undefined && info.name !== undefined) throw resourceNotFound();
    if (type.namespaced && info.namespace === undefined && !ALL_NAMESPACE_VERBS.has(info.verb)) throw methodNotAllowed();
    if (info.subresource === undefined && !type.verbs.includes(info.verb)) throw methodNotAllowed();
    return type;
  }

  async handle(req: ApiRequest, res: ServerResponse): Promise<ApiResponse> {
    const type = this.resolve(req.info);
    if (req.info.subresource !== undefined) return this.subresource(type, req);
    if (type.review) return object(type, 201, await type.review(this.bodyObject(req), req.user));
    return this.member(type, req, res);
  }

  private member(type: ResourceType, req: ApiRequest, res: ServerResponse): ApiResponse {
    const { info, query } = req;
    const { operations } = this.deps;
    const name = info.name ?? '';
    switch (info.verb) {
      case 'get':
        return this.read(type, req, this.deps.operations.getStored(type, info.namespace, name));
      case 'list':
        return this.list(type, req);
      case 'watch':
        this.watch(type, req, res);
        return 'streaming';
      case 'create': {
        const options = writeOptions(req);
        return object(type, 201, operations.create(type, info.namespace, req.body, options), options.warnings);
      }
      case 'update':
        return this.update(type, req);
      case 'patch':
        return this.patch(type, req);
      case 'delete':
        return this.delete(type, req);
      case 'deletecollection': {
        const items = operations.deleteCollection(type, info.namespace, objectFilter(type, query), deleteOptions(query, req.body));
        return json(200, encodeList(type, items.map((item) => asListItem(type, encodeServed(type, item))), {}));
      }
    }
  }

  private bodyObject(req: ApiRequest): KubeObject {
    if (!isJsonObject(req.body)) throw badRequest('the body of the request must be a JSON object');
    return { metadata: {}, ...req.body } as KubeObject;
  }

  /** A stored object, as JSON or (kubectl get) as a one-row Table. */
  private read(type: ResourceType, req: ApiRequest, stored: KubeObject): ApiResponse {
    if (!wantsTable(req.accept)) return json(200, encodeStored(type, stored));
    const served = type.codec.fromStorage(stored);
    return json(200, printTable(type, [served], { resourceVersion: served.metadata.resourceVersion }, req.query.get('includeObject')));
  }

  private list(type: ResourceType, req: ApiRequest): ApiResponse {
    const filter = objectFilter(type, req.query);
    const page = this.deps.operations.list(type, req.info.namespace, {
      filter,
      limit: parseLimit(req.query),
      continueToken: req.query.get('continue') ?? undefined,
      filtered: filter !== undefined,
    });
    if (wantsTable(req.accept)) {
      const served = page.items.map((item) => type.codec.fromStorage(item));
      return json(200, printTable(type, served, listMetadata(page), req.query.get('includeObject')));
    }
    return json(200, encodeList(type, page.items.map((item) => asListItem(type, encodeStored(type, item))), listMetadata(page)));
  }

  private watch(type: ResourceType, req: ApiRequest, res: ServerResponse): void {
    const { query, info } = req;
    const rv = query.get('resourceVersion') ?? undefined;
    if (rv !== undefined && rv !== '' && !/^\d+$/.test(rv)) throw badRequest(`invalid resource version: ${rv}`);
    const timeout = Number(query.get('timeoutSeconds') ?? '');
    const { watchDefaults, watches, hub, store } = this.deps;
    const stream = new WatchStream(
      res,
      { type, namespace: info.namespace, filter: this.watchFilter(type, req) },
      hub,
      store,
      {
        resourceVersion: rv,
        allowBookmarks: query.get('allowWatchBookmarks') === 'true',
        timeoutSeconds: Number.isFinite(timeout) && timeout > 0 ? timeout : watchDefaults.timeoutSeconds,
        bookmarkIntervalMs: watchDefaults.bookmarkIntervalMs,
        maxBufferedBytes: watchDefaults.maxBufferedBytes,
      },
      (s) => watches.remove(s),
    );
    watches.add(stream);
    stream.start();
  }

  /** A legacy `/watch/.../<name>` path watches one object: the same as a metadata.name field selector. */
  private watchFilter(type: ResourceType, req: ApiRequest): ObjectFilter | undefined {
    const filter = objectFilter(type, req.query);
    const name = req.info.name;
    if (name === undefined) return filter;
    return (obj) => obj.metadata.name === name && (!filter || filter(obj));
  }

  private update(type: ResourceType, req: ApiRequest): ApiResponse {
    const { info } = req;
    const options = writeOptions(req);
    const existed = this.deps.store.get(type.storageKey, type.namespaced ? info.namespace : undefined, info.name ?? '') !== undefined;
    const result = this.deps.operations.update(type, info.namespace, info.name ?? '', req.body, undefined, options);
    return object(type, existed ? 200 : 201, result, options.warnings);
  }

  private patch(type: ResourceType, req: ApiRequest): ApiResponse {
    const { info } = req;
    const options = writeOptions(req);
    const kind = patchKindOf(req.contentType, type);
    const name = info.name ?? '';
    const exists = this.deps.store.get(type.storageKey, type.namespaced ? info.namespace : undefined, name) !== undefined;
    const applied = kind === 'apply' ? this.bodyObject(req) : undefined;
    if (applied) options.applied = applied;
    if (applied && !exists) {
      // Server-side apply creates what does not exist yet.
      return object(type, 201, this.deps.operations.create(type, info.namespace, { ...applied, metadata: { ...applied.metadata, name } }, options), options.warnings);
    }
    const result = this.deps.operations.patch(type, info.namespace, name, patchFunction(kind, req.body, type), undefined, options);
    return object(type, 200, result, options.warnings);
  }

  private delete(type: ResourceType, req: ApiRequest): ApiResponse {
    const { info } = req;
    const name = info.name ?? '';
    const result = this.deps.operations.delete(type, info.namespace, name, deleteOptions(req.query, req.body));
    if (!result.deleted || type.returnDeletedObject) return object(type, 200, result.object);
    const subject = subjectOf(type, name);
    const details: Record<string, unknown> = { name, kind: subject.resource, uid: result.object.metadata.uid };
    if (type.group !== '') details['group'] = type.group;
    return json(200, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details });
  }

  private subresource(type: ResourceType, req: ApiRequest): ApiResponse {
    const { info } = req;
    const sub = info.subresource;
    if (sub === 'status' && type.statusSubresource) return this.status(type, req);
    if (sub === 'scale' && type.scale) return this.scale(type, req);
    if (sub === 'finalize' && type.resource === 'namespaces' && info.verb === 'update') {
      return object(type, 200, this.deps.operations.update(type, undefined, info.name ?? '', req.body, undefined, writeOptions(req)));
    }
    throw resourceNotFound();
  }

  private status(type: ResourceType, req: ApiRequest): ApiResponse {
    const { info } = req;
    const name = info.name ?? '';
    const { operations } = this.deps;
    switch (info.verb) {
      case 'get':
        return this.read(type, req, operations.getStored(type, info.namespace, name));
      case 'update': {
        const options = writeOptions(req);
        return object(type, 200, operations.update(type, info.namespace, name, req.body, 'status', options), options.warnings);
      }
      case 'patch': {
        const options = writeOptions(req);
        const kind = patchKindOf(req.contentType, type);
        return object(type, 200, operations.patch(type, info.namespace, name, patchFunction(kind, req.body, type), 'status', options), options.warnings);
      }
      default:
        throw methodNotAllowed();
    }
  }

  private scale(type: ResourceType, req: ApiRequest): ApiResponse {
    const { info } = req;
    const name = info.name ?? '';
    const { scale } = this.deps;
    switch (info.verb) {
      case 'get':
        return json(200, scale.get(type, info.namespace, name));
      case 'update':
        return json(200, scale.update(type, info.namespace, name, req.body, writeOptions(req)));
      case 'patch': {
        // Scale is a built-in kind: strategic merge applies to it even for custom resources.
        const kind = patchKindOf(req.contentType, { ...type, strategicMerge: true });
        return json(200, scale.patch(type, info.namespace, name, patchFunction(kind, req.body, { ...type, kind: 'Scale', strategicMerge: true }), writeOptions(req)));
      }
      default:
        throw methodNotAllowed();
    }
  }
}
