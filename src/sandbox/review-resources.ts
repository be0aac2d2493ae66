// TokenReview and (Self)SubjectAccessReview: create-only resources answered from the test's configured reviewers.
import { invalid as invalidStatus } from './api-status.js';
import type { KubeObject } from './kube-object.js';
import type { ReviewHandler } from './resource-type.js';
import type { AccessReviewSpec, SandboxAuth } from './sandbox-auth.js';
import { invalid } from './schema/field-error.js';
import { isJsonObject } from './schema/json-value.js';
import type { SchemaError } from './schema/structural-schema.js';

function specOf(body: KubeObject): Record<string, unknown> {
  return isJsonObject(body['spec']) ? body['spec'] : {};
}

/** A review is never stored: its metadata has the zero creationTimestamp, which Go serialises as null. */
function answer(body: KubeObject, apiVersion: string, kind: string, spec: unknown, status: unknown): KubeObject {
  const metadata: Record<string, unknown> = { ...body.metadata, creationTimestamp: null };
  return { kind, apiVersion, metadata, spec, status };
}

export function tokenReviewHandler(auth: SandboxAuth): ReviewHandler {
  return async (body) => {
    const spec = specOf(body);
    const token = typeof spec['token'] === 'string' ? spec['token'] : '';
    const audiences = Array.isArray(spec['audiences']) ? (spec['audiences'] as string[]) : undefined;
    const status = await auth.reviewToken(token, audiences);
    return answer(body, 'authentication.k8s.io/v1', 'TokenReview', spec, status);
  };
}

function validateAccessReview(spec: AccessReviewSpec, self: boolean): SchemaError[] {
  const errors: SchemaError[] = [];
  const hasResource = spec.resourceAttributes !== undefined;
  const hasNonResource = spec.nonResourceAttributes !== undefined;
  if (hasResource === hasNonResource) errors.push(invalid('spec.resourceAttributes', 'null', 'exactly one of nonResourceAttributes or resourceAttributes must be specified'));
  if (!self && !spec.user && (spec.groups ?? []).length === 0) errors.push(invalid('spec.user', '', 'at least one of user or group must be specified'));
  return errors;
}

/** SubjectAccessReview asks about a given user; SelfSubjectAccessReview (kubectl auth can-i) about the caller. */
export function accessReviewHandler(auth: SandboxAuth, self: boolean): ReviewHandler {
  const kind = self ? 'SelfSubjectAccessReview' : 'SubjectAccessReview';
  return async (body, user) => {
    const given = specOf(body) as AccessReviewSpec;
    const spec: AccessReviewSpec = self ? { ...given, user: user.username, groups: user.groups } : given;
    const errors = validateAccessReview(spec, self);
    if (errors.length > 0) throw invalidStatus('authorization.k8s.io', kind, '', errors);
    const status = await auth.reviewAccess(spec);
    return answer(body, 'authorization.k8s.io/v1', kind, self ? given : spec, status);
  };
}
