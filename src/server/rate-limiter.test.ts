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

  it('when the subject table is full, forgets buckets that have refilled first', () => {
    let now = 0;
    const limiter = new TokenBucketLimiter({ burst: 1, perSecond: 1 }, () => now, 3);
    limiter.take('a');
    now = 1000;
    limiter.take('b');
    limiter.take('c');
    now = 1100;
    limiter.take('d');
    // 'a' had refilled and went; 'b' and 'c' were still empty, so they were kept.
    expect(limiter.subjects).toBe(3);
    expect(limiter.take('b').allowed).toBe(false);
    expect(limiter.take('c').allowed).toBe(false);
  });

  it('given more active subjects than the table holds (a flood from many addresses), then the table stays bounded, dropping the least recently used', () => {
    const limiter = new TokenBucketLimiter({ burst: 1, perSecond: 0.001 }, () => 0, 100);
    for (let i = 0; i < 10_000; i++) limiter.take(`10.0.${Math.floor(i / 256)}.${i % 256}`);
    expect(limiter.subjects).toBeLessThanOrEqual(100);
    expect(limiter.take('10.0.39.15').allowed).toBe(false);
  });

  it('rejects a limit that would admit nothing', () => {
    expect(() => new TokenBucketLimiter({ burst: 0, perSecond: 1 })).toThrow(RangeError);
    expect(() => new TokenBucketLimiter({ burst: 1, perSecond: 0 })).toThrow(RangeError);
  });
});
