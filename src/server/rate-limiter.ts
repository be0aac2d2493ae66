// A token bucket per subject: a burst is allowed, then requests are admitted at a steady rate; the answer to a
// refused request says how long to wait.

export interface RateLimit {
  /** Largest burst a subject may send at once. */
  burst: number;
  /** Tokens added per second once the burst is spent. */
  perSecond: number;
}

export interface RateDecision {
  allowed: boolean;
  /** Seconds until a token is available; 0 when allowed. */
  retryAfterSeconds: number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export const DEFAULT_RATE_LIMIT: RateLimit = { burst: 30, perSecond: 10 };

export class TokenBucketLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly limit: RateLimit = DEFAULT_RATE_LIMIT, private readonly now: () => number = Date.now, private readonly maxSubjects = 10_000) {
    if (!(limit.burst >= 1) || !(limit.perSecond > 0)) throw new RangeError('rate limit needs burst >= 1 and perSecond > 0');
  }

  take(subject: string): RateDecision {
    const now = this.now();
    const bucket = this.refilled(subject, now);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true, retryAfterSeconds: 0 };
    }
    return { allowed: false, retryAfterSeconds: (1 - bucket.tokens) / this.limit.perSecond };
  }

  private refilled(subject: string, now: number): Bucket {
    let bucket = this.buckets.get(subject);
    if (!bucket) {
      if (this.buckets.size >= this.maxSubjects) this.dropFullBuckets(now);
      bucket = { tokens: this.limit.burst, updatedAt: now };
      this.buckets.set(subject, bucket);
      return bucket;
    }
    const elapsedSeconds = Math.max(0, now - bucket.updatedAt) / 1000;
    bucket.tokens = Math.min(this.limit.burst, bucket.tokens + elapsedSeconds * this.limit.perSecond);
    bucket.updatedAt = now;
    return bucket;
  }

  /** A bucket that has refilled completely is indistinguishable from a new one, so forgetting it loses nothing. */
  private dropFullBuckets(now: number): void {
    for (const [subject, bucket] of this.buckets) {
      const tokens = bucket.tokens + (Math.max(0, now - bucket.updatedAt) / 1000) * this.limit.perSecond;
      if (tokens >= this.limit.burst) this.buckets.delete(subject);
    }
  }
}
