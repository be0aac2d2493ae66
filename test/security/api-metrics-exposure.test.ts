// Issue #20, /metrics: it answered anyone, and its series name every Rollout (namespace, name, phase, weight). It now
// sits behind the API's authentication, and the caller needs `get` on the non-resource URL /metrics (the permission
// kube-rbac-proxy and controller-runtime's metrics filter ask for, which Prometheus' ClusterRole usually holds).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccessReviewSpec } from '../../src/sandbox/sandbox-auth.js';
import { canaryRollout, pausedAtStep1 } from '../server/fixtures/rollouts.js';
import { ALICE, BOB, call, create, createNamespace, defaultRbac, startApiHarness, until, writeStatus, type ApiHarness } from '../server/support/api-harness.js';

const SCRAPER_TOKEN = 'prometheus-service-account-token';
const asked: AccessReviewSpec[] = [];

let h: ApiHarness;

beforeAll(async () => {
  h = await startApiHarness();
  h.sandbox.auth.setTokenReview((token) => {
    if (token === SCRAPER_TOKEN) return { authenticated: true, user: { username: 'system:serviceaccount:monitoring:prometheus', groups: ['system:serviceaccounts'] } };
    if (token === BOB.token) return { authenticated: true, user: { username: 'bob', groups: BOB.groups } };
    return { authenticated: token === ALICE.token, user: { username: 'alice', groups: ALICE.groups } };
  });
  h.sandbox.auth.setAccessReview((spec) => {
    asked.push(spec);
    const scrape = spec.nonResourceAttributes?.path === '/metrics' && spec.nonResourceAttributes.verb === 'get';
    if (scrape) return spec.user === 'system:serviceaccount:monitoring:prometheus' ? { allowed: true } : { allowed: false, reason: 'no rule for /metrics' };
    return defaultRbac(spec);
  });
  await createNamespace(h.kube, 'shop');
  await create(h.kube, 'Rollout', canaryRollout('shop', 'secret-project'));
  await writeStatus(h.kube, 'Rollout', 'shop', 'secret-project', pausedAtStep1());
  await until(() => h.readModel.rollout('shop', 'secret-project')?.status?.phase === 'Paused', 'cached');
});

afterAll(async () => {
  await h?.stop();
});

describe('GET /metrics', () => {
  it('given no token, then 401, and not one series', async () => {
    const res = await call(h.api, 'GET', '/metrics');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(JSON.stringify(res.body)).not.toContain('secret-project');
  });

  it('given a token RBAC does not allow to get /metrics (even one that may read Rollouts), then 403', async () => {
    const res = await call(h.api, 'GET', '/metrics', { token: BOB.token });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ error: { code: 'Forbidden', message: 'bob may not get /metrics: no rule for /metrics' } });
  });

  it('given the scraper\'s token, allowed get on the non-resource URL /metrics, then 200 with the series', async () => {
    asked.length = 0;
    const res = await call(h.api, 'GET', '/metrics', { token: SCRAPER_TOKEN });
    expect(res.status).toBe(200);
    expect(res.body).toContain('vane_rollout_phase{namespace="shop",rollout="secret-project",phase="Paused"} 1');
    expect(asked).toEqual([expect.objectContaining({ user: 'system:serviceaccount:monitoring:prometheus', nonResourceAttributes: { path: '/metrics', verb: 'get' } })]);
    expect(asked[0]?.resourceAttributes).toBeUndefined();
  });
});
