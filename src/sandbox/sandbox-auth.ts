// Who may call the sandbox: bearer-token users, an optional request authorizer, and the answers tests give to
// TokenReview and SubjectAccessReview.
import { randomBytes } from 'node:crypto';

export interface SandboxUser {
  name: string;
  token: string;
  groups?: string[];
  /** Requests from this user are never subject to injected faults (the test harness inspecting state). */
  faultExempt?: boolean;
}

export interface UserInfo {
  username: string;
  groups: string[];
  faultExempt: boolean;
}

export interface TokenReviewStatus {
  authenticated: boolean;
  user?: { username: string; uid?: string; groups?: string[]; extra?: Record<string, string[]> };
  audiences?: string[];
  error?: string;
}

/** `spec` of a SubjectAccessReview (authorization.k8s.io/v1). */
export interface AccessReviewSpec {
  user?: string;
  uid?: string;
  groups?: string[];
  resourceAttributes?: {
    namespace?: string;
    verb?: string;
    group?: string;
    version?: string;
    resource?: string;
    subresource?: string;
    name?: string;
  };
  nonResourceAttributes?: { path?: string; verb?: string };
  extra?: Record<string, string[]>;
}

export interface AccessReviewStatus {
  allowed: boolean;
  denied?: boolean;
  reason?: string;
  evaluationError?: string;
}

/** What a request asks to do, for the request authorizer (the RBAC-style attributes). */
export interface RequestAttributes {
  user: UserInfo;
  verb: string;
  group: string;
  resource: string;
  subresource: string | undefined;
  namespace: string | undefined;
  name: string | undefined;
}

export type TokenReviewer = (token: string, audiences: string[] | undefined) => TokenReviewStatus | Promise<TokenReviewStatus>;
export type AccessReviewer = (spec: AccessReviewSpec) => AccessReviewStatus | Promise<AccessReviewStatus>;
export type RequestAuthorizer = (attributes: RequestAttributes) => boolean;

export const ADMIN_USER = 'sandbox-admin';
export const HARNESS_USER = 'sandbox-harness';

/** Who a request without a bearer token is, with anonymous authentication on (the apiserver's default). */
export const ANONYMOUS: UserInfo = { username: 'system:anonymous', groups: ['system:unauthenticated'], faultExempt: false };

/**
 * Non-resource paths anyone may read, anonymous callers included (the bootstrap RBAC role
 * system:public-info-viewer); discovery and OpenAPI need an authenticated user (system:discovery).
 */
const PUBLIC_PATHS: ReadonlySet<string> = new Set(['/healthz', '/livez', '/readyz', '/version', '/version/']);

/** The default policy, as a fresh cluster's RBAC has it for a sandbox: authenticated users may do anything. */
const authenticatedOnly: RequestAuthorizer = (attributes) => !attributes.user.groups.includes('system:unauthenticated');

export interface SandboxAuthOptions {
  /** Whether requests without a token are served as system:anonymous (403 unless allowed) rather than 401. Default true. */
  anonymous?: boolean;
}

function newToken(): string {
  return randomBytes(24).toString('base64url');
}

export class SandboxAuth {
  private readonly users = new Map<string, UserInfo>();
  private tokenReviewer: TokenReviewer;
  private accessReviewer: AccessReviewer;
  private authorizer: RequestAuthorizer = authenticatedOnly;
  private readonly anonymous: boolean;
  readonly adminToken: string;
  readonly harnessToken: string;

  constructor(extraUsers: readonly SandboxUser[] = [], options: SandboxAuthOptions = {}) {
    this.anonymous = options.anonymous ?? true;
    this.adminToken = newToken();
    this.harnessToken = newToken();
    this.addUser({ name: ADMIN_USER, token: this.adminToken, groups: ['system:masters'] });
    this.addUser({ name: HARNESS_USER, token: this.harnessToken, groups: ['system:masters'], faultExempt: true });
    for (const user of extraUsers) this.addUser(user);
    this.tokenReviewer = this.defaultTokenReviewer;
    this.accessReviewer = this.defaultAccessReviewer;
  }

  /** By default the sandbox reviews tokens it issued itself... */
  private readonly defaultTokenReviewer: TokenReviewer = (token) => this.reviewOwnToken(token);
  /** ...and allows what the request authorizer allows. */
  private readonly defaultAccessReviewer: AccessReviewer = (spec) => ({ allowed: this.authorizeReview(spec) });

  /** Restores the default reviewers and the default authorizer (between tests). */
  reset(): void {
    this.tokenReviewer = this.defaultTokenReviewer;
    this.accessReviewer = this.defaultAccessReviewer;
    this.authorizer = authenticatedOnly;
  }

  addUser(user: SandboxUser): void {
    this.users.set(user.token, { username: user.name, groups: [...(user.groups ?? []), 'system:authenticated'], faultExempt: user.faultExempt ?? false });
  }

  /** The user a request's bearer token names; without a token, system:anonymous (or no one, with anonymous off). */
  authenticate(token: string | undefined): UserInfo | undefined {
    if (token === undefined || token === '') return this.anonymous ? ANONYMOUS : undefined;
    return this.users.get(token);
  }

  /** Whether the user may read a non-resource path (discovery, OpenAPI, /version, health). */
  authorizePath(user: UserInfo, path: string): boolean {
    return PUBLIC_PATHS.has(path) || !user.groups.includes('system:unauthenticated');
  }

  /** The answer to a TokenReview; tests replace it to simulate an identity provider. */
  setTokenReview(reviewer: TokenReviewer): void {
    this.tokenReviewer = reviewer;
  }

  /** The answer to a SubjectAccessReview; tests replace it to simulate RBAC decisions. */
  setAccessReview(reviewer: AccessReviewer): void {
    this.accessReviewer = reviewer;
  }

  /**
   * Decides every resource request, system:anonymous's included (403 Forbidden when false). By default every
   * authenticated user may do anything and anonymous requests nothing.
   */
  setAuthorizer(authorizer: RequestAuthorizer): void {
    this.authorizer = authorizer;
  }

  reviewToken(token: string, audiences: string[] | undefined): Promise<TokenReviewStatus> {
    return Promise.resolve(this.tokenReviewer(token, audiences));
  }

  reviewAccess(spec: AccessReviewSpec): Promise<AccessReviewStatus> {
    return Promise.resolve(this.accessReviewer(spec));
  }

  authorize(attributes: RequestAttributes): boolean {
    return this.authorizer(attributes);
  }

  private reviewOwnToken(token: string): TokenReviewStatus {
    const user = this.users.get(token);
    if (!user) return { authenticated: false, error: 'invalid bearer token' };
    return { authenticated: true, user: { username: user.username, groups: user.groups } };
  }

  private authorizeReview(spec: AccessReviewSpec): boolean {
    const attrs = spec.resourceAttributes ?? {};
    return this.authorizer({
      user: { username: spec.user ?? '', groups: spec.groups ?? [], faultExempt: false },
      verb: attrs.verb ?? spec.nonResourceAttributes?.verb ?? '',
      group: attrs.group ?? '',
      resource: attrs.resource ?? '',
      subresource: attrs.subresource,
      namespace: attrs.namespace,
      name: attrs.name,
    });
  }
}
