// Authenticates bearer tokens with the Kubernetes TokenReview API, caching answers briefly (in-cluster mode).
import { createHash } from 'node:crypto';
import { VaneError, toVaneError } from '../errors.js';
import type { ObjectWriter } from '../kube/kube-client.js';
import type { KubeObject } from '../kube/kube-object.js';
import { Kinds } from '../kube/resource-kind.js';
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

export class TokenReviewAuthenticator implements Authenticator {
  private readonly cache: TtlCache<Identity | null>;

  constructor(private readonly writer: Pick<ObjectWriter, 'create'>, private readonly options: TokenReviewOptions = {}) {
    this.cache = new TtlCache(options.now ?? Date.now, 10_000);
  }

  async authenticate(token: string): Promise<Identity | undefined> {
    // Cache under a digest: the cache must never hold the bearer tokens themselves.
    const key = createHash('sha256').update(token).digest('hex');
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached ?? undefined;
    const identity = await this.review(token);
    const ttl = identity ? (this.options.cacheTtlMs ?? 10_000) : (this.options.negativeCacheTtlMs ?? 2_000);
    this.cache.set(key, identity ?? null, ttl);
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
      throw new VaneError('Unavailable', `token review failed: ${toVaneError(err).message}`, { cause: err });
    }
    const user = answer.status?.user;
    if (!answer.status?.authenticated || !user?.username) return undefined;
    return { username: user.username, uid: user.uid, groups: user.groups ?? [], extra: user.extra };
  }
}
