// Issue #20, status streams: 999 open streams exhausted the server's file descriptors (and /healthz with them), and a
// user whose access was revoked kept receiving updates. Open streams are capped per user and in total, each stream
// ends after its lifetime with a retry hint, and a stream whose caller no longer passes authentication or
// authorization is closed.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadStaticTokenFile, sha256Hex } from '../../src/server/static-token-authenticator.js';
import { canaryRollout, pausedAtStep1 } from '../server/fixtures/rollouts.js';
import { openEventStream, type EventStreamReader } from '../server/support/event-stream-reader.js';
import { ALICE, BOB, call, create, createNamespace, defaultRbac, startApiHarness, until, writeStatus, type ApiHarness } from '../server/support/api-harness.js';

async function withRollout(h: ApiHarness): Promise<void> {
  await createNamespace(h.kube, 'shop');
  await create(h.kube, 'Rollout', canaryRollout('shop', 'web'));
  await writeStatus(h.kube, 'Rollout', 'shop', 'web', pausedAtStep1());
  await until(() => h.readModel.rollout('shop', 'web')?.status?.phase === 'Paused', 'cached');
}

describe('given at most 2 streams per user and 3 in all', () => {
  let h: ApiHarness;
  const open: EventStreamReader[] = [];

  beforeAll(async () => {
    h = await startApiHarness({ streams: { maxPerUser: 2, maxTotal: 3 } });
    await withRollout(h);
  });

  afterEach(async () => {
    for (const stream of open.splice(0)) stream.close();
    await until(() => h.streamsOpen() === 0, 'every stream is closed');
  });

  afterAll(async () => {
    await h?.stop();
  });

  async function watch(token: string): Promise<EventStreamReader> {
    const stream = await openEventStream(`${h.api.url}/api/v1/watch?namespace=shop`, token);
    open.push(stream);
    return stream;
  }

  it('when a user opens a third stream, then 429 with Retry-After and a message naming the per-user limit, and /healthz still answers', async () => {
    expect((await watch(ALICE.token)).status).toBe(200);
    expect((await watch(ALICE.token)).status).toBe(200);
    const refused = await watch(ALICE.token);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(refused.errorBody).toMatchObject({ error: { code: 'RateLimited', message: expect.stringMatching(/alice has 2 open status streams.*at most 2 per user/) } });
    expect((await call(h.api, 'GET', '/healthz')).status).toBe(200);
    expect(h.streamsOpen()).toBe(2);
  });

  it('when the server holds 3 streams, then another user is refused with a message naming the server-wide limit', async () => {
    await watch(ALICE.token);
    await watch(ALICE.token);
    expect((await watch(BOB.token)).status).toBe(200);
    const refused = await watch(BOB.token);
    expect(refused.status).toBe(429);
    expect(refused.errorBody).toMatchObject({ error: { code: 'RateLimited', message: expect.stringContaining('the server has 3 open status streams, its limit') } });
  });

  it('when a stream is closed, then its place is free again', async () => {
    const first = await watch(ALICE.token);
    await watch(ALICE.token);
    first.close();
    await until(() => h.streamsOpen() === 1, 'the server dropped the closed stream');
    expect((await watch(ALICE.token)).status).toBe(200);
  });
});

describe('given a stream lifetime of 300 ms', () => {
  let h: ApiHarness;

  beforeAll(async () => {
    h = await startApiHarness({ streams: { maxLifetimeMs: 300 } });
    await withRollout(h);
  });

  afterAll(async () => {
    await h?.stop();
  });

  it('when the lifetime is over, then the server ends the stream after a retry hint, and the client may reconnect', async () => {
    const stream = await openEventStream(`${h.api.url}/api/v1/namespaces/shop/rollouts/web/watch`, BOB.token);
    try {
      await stream.waitFor((m) => m.rollout.name === 'web', 'with the current state');
      expect(await stream.endedWithin(5_000)).toBe(true);
      expect(stream.raw).toMatch(/: stream lifetime reached; reconnect\n(?:.*\n)*retry: \d+\n\n$/);
      await until(() => h.streamsOpen() === 0, 'the server dropped the ended stream');
    } finally {
      stream.close();
    }
    const again = await openEventStream(`${h.api.url}/api/v1/namespaces/shop/rollouts/web/watch`, BOB.token);
    again.close();
    expect(again.status).toBe(200);
  });
});

describe('given streams re-checked every 200 ms', () => {
  let h: ApiHarness;

  beforeAll(async () => {
    h = await startApiHarness({ streams: { recheckMs: 200 } });
    await withRollout(h);
  });

  afterEach(() => {
    h.sandbox.auth.reset();
    h.sandbox.auth.setAccessReview(defaultRbac);
  });

  afterAll(async () => {
    await h?.stop();
  });

  it('when the caller\'s token is revoked (TokenReview no longer authenticates it), then the stream is closed', async () => {
    let revoked = false;
    h.sandbox.auth.setTokenReview((token) => (token === 'dave-token' && !revoked ? { authenticated: true, user: { username: 'dave', groups: ['viewers'] } } : { authenticated: false }));
    const stream = await openEventStream(`${h.api.url}/api/v1/watch?namespace=shop`, 'dave-token');
    try {
      expect(stream.status).toBe(200);
      await stream.waitFor((m) => m.rollout.name === 'web', 'with the current state');
      expect(await stream.endedWithin(600)).toBe(false);
      revoked = true;
      expect(await stream.endedWithin(5_000)).toBe(true);
      expect(stream.raw).toContain(': closing: authentication no longer valid');
    } finally {
      stream.close();
    }
  });

  it('when the caller\'s RBAC no longer allows the watch (SubjectAccessReview denies), then the stream is closed', async () => {
    const stream = await openEventStream(`${h.api.url}/api/v1/namespaces/shop/rollouts/web/watch`, BOB.token);
    try {
      expect(stream.status).toBe(200);
      await stream.waitFor((m) => m.rollout.name === 'web', 'with the current state');
      h.sandbox.auth.setAccessReview((spec) => (spec.user === 'bob' ? { allowed: false, reason: 'RoleBinding removed' } : defaultRbac(spec)));
      expect(await stream.endedWithin(5_000)).toBe(true);
      expect(stream.raw).toContain(': closing: access revoked: bob may not get rollouts "web" in namespace "shop": RoleBinding removed');
    } finally {
      stream.close();
    }
  });
});

describe('given a static token file and streams re-checked every 200 ms', () => {
  let h: ApiHarness;
  let dir: string;
  let path: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vane-stream-tokens-'));
    path = join(dir, 'tokens.yaml');
    await writeFile(path, `tokens:\n  - sha256: ${sha256Hex('ci-secret')}\n    subject: ci\n    groups: [deployers]\n`);
    const authenticator = await loadStaticTokenFile(path, { checkEveryMs: 50 });
    h = await startApiHarness({ authenticator: () => authenticator, streams: { recheckMs: 200 } });
    await withRollout(h);
  });

  afterAll(async () => {
    await h?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('when the token is removed from the file, then the stream is closed, and the token no longer opens one', async () => {
    const stream = await openEventStream(`${h.api.url}/api/v1/watch`, 'ci-secret');
    try {
      expect(stream.status).toBe(200);
      await stream.waitFor((m) => m.rollout.name === 'web', 'with the current state');
      await writeFile(path, 'tokens: []\n');
      expect(await stream.endedWithin(5_000)).toBe(true);
      expect(stream.raw).toContain(': closing: authentication no longer valid');
    } finally {
      stream.close();
    }
    expect((await call(h.api, 'GET', '/api/v1/rollouts', { token: 'ci-secret' })).status).toBe(401);
  });
});
