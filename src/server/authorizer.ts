// May this identity do this: the Authorizer port, asked once per request with RBAC-style attributes: a resource
// (Rollouts) or a non-resource URL (/metrics).
import type { Identity } from './authenticator.js';

export interface ResourceAccess {
  verb: 'get' | 'list' | 'watch' | 'update' | 'patch';
  resource: string;
  subresource?: string;
  /** Absent: cluster-wide (all namespaces). */
  namespace?: string;
  name?: string;
}

/** A URL that names no resource, as RBAC's `nonResourceURLs` rules grant it. */
export interface NonResourceAccess {
  verb: 'get';
  path: string;
}

export type AccessRequest = ResourceAccess | NonResourceAccess;

export interface AccessDecision {
  allowed: boolean;
  reason?: string;
}

export interface Authorizer {
  /** Throws VaneError Unavailable when the authority cannot be asked. */
  authorize(identity: Identity, request: AccessRequest): Promise<AccessDecision>;
}

export function isNonResource(request: AccessRequest): request is NonResourceAccess {
  return 'path' in request;
}

/** The attributes in a form people read in a 403: `update rollouts/status "web" in namespace "shop"`, `get /metrics`. */
export function describeAccess(request: AccessRequest): string {
  if (isNonResource(request)) return `${request.verb} ${request.path}`;
  const resource = request.subresource ? `${request.resource}/${request.subresource}` : request.resource;
  const name = request.name ? ` "${request.name}"` : '';
  const where = request.namespace ? ` in namespace "${request.namespace}"` : ' across all namespaces';
  return `${request.verb} ${resource}${name}${where}`;
}
