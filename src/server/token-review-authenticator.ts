// Authenticates bearer tokens with the Kubernetes TokenReview API (in-cluster mode). Answers are cached briefly, the
// rejections apart from the acceptances (so a flood of made-up tokens cannot push real users' answers out), and a
// review in flight is shared by every request carrying the same token: a burst of one token costs one review.
import { createHash } from 'node:crypto';
import { VaneError } from '../errors.js';
import type { ObjectWriter } from '../kube/kube-client.js';
import type { KubeObject } from '../kube/kube-object.js';
import { Kinds } from '../kube/resource-kind.js';
import { ApiError } from './api-error.js';
import type { Authenticator, Identity } from './authenticator.js';
import { TtlCache } from './ttl-cache.js';

interface TokenReview extends KubeObject {
  status?: {
    authenticated?: boolean;
    user?: { username?: string; uid?: string; groups?: string[]; extra?: Record<string, string[]> };
    error?: string;
  };
}

export interface TokenReviewOptions {
  /** Audiences the token must be meant for; absent means the API server's own. */
  audiences?: string[];
  /** How long an answer is reused; rejections are kept shorter so a freshly issued token works quickly. */
  cacheTtlMs?: number;
  negativeCacheTtlMs?: number;
  now?: () => number;
}

export const TOKEN_REVIEW_CACHE = { acceptedTtlMs: 10_000, rejectedTtlMs: 2_000, maxAccepted: 10_000, maxRejected: 1_000 } as const;

export class TokenReviewAuthenticator implements Authenticator {
  private readonly accepted: TtlCache<Identity>;
  private readonly rejected: TtlCache<true>;
  private readonly inFlight = new Map<string, Promise<Identity | undefined>>();

  constructor(private readonly writer: Pick<ObjectWriter, 'create'>, private readonly options: TokenReviewOptions = {}) {
    this.accepted = new TtlCache(options.now ?? Date.now, TOKEN_REVIEW_CACHE.maxAccepted);
    this.rejected = new TtlCache(options.now ?? Date.now, TOKEN_REVIEW_CACHE.maxRejected);
  }

  authenticate(token: string): Promise<Identity | undefined> {
    // Keyed by a digest: neither the caches nor the in-flight table hold the bearer tokens themselves.
    const key = createHash('sha256').update(token).digest('hex');
    const known = this.accepted.get(key);
    if (known) return Promise.resolve(known);
    if (this.rejected.get(key)) return Promise.resolve(undefined);
    let review = this.inFlight.get(key);
    if (!review) {
      review = this.reviewAndRemember(key, token).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, review);
    }
    return review;
  }

  private async reviewAndRemember(key: string, token: string): Promise<Identity | undefined> {
    const identity = await this.review(token);
    if (identity) this.accepted.set(key, identity, this.options.cacheTtlMs ?? TOKEN_REVIEW_CACHE.acceptedTtlMs);
    else this.rejected.set(key, true, this.options.negativeCacheTtlMs ?? TOKEN_REVIEW_CACHE.rejectedTtlMs);
    return identity;
  }

  private async review(token: string): Promise<Identity | undefined> {
    const body: TokenReview = {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenReview',
      metadata: {},
      spec: { token, ...(this.options.audiences ? { audiences: this.options.audiences } : {}) },
    };
    let answer: TokenReview;
    try {
      answer = await this.writer.create(Kinds.TokenReview, body);
    } catch (err) {
      // The cause (which names the API server) is logged; the caller learns only what failed.
      throw new ApiError(err instanceof VaneError && err.code === 'Timeout' ? 'Timeout' : 'Unavailable', 'token review failed: the cluster could not be asked; retry later', { cause: err });
    }
    const user = answer.status?.user;
    if (!answer.status?.authenticated || !user?.username) return undefined;
    return { username: user.username, uid: user.uid, groups: user.groups ?? [], extra: user.extra };
  }
}
