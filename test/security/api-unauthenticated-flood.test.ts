// Issue #20, unauthenticated floods: nothing limited a caller before authentication, so 500 made-up bearer tokens in
// a second cost 500 TokenReviews against the cluster's API server. Requests are now limited per client address before
// authentication, and TokenReview answers are cached (and shared while in flight), so a flood of tokens costs a
// bounded number of reviews.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TokenReviewAuthenticator } from '../../src/server/token-review-authenticator.js';
import { ALICE, call, startApiHarness, type ApiHarness } from '../server/support/api-harness.js';

const BURST = 20;
const PER_SECOND = 5;

/** Sends `count` requests, `concurrency` at a time; returns their status codes. */
async function flood(h: ApiHarness, count: number, concurrency: number, token: (i: number) => string | undefined): Promise<number[]> {
  const statuses: number[] = [];
  for (let start = 0; start < count; start += concurrency) {
    const batch = Array.from({ length: Math.min(concurrency, count - start) }, (_, k) => call(h.api, 'GET', '/api/v1/rollouts', { token: token(start + k) }));
    statuses.push(...(await Promise.all(batch)).map((answer) => answer.status));
  }
  return statuses;
}

function countOf(statuses: number[], status: number): number {
  return statuses.filter((s) => s === status).length;
}

describe(`given a limit of ${BURST} requests (then ${PER_SECOND}/s) per client address, and TokenReview answers cached as in production`, () => {
  let h: ApiHarness;
  let reviews = 0;

  beforeAll(async () => {
    h = await startApiHarness({ clientRateLimit: { burst: BURST, perSecond: PER_SECOND }, authenticator: (kube) => new TokenReviewAuthenticator(kube) });
  });

  afterEach(() => {
    h.sandbox.auth.reset();
  });

  afterAll(async () => {
    await h?.stop();
  });

  it('when one address sends 500 made-up tokens within about a second, then only its burst reaches TokenReview and the rest are refused with 429 before authentication', async () => {
    reviews = 0;
    h.sandbox.auth.setTokenReview(() => {
      reviews += 1;
      return { authenticated: false };
    });
    const started = Date.now();
    const statuses = await flood(h, 500, 50, (i) => `made-up-token-${i}-${Math.random()}`);
    const refillable = Math.ceil(((Date.now() - started) / 1000) * PER_SECOND) + 1;
    expect(countOf(statuses, 401) + countOf(statuses, 429)).toBe(500);
    expect(reviews).toBeLessThanOrEqual(BURST + refillable);
    expect(countOf(statuses, 429)).toBeGreaterThanOrEqual(500 - BURST - refillable);
  });

  it('when refused, then the answer says why and when to come back, and /healthz is not limited', async () => {
    const answers = await Promise.all(Array.from({ length: BURST + 10 }, (_, i) => call(h.api, 'GET', '/api/v1/rollouts', { token: `yet-another-made-up-token-${i}` })));
    const refused = answers.find((answer) => answer.status === 429);
    expect(refused?.status).toBe(429);
    if (!refused) return;
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(refused.body).toMatchObject({ error: { code: 'RateLimited', message: expect.stringContaining('too many requests from 127.0.0.1') } });
    const probes = await Promise.all(Array.from({ length: 50 }, () => call(h.api, 'GET', '/healthz')));
    expect(probes.every((p) => p.status === 200)).toBe(true);
  });
});

describe('given a limit of 2 requests per client address', () => {
  let h: ApiHarness;
  let proxied: ApiHarness;

  beforeAll(async () => {
    h = await startApiHarness({ clientRateLimit: { burst: 2, perSecond: 0.01 } });
    proxied = await startApiHarness({ clientRateLimit: { burst: 2, perSecond: 0.01 }, trustProxy: 'loopback' });
  });

  afterAll(async () => {
    await h?.stop();
    await proxied?.stop();
  });

  async function statusesWithForwardedFor(api: ApiHarness['api'], forwardedFor: string[]): Promise<number[]> {
    const statuses: number[] = [];
    for (const address of forwardedFor) statuses.push((await call(api, 'GET', '/api/v1/rollouts', { headers: { 'X-Forwarded-For': address } })).status);
    return statuses;
  }

  it('when a client forges X-Forwarded-For, then it still counts as its own address (no proxy is trusted by default)', async () => {
    expect(await statusesWithForwardedFor(h.api, ['198.51.100.1', '198.51.100.2', '198.51.100.3', '198.51.100.4'])).toEqual([401, 401, 429, 429]);
  });

  it('given a trusted proxy in front, then each client behind it counts as the address the proxy names', async () => {
    expect(await statusesWithForwardedFor(proxied.api, ['198.51.100.1', '198.51.100.1', '198.51.100.1', '198.51.100.2'])).toEqual([401, 401, 429, 401]);
  });
});

describe('given no address limit in the way, and TokenReview answers cached as in production', () => {
  let h: ApiHarness;
  let reviews = 0;

  beforeAll(async () => {
    h = await startApiHarness({ authenticator: (kube) => new TokenReviewAuthenticator(kube) });
    h.sandbox.auth.setTokenReview((token) => {
      reviews += 1;
      return token === ALICE.token ? { authenticated: true, user: { username: 'alice', groups: ALICE.groups } } : { authenticated: false };
    });
  });

  afterAll(async () => {
    await h?.stop();
  });

  it('when one valid token arrives 100 times at once, then one TokenReview answers them all', async () => {
    reviews = 0;
    const statuses = await flood(h, 100, 100, () => ALICE.token);
    expect(countOf(statuses, 200)).toBe(100);
    expect(reviews).toBe(1);
  });

  it('when one made-up token arrives 100 times at once, then one TokenReview answers them all', async () => {
    reviews = 0;
    const statuses = await flood(h, 100, 100, () => 'the-same-made-up-token');
    expect(countOf(statuses, 401)).toBe(100);
    expect(reviews).toBe(1);
  });
});
