// Issue #20, what error answers and headers give away: a malformed percent-encoding in a path was a 500 with an error
// log line (it is the caller's mistake: 400); a 503 carried the internal API server's address (it belongs in the log,
// not the answer); and API responses lacked the headers that keep browsers from sniffing, framing, caching or
// referring them.
import { createServer } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeClient } from '../../src/kube/kube-client.js';
import { KubeTransport } from '../../src/kube/kube-transport.js';
import { TokenReviewAuthenticator } from '../../src/server/token-review-authenticator.js';
import { canaryRollout, pausedAtStep1 } from '../server/fixtures/rollouts.js';
import { openEventStream } from '../server/support/event-stream-reader.js';
import { ALICE, BOB, call, create, createNamespace, startApiHarness, until, writeStatus, type ApiHarness, type HttpAnswer } from '../server/support/api-harness.js';

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('given a path with a malformed percent-encoding', () => {
  let h: ApiHarness;

  beforeAll(async () => {
    h = await startApiHarness();
  });

  afterAll(async () => {
    await h?.stop();
  });

  it('then 400 naming the problem, and no error in the log', async () => {
    for (const path of ['/api/v1/namespaces/%E0%A4%A/rollouts/web', '/api/v1/namespaces/shop/rollouts/%zz/promote']) {
      const res = await call(h.api, path.endsWith('promote') ? 'POST' : 'GET', path, { token: ALICE.token });
      expect(res, path).toMatchObject({ status: 400, body: { error: { code: 'BadRequest', message: expect.stringContaining('malformed percent-encoding') } } });
    }
    expect(h.auditLines.filter((line) => line['level'] === 50)).toEqual([]);
  });
});

describe('given the cluster\'s API server cannot be reached for a TokenReview', () => {
  let h: ApiHarness;
  let port: number;
  let transport: KubeTransport;

  beforeAll(async () => {
    port = await closedPort();
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'gone', server: `https://127.0.0.1:${port}`, skipTLSVerify: true }],
      users: [{ name: 'vane', token: 'service-account-token' }],
      contexts: [{ name: 'gone', cluster: 'gone', user: 'vane' }],
      currentContext: 'gone',
    });
    transport = await KubeTransport.fromKubeConfig(kc);
    const unreachable = new KubeClient(transport);
    h = await startApiHarness({ authenticator: () => new TokenReviewAuthenticator(unreachable) });
  });

  afterAll(async () => {
    transport?.close();
    await h?.stop();
  });

  it('then 503 that says authentication is unavailable, without the address, which goes to the log', async () => {
    const res = await call(h.api, 'GET', '/api/v1/rollouts', { token: ALICE.token });
    expect(res).toMatchObject({ status: 503, body: { error: { code: 'Unavailable', message: expect.stringContaining('token review failed') } } });
    const text = JSON.stringify(res.body);
    expect(text).not.toContain('127.0.0.1');
    expect(text).not.toContain(String(port));
    expect(text).not.toContain('/apis/');
    expect(text).not.toContain('ECONNREFUSED');
    const logged = h.auditLines.find((line) => line['msg'] === 'request failed');
    expect(JSON.stringify(logged)).toContain(`127.0.0.1:${port}`);
  });
});

describe('security headers', () => {
  let h: ApiHarness;

  beforeAll(async () => {
    h = await startApiHarness();
    await createNamespace(h.kube, 'shop');
    await create(h.kube, 'Rollout', canaryRollout('shop', 'web'));
    await writeStatus(h.kube, 'Rollout', 'shop', 'web', pausedAtStep1());
    await until(() => h.readModel.rollout('shop', 'web') !== undefined, 'cached');
  });

  afterAll(async () => {
    await h?.stop();
  });

  function expectHardened(headers: Headers, what: string): void {
    expect(headers.get('x-content-type-options'), what).toBe('nosniff');
    expect(headers.get('x-frame-options'), what).toBe('DENY');
    expect(headers.get('content-security-policy'), what).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(headers.get('referrer-policy'), what).toBe('no-referrer');
    expect(headers.get('cache-control'), what).toMatch(/\bno-store\b/);
    expect(headers.get('x-powered-by'), what).toBeNull();
  }

  it('given JSON answers (a read, a refusal, an unknown path, the OpenAPI document, health), then each is hardened and not cached', async () => {
    const answers: Array<[string, HttpAnswer]> = [
      ['read', await call(h.api, 'GET', '/api/v1/namespaces/shop/rollouts/web', { token: BOB.token })],
      ['401', await call(h.api, 'GET', '/api/v1/rollouts')],
      ['403', await call(h.api, 'POST', '/api/v1/namespaces/shop/rollouts/web/abort', { token: BOB.token, body: {} })],
      ['404', await call(h.api, 'GET', '/nowhere')],
      ['openapi', await call(h.api, 'GET', '/api/v1/openapi.json')],
      ['healthz', await call(h.api, 'GET', '/healthz')],
    ];
    expect(answers.map(([what, res]) => [what, res.status])).toEqual([['read', 200], ['401', 401], ['403', 403], ['404', 404], ['openapi', 200], ['healthz', 200]]);
    for (const [what, res] of answers) expectHardened(res.headers, what);
  });

  it('given a status stream, then it is hardened too', async () => {
    const stream = await openEventStream(`${h.api.url}/api/v1/watch`, ALICE.token);
    try {
      expect(stream.status).toBe(200);
      expectHardened(stream.headers, 'stream');
    } finally {
      stream.close();
    }
  });
});
