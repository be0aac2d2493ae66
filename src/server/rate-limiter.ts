// A token bucket per subject: a burst is allowed, then requests are admitted at a steady rate; the answer to a
// refused request says how long to wait. The table of subjects is bounded, so callers who pick their own subject
// (client addresses) cannot grow it without end.

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

  get subjects(): number {
    return this.buckets.size;
  }

  /** The subject's bucket brought up to date, and moved to the end of the table (most recently used). */
  private refilled(subject: string, now: number): Bucket {
    let bucket = this.buckets.get(subject);
    if (!bucket) {
      if (this.buckets.size >= this.maxSubjects) this.makeRoom(now);
      bucket = { tokens: this.limit.burst, updatedAt: now };
      this.buckets.set(subject, bucket);
      return bucket;
    }
    const elapsedSeconds = Math.max(0, now - bucket.updatedAt) / 1000;
    bucket.tokens = Math.min(this.limit.burst, bucket.tokens + elapsedSeconds * this.limit.perSecond);
    bucket.updatedAt = now;
    this.buckets.delete(subject);
    this.buckets.set(subject, bucket);
    return bucket;
  }

  /**
   * A bucket that has refilled completely is indistinguishable from a new one, so forgetting it loses nothing. When
   * that is not enough, the least recently used buckets go until a tenth of the table is free: their subjects get a
   * fresh burst, which is the price of a bounded table.
   */
  private makeRoom(now: number): void {
    for (const [subject, bucket] of this.buckets) {
      const tokens = bucket.tokens + (Math.max(0, now - bucket.updatedAt) / 1000) * this.limit.perSecond;
      if (tokens >= this.limit.burst) this.buckets.delete(subject);
    }
    const target = Math.floor(this.maxSubjects * 0.9);
    for (const subject of this.buckets.keys()) {
      if (this.buckets.size <= target) break;
      this.buckets.delete(subject);
    }
  }
}
