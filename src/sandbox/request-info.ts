// Parses a request's method and URL into the apiserver's RequestInfo: verb, group/version/resource, namespace, name.
import type { Verb } from './resource-type.js';

export interface ResourceRequestInfo {
  kind: 'resource';
  verb: Verb;
  /** The API prefix: `api` for the core group, `apis` for the others. */
  prefix: 'api' | 'apis';
  group: string;
  version: string;
  resource: string;
  subresource: string | undefined;
  namespace: string | undefined;
  name: string | undefined;
}

/** `/api`, `/apis`, `/apis/<group>` and `/api(s)/.../<version>`: discovery documents. */
export interface DiscoveryRequestInfo {
  kind: 'discovery';
  prefix: 'api' | 'apis';
  group: string | undefined;
  version: string | undefined;
}

export interface NonResourceRequestInfo {
  kind: 'nonResource';
  path: string;
}

export type RequestInfo = ResourceRequestInfo | DiscoveryRequestInfo | NonResourceRequestInfo;

/** Subresources of a namespace, which must not be mistaken for a resource inside it. */
const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

function collectionVerb(method: string, watch: boolean): Verb | undefined {
  switch (method) {
    case 'GET':
      return watch ? 'watch' : 'list';
    case 'POST':
      return 'create';
    case 'DELETE':
      return 'deletecollection';
    default:
      return undefined;
  }
}

function memberVerb(method: string, watch: boolean): Verb | undefined {
  switch (method) {
    case 'GET':
      return watch ? 'watch' : 'get';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return 'delete';
    default:
      // POST to a named object only exists for subresources the sandbox lacks (pods/eviction, tokens).
      return undefined;
  }
}

function isWatchQuery(query: URLSearchParams): boolean {
  const value = query.get('watch');
  return value === 'true' || value === '1';
}

/** Parses the path; `undefined` verb means the method has no meaning here (405). */
export function parseRequestInfo(method: string, pathname: string, query: URLSearchParams): RequestInfo | { kind: 'badMethod' } {
  const parts = pathname.split('/').filter((p) => p !== '').map((p) => decodeURIComponent(p));
  const [prefix] = parts;
  if (prefix !== 'api' && prefix !== 'apis') return { kind: 'nonResource', path: pathname };
  const groupParts = prefix === 'api' ? 0 : 1;
  const group = prefix === 'api' ? '' : parts[1];
  const version = parts[1 + groupParts];
  if (group === undefined || version === undefined) return { kind: 'discovery', prefix, group, version: undefined };
  let rest = parts.slice(2 + groupParts);
  if (rest.length === 0) return { kind: 'discovery', prefix, group, version };

  let watch = isWatchQuery(query);
  if (rest[0] === 'watch') {
    watch = true;
    rest = rest.slice(1);
  }
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length > 1) {
    namespace = rest[1];
    if (rest.length > 2 && !NAMESPACE_SUBRESOURCES.has(rest[2] ?? '')) rest = rest.slice(2);
  }
  const [resource, name, subresource] = rest;
  if (resource === undefined || rest.length > 3) return { kind: 'nonResource', path: pathname };
  if (resource === 'namespaces') namespace = undefined;
  const verb = name === undefined ? collectionVerb(method, watch) : memberVerb(method, watch);
  if (!verb) return { kind: 'badMethod' };
  return { kind: 'resource', verb, prefix, group, version, resource, subresource, namespace, name };
}
