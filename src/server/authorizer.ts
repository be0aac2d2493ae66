// May this identity do this: the Authorizer port, asked once per request with RBAC-style attributes.
import type { Identity } from './authenticator.js';

export interface AccessRequest {
  verb: 'get' | 'list' | 'watch' | 'update' | 'patch';
  resource: string;
  subresource?: string;
  /** Absent: cluster-wide (all namespaces). */
  namespace?: string;
  name?: string;
}

export interface AccessDecision {
  allowed: boolean;
  reason?: string;
}

export interface Authorizer {
  /** Throws VaneError Unavailable when the authority cannot be asked. */
  authorize(identity: Identity, request: AccessRequest): Promise<AccessDecision>;
}

/** The resource attributes in a form people read in a 403: `update rollouts/status "web" in namespace "shop"`. */
export function describeAccess(request: AccessRequest): string {
  const resource = request.subresource ? `${request.resource}/${request.subresource}` : request.resource;
  const name = request.name ? ` "${request.name}"` : '';
  const where = request.namespace ? ` in namespace "${request.namespace}"` : ' across all namespaces';
  return `${request.verb} ${resource}${name}${where}`;
}
