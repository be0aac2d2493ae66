import { describe, expect, it } from 'vitest';
import { TokenBucketLimiter } from './rate-limiter.js';

describe('TokenBucketLimiter', () => {
  it('given a burst of 3, when a subject sends 4 requests at once, then the 4th is refused with the wait until a token', () => {
    let now = 0;
    const limiter = new TokenBucketLimiter({ burst: 3, perSecond: 2 }, () => now);
    expect([1, 2, 3].map(() => limiter.take('alice').allowed)).toEqual([true, true, true]);
    const refused = limiter.take('alice');
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterSeconds).toBeCloseTo(0.5);
    now = 500;
    expect(limiter.take('alice').allowed).toBe(true);
  });

  it('given one subject has spent its burst, then another subject is still admitted', () => {
    const limiter = new TokenBucketLimiter({ burst: 1, perSecond: 1 }, () => 0);
    expect(limiter.take('alice').allowed).toBe(true);
    expect(limiter.take('alice').allowed).toBe(false);
    expect(limiter.take('bob').allowed).toBe(true);
  });

  it('refills no higher than the burst after a long idle time', () => {
    let now = 0;
    const limiter = new TokenBucketLimiter({ burst: 2, perSecond: 10 }, () => now);
    limiter.take('alice');
    now = 60_000;
    expect([1, 2, 3].map(() => limiter.take('alice').allowed)).toEqual([true, true, false]);
  });

  it('when the subject table is full, forgets only buckets that have refilled', () => {
    let now = 0;
    const limiter = new TokenBucketLimiter({ burst: 1, perSecond: 1 }, () => now, 2);
    limiter.take('a');
    limiter.take('b');
    now = 100;
    limiter.take('c');
    // 'a' and 'b' were still empty, so they were kept: 'a' remains refused until its token comes back.
    expect(limiter.take('a').allowed).toBe(false);
  });

  it('rejects a limit that would admit nothing', () => {
    expect(() => new TokenBucketLimiter({ burst: 0, perSecond: 1 })).toThrow(RangeError);
    expect(() => new TokenBucketLimiter({ burst: 1, perSecond: 0 })).toThrow(RangeError);
  });
});
