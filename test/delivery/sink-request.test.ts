// sinkRequest: how answers and failures are classified for retrying, and the local address guard.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPublicHost, guardedLookup, LOCAL_ADDRESS_REFUSED, localAddressKind } from '../../src/delivery/local-address-guard.js';
import { retryAfter, sinkRequest, type SinkRequest } from '../../src/delivery/sink-request.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
const routes = new Map<string, Handler>();
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const handler = routes.get(req.url ?? '');
    if (handler) handler(req, res);
    else res.writeHead(404).end('no such route');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  routes.set('/ok', (_req, res) => res.writeHead(204).end());
  routes.set('/created', (_req, res) => res.writeHead(201, { 'content-type': 'application/json' }).end('{"id":7}'));
  routes.set('/busy', (_req, res) => res.writeHead(503, { 'retry-after': '7' }).end('try later'));
  routes.set('/limited', (_req, res) => res.writeHead(429, { 'retry-after': 'Wed, 21 Oct 2099 07:28:00 GMT' }).end());
  routes.set('/bad', (_req, res) => res.writeHead(400).end(`invalid_payload ${'x'.repeat(500)}`));
  routes.set('/moved', (_req, res) => res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data' }).end());
  routes.set('/hang', () => undefined);
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function post(path: string, url = `${base}${path}`): SinkRequest {
  return { method: 'POST', url, headers: { 'content-type': 'application/json' }, body: '{}', label: 'the test receiver' };
}

const LOCAL_OK = { allowLocalUrls: true };

describe('classifying answers', () => {
  it('a 2xx answer is ok, with its status and body', async () => {
    expect(await sinkRequest(post('/created'), LOCAL_OK, AbortSignal.timeout(5000))).toEqual({ ok: true, status: 201, body: '{"id":7}' });
    expect(await sinkRequest(post('/ok'), LOCAL_OK, AbortSignal.timeout(5000))).toMatchObject({ ok: true, status: 204 });
  });

  it('a 503 is retryable and honours Retry-After in seconds', async () => {
    expect(await sinkRequest(post('/busy'), LOCAL_OK, AbortSignal.timeout(5000))).toEqual({
      ok: false,
      retryable: true,
      reason: 'the test receiver answered HTTP 503: try later',
      retryAfterMs: 7000,
    });
  });

  it('a 429 is retryable and a Retry-After date is read (capped at an hour)', async () => {
    const result = await sinkRequest(post('/limited'), LOCAL_OK, AbortSignal.timeout(5000));
    expect(result).toMatchObject({ ok: false, retryable: true, retryAfterMs: 3_600_000 });
  });

  it('a 400 is not retryable and its reason holds the status and a short excerpt of the body', async () => {
    const result = await sinkRequest(post('/bad'), LOCAL_OK, AbortSignal.timeout(5000));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.retryable).toBe(false);
    expect(result.reason).toMatch(/^the test receiver answered HTTP 400: invalid_payload x+…$/);
    expect(result.reason.length).toBeLessThan(260);
  });

  it('a redirect is not followed and not retried', async () => {
    expect(await sinkRequest(post('/moved'), LOCAL_OK, AbortSignal.timeout(5000))).toMatchObject({ ok: false, retryable: false, reason: expect.stringContaining('redirect') });
  });

  it('no answer before the signal aborts is retryable', async () => {
    const started = Date.now();
    expect(await sinkRequest(post('/hang'), LOCAL_OK, AbortSignal.timeout(200))).toEqual({ ok: false, retryable: true, reason: 'the test receiver did not answer in time' });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('a refused connection is retryable, and the reason does not show the URL path (a Slack URL is a secret)', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const result = await sinkRequest(post('', `http://127.0.0.1:${port}/services/T000/B000/SECRET`), LOCAL_OK, AbortSignal.timeout(5000));
    expect(result).toMatchObject({ ok: false, retryable: true, reason: expect.stringContaining('ECONNREFUSED') });
    expect(JSON.stringify(result)).not.toContain('SECRET');
  });

  it.each([['ftp://example.com/x'], ['file:///etc/passwd'], ['not a url']])('%s is refused without retrying', async (url) => {
    expect(await sinkRequest(post('', url), LOCAL_OK, AbortSignal.timeout(5000))).toMatchObject({ ok: false, retryable: false });
  });
});

describe('the local address guard', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['::1', 'loopback'],
    ['169.254.169.254', 'link-local'],
    ['fe80::1', 'link-local'],
    ['10.1.2.3', 'private'],
    ['172.20.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['fd00::1', 'unique local (private)'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['::ffff:7f00:1', 'loopback'],
    ['0:0:0:0:0:ffff:a00:1', 'private'],
  ])('%s is a %s address', (address, kind) => {
    expect(localAddressKind(address)).toBe(kind);
  });

  it.each([['140.82.112.3'], ['8.8.8.8'], ['2606:4700::1111'], ['172.32.0.1']])('%s is public', (address) => {
    expect(localAddressKind(address)).toBeUndefined();
  });

  it('refuses a name by what it resolves to, not by its spelling', async () => {
    expect(await checkPublicHost('localhost')).toMatchObject({ ok: false, reason: expect.stringMatching(/^localhost \((127\.0\.0\.1|::1)\) is a loopback address/) });
    expect(await checkPublicHost('[::1]')).toMatchObject({ ok: false });
  });

  it('without allowLocalUrls, loopback receivers and the metadata address are refused without retrying, and nothing is sent', async () => {
    let hits = 0;
    routes.set('/count', (_req, res) => {
      hits += 1;
      res.writeHead(204).end();
    });
    const port = new URL(base).port;
    for (const url of [`${base}/count`, `http://localhost:${port}/count`, 'http://169.254.169.254/latest/meta-data', `http://[::ffff:127.0.0.1]:${port}/count`]) {
      const result = await sinkRequest(post('', url), { allowLocalUrls: false }, AbortSignal.timeout(5000));
      expect(result).toMatchObject({ ok: false, retryable: false, reason: expect.stringContaining('--allow-local-notification-urls') });
    }
    expect(hits).toBe(0);
    expect(await sinkRequest(post('/count'), LOCAL_OK, AbortSignal.timeout(5000))).toMatchObject({ ok: true });
    expect(hits).toBe(1);
  });

  it('the lookup used for connecting refuses a name that resolves to a local address (DNS rebinding)', async () => {
    const error = await new Promise<NodeJS.ErrnoException | null>((resolve) => guardedLookup('localhost', {}, (err) => resolve(err)));
    expect(error?.code).toBe(LOCAL_ADDRESS_REFUSED);
  });
});

describe('Retry-After', () => {
  it('reads seconds and dates, and ignores what it cannot read', () => {
    const now = Date.parse('2025-03-04T10:00:00Z');
    expect(retryAfter('120', now)).toBe(120_000);
    expect(retryAfter('Tue, 04 Mar 2025 10:00:30 GMT', now)).toBe(30_000);
    expect(retryAfter('Tue, 04 Mar 2025 09:00:00 GMT', now)).toBe(0);
    expect(retryAfter('soon', now)).toBeUndefined();
    expect(retryAfter(null, now)).toBeUndefined();
  });
});
