// Authorizes requests with a SubjectAccessReview per (user, groups, verb, resource, namespace, name) or per
// (user, groups, verb, non-resource path), cached briefly so a burst of reads costs one review.
import { VaneError } from '../errors.js';
import type { ObjectWriter } from '../kube/kube-client.js';
import type { KubeObject } from '../kube/kube-object.js';
import { Kinds } from '../kube/resource-kind.js';
import { GROUP } from '../resources/meta.js';
import type { Identity } from './authenticator.js';
import { ApiError } from './api-error.js';
import { isNonResource, type AccessDecision, type AccessRequest, type Authorizer, type ResourceAccess } from './authorizer.js';
import { TtlCache } from './ttl-cache.js';

interface SubjectAccessReview extends KubeObject {
  status?: { allowed?: boolean; denied?: boolean; reason?: string; evaluationError?: string };
}

export interface AccessReviewOptions {
  /** API group of the resources asked about; Vane's own by default. */
  group?: string;
  allowedTtlMs?: number;
  deniedTtlMs?: number;
  now?: () => number;
}

export class AccessReviewAuthorizer implements Authorizer {
  private readonly cache: TtlCache<AccessDecision>;

  constructor(private readonly writer: Pick<ObjectWriter, 'create'>, private readonly options: AccessReviewOptions = {}) {
    this.cache = new TtlCache(options.now ?? Date.now);
  }

  async authorize(identity: Identity, request: AccessRequest): Promise<AccessDecision> {
    const key = JSON.stringify([identity.username, [...identity.groups].sort(), ...attributesOf(request)]);
    const cached = this.cache.get(key);
    if (cached) return cached;
    const decision = await this.review(identity, request);
    this.cache.set(key, decision, decision.allowed ? (this.options.allowedTtlMs ?? 10_000) : (this.options.deniedTtlMs ?? 2_000));
    return decision;
  }

  private async review(identity: Identity, request: AccessRequest): Promise<AccessDecision> {
    const body: SubjectAccessReview = {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      metadata: {},
      spec: {
        user: identity.username,
        groups: identity.groups,
        ...(identity.uid ? { uid: identity.uid } : {}),
        ...(identity.extra ? { extra: identity.extra } : {}),
        ...(isNonResource(request) ? { nonResourceAttributes: { path: request.path, verb: request.verb } } : { resourceAttributes: this.resourceAttributes(request) }),
      },
    };
    let answer: SubjectAccessReview;
    try {
      answer = await this.writer.create(Kinds.SubjectAccessReview, body);
    } catch (err) {
      // The cause (which names the API server) is logged; the caller learns only what failed.
      throw new ApiError(err instanceof VaneError && err.code === 'Timeout' ? 'Timeout' : 'Unavailable', 'access review failed: the cluster could not be asked; retry later', { cause: err });
    }
    const status = answer.status ?? {};
    return { allowed: status.allowed === true && status.denied !== true, reason: status.reason || status.evaluationError || undefined };
  }

  private resourceAttributes(request: ResourceAccess): Record<string, string> {
    return {
      group: this.options.group ?? GROUP,
      resource: request.resource,
      verb: request.verb,
      ...(request.subresource ? { subresource: request.subresource } : {}),
      ...(request.namespace ? { namespace: request.namespace } : {}),
      ...(request.name ? { name: request.name } : {}),
    };
  }
}

function attributesOf(request: AccessRequest): string[] {
  if (isNonResource(request)) return ['nonResource', request.verb, request.path];
  return [request.verb, request.resource, request.subresource ?? '', request.namespace ?? '', request.name ?? ''];
}
