// Authentication, authorization, audit and rate limiting over real HTTP: TokenReview and SubjectAccessReview answered
// by the sandbox, and a static token file.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { Kinds } from '../../src/kube/resource-kind.js';
import type { RolloutStatus } from '../../src/resources/rollout.js';
import { loadStaticTokenFile, sha256Hex } from '../../src/server/static-token-authenticator.js';
import { canaryRollout, pausedAtStep1 } from './fixtures/rollouts.js';
import { ALICE, BOB, call, create, createNamespace, defaultRbac, startApiHarness, until, writeStatus, type ApiHarness } from './support/api-harness.js';

type RolloutObject = KubeObject & { status?: RolloutStatus };

async function pausedRollout(h: ApiHarness, name: string): Promise<void> {
  await create(h.kube, 'Rollout', canaryRollout('shop', name));
  await writeStatus(h.kube, 'Rollout', 'shop', name, pausedAtStep1());
  await until(() => h.readModel.rollout('shop', name)?.status?.phase === 'Paused', `${name} cached`);
}

describe('with TokenReview and SubjectAccessReview', () => {
  let h: ApiHarness;

  beforeAll(async () => {
    h = await startApiHarness();
    await createNamespace(h.kube, 'shop');
    await pausedRollout(h, 'web');
    await pausedRollout(h, 'api');
  });

  afterAll(async () => {
    await h?.stop();
  });

  it('given no token, then 401 with a WWW-Authenticate challenge and a JSON body', async () => {
    const res = await call(h.api, 'GET', '/api/v1/rollouts');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(res.body).toMatchObject({ error: { code: 'Unauthorized', message: expect.stringContaining('missing bearer token') } });
  });

  it('given a token the TokenReview does not authenticate, then 401', async () => {
    const res = await call(h.api, 'POST', '/api/v1/namespaces/shop/rollouts/web/promote', { token: 'not-a-real-token', body: {} });
    expect(res).toMatchObject({ status: 401, body: { error: { code: 'Unauthorized', message: expect.stringContaining('invalid or expired') } } });
  });

  it('given an Authorization header that is not a bearer token, then 401', async () => {
    const res = await call(h.api, 'GET', '/api/v1/rollouts', { headers: { Authorization: 'Basic YWxpY2U6cHc=' } });
    expect(res.status).toBe(401);
  });

  it('given a valid token whose RBAC only allows reads, when promoting, then 403 naming the permission, nothing written, attempt audited', async () => {
    const res = await call(h.api, 'POST', '/api/v1/namespaces/shop/rollouts/web/promote', { token: BOB.token, body: {} });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ error: { code: 'Forbidden', message: expect.stringContaining('bob may not update rollouts/status "web" in namespace "shop"') } });
    const rollout = await h.kube.get<RolloutObject>(Kinds.Rollout, 'shop', 'web');
    expect(rollout?.status?.command).toBeUndefined();
    expect(h.auditLines).toContainEqual(expect.objectContaining({ audit: 'command', actor: 'bob', action: 'promote', target: 'shop/web', outcome: 'forbidden' }));
  });

  it('given the same reader, then reads are allowed', async () => {
    expect((await call(h.api, 'GET', '/api/v1/namespaces/shop/rollouts/web', { token: BOB.token })).status).toBe(200);
  });

  it('given RBAC denies reads, then 403 on the list', async () => {
    h.sandbox.auth.setAccessReview((spec) => (spec.resourceAttributes?.verb === 'list' ? { allowed: false, reason: 'list denied' } : defaultRbac(spec)));
    try {
      const res = await call(h.api, 'GET', '/api/v1/rollouts?namespace=shop', { token: BOB.token });
      expect(res).toMatchObject({ status: 403, body: { error: { message: 'bob may not list rollouts in namespace "shop": list denied' } } });
    } finally {
      h.sandbox.auth.setAccessReview(defaultRbac);
    }
  });

  it('given an allowed user, when promoting, then 202 and the command is audited in the log and as an Event naming the actor', async () => {
    const res = await call(h.api, 'POST', '/api/v1/namespaces/shop/rollouts/api/promote', { token: ALICE.token, body: {}, headers: { 'X-Request-Id': 'deploy-7' } });
    expect(res.status).toBe(202);
    const { id } = res.body as { id: string };
    expect(h.auditLines).toContainEqual(
      expect.objectContaining({ audit: 'command', actor: 'alice', groups: ['deployers', 'system:authenticated'], action: 'promote', target: 'shop/api', outcome: 'accepted', commandId: id, requestId: 'deploy-7' }),
    );
    const events = await h.kube.list<KubeObject>(Kinds.Event, 'shop');
    const event = events.items.find((e) => (e.note as string | undefined)?.includes(id));
    expect(event).toMatchObject({ reason: 'CommandRequested', note: `promote requested by alice (command ${id}, request deploy-7)`, regarding: { kind: 'Rollout', name: 'api' } });
  });

  it('given an identity provider behind TokenReview, then its user and groups are what RBAC is asked about', async () => {
    h.sandbox.auth.setTokenReview((token) => (token === 'oidc-carol' ? { authenticated: true, user: { username: 'carol@example.com', groups: ['deployers'] } } : { authenticated: false }));
    const asked: string[] = [];
    h.sandbox.auth.setAccessReview((spec) => {
      asked.push(`${spec.user} [${(spec.groups ?? []).join(',')}] ${spec.resourceAttributes?.verb} ${spec.resourceAttributes?.resource}`);
      return defaultRbac(spec);
    });
    try {
      const res = await call(h.api, 'GET', '/api/v1/namespaces/shop/rollouts/web', { token: 'oidc-carol' });
      expect(res.status).toBe(200);
      // The detail also tells which commands the caller may send, so RBAC is asked about the status update too.
      expect(asked).toEqual(['carol@example.com [deployers] get rollouts', 'carol@example.com [deployers] update rollouts']);
    } finally {
      h.sandbox.auth.setAccessReview(defaultRbac);
    }
  });

  it('given the TokenReview API fails, then 503 rather than 401', async () => {
    h.sandbox.auth.setTokenReview(() => {
      throw new Error('identity provider down');
    });
    const res = await call(h.api, 'GET', '/api/v1/rollouts', { token: 'whatever' });
    expect(res).toMatchObject({ status: 503, body: { error: { code: 'Unavailable', message: expect.stringContaining('token review failed') } } });
  });
});

describe('with a static token file', () => {
  let h: ApiHarness;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vane-static-tokens-'));
    const path = join(dir, 'tokens.yaml');
    await writeFile(
      path,
      [
        'tokens:',
        `  - sha256: ${sha256Hex('ci-pipeline-secret')}`,
        '    subject: ci-pipeline',
        '    groups: [deployers]',
        `  - sha256: ${sha256Hex('intern-secret')}`,
        '    subject: intern',
        '    groups: [interns]',
      ].join('\n'),
    );
    const authenticator = await loadStaticTokenFile(path);
    h = await startApiHarness({ authenticator: () => authenticator, rateLimit: { burst: 3, perSecond: 0.01 } });
    await createNamespace(h.kube, 'shop');
    await pausedRollout(h, 'web');
  });

  afterAll(async () => {
    await h?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('given no token, then 401', async () => {
    expect((await call(h.api, 'GET', '/api/v1/rollouts')).status).toBe(401);
  });

  it('given a token not in the file (even a sandbox one), then 401', async () => {
    expect((await call(h.api, 'GET', '/api/v1/rollouts', { token: ALICE.token })).status).toBe(401);
  });

  it('given a token whose subject RBAC denies, then 403', async () => {
    const res = await call(h.api, 'POST', '/api/v1/namespaces/shop/rollouts/web/abort', { token: 'intern-secret', body: {} });
    expect(res).toMatchObject({ status: 403, body: { error: { message: expect.stringContaining('intern may not update rollouts/status') } } });
  });

  it('given the pipeline token, when aborting, then 202, the command names the subject and it is audited', async () => {
    const res = await call(h.api, 'POST', '/api/v1/namespaces/shop/rollouts/web/abort', { token: 'ci-pipeline-secret', body: {} });
    expect(res.status).toBe(202);
    const rollout = await h.kube.get<RolloutObject>(Kinds.Rollout, 'shop', 'web');
    expect(rollout?.status?.command).toMatchObject({ action: 'abort', actor: 'ci-pipeline' });
    expect(h.auditLines).toContainEqual(expect.objectContaining({ actor: 'ci-pipeline', groups: ['deployers', 'system:authenticated'], outcome: 'accepted' }));
  });

  it('given a subject over its rate limit, then 429 with Retry-After, while another subject is unaffected', async () => {
    // The pipeline spent one token above; burst is 3.
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await call(h.api, 'GET', '/api/v1/rollouts', { token: 'ci-pipeline-secret' }));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 429]);
    const limited = answers[2]!;
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(limited.body).toMatchObject({ error: { code: 'RateLimited' } });
    expect((await call(h.api, 'GET', '/api/v1/rollouts?namespace=shop', { token: 'intern-secret' })).status).toBe(403);
  });

  it('given a rate-limited command, then the refusal is audited too', async () => {
    const res = await call(h.api, 'POST', '/api/v1/namespaces/shop/rollouts/web/pause', { token: 'ci-pipeline-secret', body: {} });
    expect(res.status).toBe(429);
    expect(h.auditLines).toContainEqual(expect.objectContaining({ actor: 'ci-pipeline', action: 'pause', outcome: 'rate-limited' }));
  });
});

describe('with anonymous access turned on', () => {
  let h: ApiHarness;

  beforeAll(async () => {
    h = await startApiHarness({ allowAnonymous: true });
    await createNamespace(h.kube, 'shop');
    await pausedRollout(h, 'web');
  });

  afterAll(async () => {
    await h?.stop();
  });

  it('lets a request without a token through as system:anonymous, which RBAC then decides on', async () => {
    const asked: string[] = [];
    h.sandbox.auth.setAccessReview((spec) => {
      asked.push(`${spec.user} [${(spec.groups ?? []).join(',')}]`);
      return spec.resourceAttributes?.verb === 'get' ? { allowed: true } : { allowed: false, reason: 'anonymous may only read' };
    });
    expect((await call(h.api, 'GET', '/api/v1/namespaces/shop/rollouts/web')).status).toBe(200);
    const denied = await call(h.api, 'POST', '/api/v1/namespaces/shop/rollouts/web/abort', { body: {} });
    expect(denied).toMatchObject({ status: 403, body: { error: { message: expect.stringContaining('system:anonymous may not update rollouts/status') } } });
    // get, then update rollouts/status for the detail's actions, then update rollouts/status for the command itself.
    expect(asked).toEqual(['system:anonymous [system:unauthenticated]', 'system:anonymous [system:unauthenticated]', 'system:anonymous [system:unauthenticated]']);
  });

  it('still refuses a token that is presented but invalid', async () => {
    expect((await call(h.api, 'GET', '/api/v1/rollouts', { token: 'bogus' })).status).toBe(401);
  });
});
