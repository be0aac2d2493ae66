import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../kube/kube-object.js';
import { KubeApiError } from '../kube/kube-api-error.js';
import { AccessReviewAuthorizer } from './access-review-authorizer.js';
import { TokenReviewAuthenticator } from './token-review-authenticator.js';

const alice = { username: 'alice', groups: ['deployers'] };

function reviewer(answer: (body: KubeObject) => Record<string, unknown>) {
  const sent: KubeObject[] = [];
  return {
    sent,
    create: <T extends KubeObject>(_kind: unknown, body: T): Promise<T> => {
      sent.push(body);
      return Promise.resolve({ ...body, status: answer(body) } as T);
    },
  };
}

describe('AccessReviewAuthorizer', () => {
  it('asks with the identity and the rollout attributes, and reuses the answer until it expires', async () => {
    let now = 0;
    const writer = reviewer(() => ({ allowed: true }));
    const authorizer = new AccessReviewAuthorizer(writer, { now: () => now, allowedTtlMs: 1000 });
    const request = { verb: 'update' as const, resource: 'rollouts', subresource: 'status', namespace: 'shop', name: 'web' };
    expect(await authorizer.authorize(alice, request)).toEqual({ allowed: true, reason: undefined });
    await authorizer.authorize(alice, request);
    expect(writer.sent).toHaveLength(1);
    expect(writer.sent[0]?.spec).toEqual({
      user: 'alice',
      groups: ['deployers'],
      resourceAttributes: { group: 'vane.dev', resource: 'rollouts', verb: 'update', subresource: 'status', namespace: 'shop', name: 'web' },
    });
    await authorizer.authorize(alice, { ...request, name: 'api' });
    expect(writer.sent).toHaveLength(2);
    now = 1001;
    await authorizer.authorize(alice, request);
    expect(writer.sent).toHaveLength(3);
  });

  it('treats denied, or allowed without an explicit true, as not allowed and keeps the reason', async () => {
    const authorizer = new AccessReviewAuthorizer(reviewer(() => ({ allowed: false, reason: 'no RBAC rule' })));
    expect(await authorizer.authorize(alice, { verb: 'get', resource: 'rollouts', namespace: 'shop' })).toEqual({ allowed: false, reason: 'no RBAC rule' });
  });

  it('asks about a non-resource URL with nonResourceAttributes only, and caches it apart from resource answers', async () => {
    const writer = reviewer(() => ({ allowed: true }));
    const authorizer = new AccessReviewAuthorizer(writer);
    expect(await authorizer.authorize(alice, { verb: 'get', path: '/metrics' })).toEqual({ allowed: true, reason: undefined });
    await authorizer.authorize(alice, { verb: 'get', path: '/metrics' });
    await authorizer.authorize(alice, { verb: 'get', resource: 'rollouts' });
    expect(writer.sent).toHaveLength(2);
    expect(writer.sent[0]?.spec).toEqual({ user: 'alice', groups: ['deployers'], nonResourceAttributes: { path: '/metrics', verb: 'get' } });
  });

  it('turns a failing review into Unavailable, not a denial', async () => {
    const failing = { create: () => Promise.reject(new KubeApiError(500, { message: 'etcd down' }, 'POST')) };
    await expect(new AccessReviewAuthorizer(failing).authorize(alice, { verb: 'list', resource: 'rollouts' })).rejects.toMatchObject({ code: 'Unavailable' });
  });
});

describe('TokenReviewAuthenticator', () => {
  it('maps an authenticated review to an identity and caches it under a digest of the token', async () => {
    const writer = reviewer(() => ({ authenticated: true, user: { username: 'carol', uid: 'u-1', groups: ['deployers'] } }));
    const authn = new TokenReviewAuthenticator(writer, { audiences: ['vane'] });
    expect(await authn.authenticate('t0k3n')).toEqual({ username: 'carol', uid: 'u-1', groups: ['deployers'], extra: undefined });
    await authn.authenticate('t0k3n');
    expect(writer.sent).toHaveLength(1);
    expect(writer.sent[0]?.spec).toEqual({ token: 't0k3n', audiences: ['vane'] });
  });

  it('answers undefined for a token the review does not authenticate', async () => {
    const authn = new TokenReviewAuthenticator(reviewer(() => ({ authenticated: false, error: 'expired' })));
    expect(await authn.authenticate('old')).toBeUndefined();
  });

  it('given many requests with one token at once, then one review answers them all', async () => {
    let answer: (value: unknown) => void = () => undefined;
    const writer = { sent: 0, create: () => ((writer.sent += 1), new Promise((resolve) => (answer = resolve))) };
    const authn = new TokenReviewAuthenticator(writer as never);
    const pending = Array.from({ length: 10 }, () => authn.authenticate('t0k3n'));
    answer({ status: { authenticated: true, user: { username: 'carol' } } });
    expect((await Promise.all(pending)).map((identity) => identity?.username)).toEqual(Array(10).fill('carol'));
    expect(writer.sent).toBe(1);
  });

  it('given a flood of made-up tokens, then their rejections do not push an accepted token out of the cache', async () => {
    const writer = reviewer((body) => ((body.spec as { token: string }).token === 'real' ? { authenticated: true, user: { username: 'carol' } } : { authenticated: false }));
    const authn = new TokenReviewAuthenticator(writer);
    await authn.authenticate('real');
    for (let i = 0; i < 2_000; i++) await authn.authenticate(`made-up-${i}`);
    const before = writer.sent.length;
    expect((await authn.authenticate('real'))?.username).toBe('carol');
    expect(writer.sent).toHaveLength(before);
  });

  it('given the cluster cannot be asked, then Unavailable whose message names no address (the cause keeps it for the log)', async () => {
    const cause = new Error('POST /apis/authentication.k8s.io/v1/tokenreviews: connect ECONNREFUSED 10.96.0.1:443');
    const authn = new TokenReviewAuthenticator({ create: () => Promise.reject(cause) });
    const err = await authn.authenticate('t').catch((e: unknown) => e as Error);
    expect(err).toMatchObject({ code: 'Unavailable', message: 'token review failed: the cluster could not be asked; retry later', cause });
  });
});
