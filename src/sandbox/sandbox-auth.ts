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

function newToken(): string {
  return randomBytes(24).toString('base64url');
}

export class SandboxAuth {
  private readonly users = new Map<string, UserInfo>();
  private tokenReviewer: TokenReviewer;
  private accessReviewer: AccessReviewer;
  private authorizer: RequestAuthorizer = () => true;
  readonly adminToken: string;
  readonly harnessToken: string;

  constructor(extraUsers: readonly SandboxUser[] = []) {
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

  /** Restores the default reviewers and the allow-all authorizer (between tests). */
  reset(): void {
    this.tokenReviewer = this.defaultTokenReviewer;
    this.accessReviewer = this.defaultAccessReviewer;
    this.authorizer = () => true;
  }

  addUser(user: SandboxUser): void {
    this.users.set(user.token, { username: user.name, groups: [...(user.groups ?? []), 'system:authenticated'], faultExempt: user.faultExempt ?? false });
  }

  authenticate(token: string): UserInfo | undefined {
    return this.users.get(token);
  }

  /** The answer to a TokenReview; tests replace it to simulate an identity provider. */
  setTokenReview(reviewer: TokenReviewer): void {
    this.tokenReviewer = reviewer;
  }

  /** The answer to a SubjectAccessReview; tests replace it to simulate RBAC decisions. */
  setAccessReview(reviewer: AccessReviewer): void {
    this.accessReviewer = reviewer;
  }

  /** Decides every API request (403 Forbidden when false); allows everything by default. */
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
