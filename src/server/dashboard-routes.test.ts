import { request } from 'node:http';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeClient } from '../kube/kube-client.js';
import { createApiServer, type ListeningApi } from './api-server.js';
import { DASHBOARD_CONTENT_SECURITY_POLICY } from './dashboard-routes.js';
import { RolloutReadModel } from './rollout-read-model.js';
import { SECURITY_HEADERS } from './security-headers.js';

function rawStatus(api: ListeningApi, path: string): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: api.port, path }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('error', reject);
    req.end();
  });
}

async function serve(dashboardDir: string): Promise<ListeningApi> {
  const never = (): Promise<never> => Promise.reject(new Error('not called'));
  const { listen } = createApiServer({
    readModel: new RolloutReadModel({} as KubeClient),
    reader: { get: never },
    status: { patchStatus: never },
    authenticator: { authenticate: never },
    authorizer: { authorize: never },
    dashboardDir,
  });
  return listen(0, '127.0.0.1');
}

describe('the dashboard files', () => {
  let built: string;
  let api: ListeningApi;

  beforeAll(async () => {
    built = mkdtempSync(join(tmpdir(), 'vane-dashboard-'));
    writeFileSync(join(built, 'index.html'), '<!doctype html><title>Vane</title><script type="module" src="app.js"></script>');
    writeFileSync(join(built, 'app.js'), 'export {};');
    writeFileSync(join(built, '.secret'), 'hidden');
    mkdirSync(join(built, 'nested'));
    api = await serve(built);
  });

  afterAll(async () => {
    await api.close();
    rmSync(built, { recursive: true, force: true });
  });

  it('serves the page at /dashboard/ without a token, under a policy that allows only its own origin and nothing inline', async () => {
    const res = await fetch(`${api.url}/dashboard/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await res.text()).toContain('<title>Vane</title>');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toBe(DASHBOARD_CONTENT_SECURITY_POLICY);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-frame-options')).toBe('DENY');
  });

  it('serves the bundle as JavaScript, revalidated on every load', async () => {
    const res = await fetch(`${api.url}/dashboard/app.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/javascript|^application\/javascript/);
    expect(res.headers.get('cache-control')).toBe('no-cache');
  });

  it('redirects /dashboard to /dashboard/, so the page finds its files', async () => {
    const res = await fetch(`${api.url}/dashboard`, { redirect: 'manual' });
    expect(res.status).toBe(308);
    expect(res.headers.get('location')).toBe('/dashboard/');
  });

  it('serves no dotfile, nothing outside its directory, and 404 for a file that is not there', async () => {
    expect((await fetch(`${api.url}/dashboard/.secret`)).status).toBe(403);
    // Raw, as an attacker sends it: fetch would resolve the dot segments itself.
    expect(await rawStatus(api, '/dashboard/..%2f..%2fpackage.json')).toBe(403);
    expect(await rawStatus(api, '/dashboard/%2e%2e/%2e%2e/package.json')).toBe(403);
    expect((await fetch(`${api.url}/dashboard/missing.js`)).status).toBe(404);
  });

  it('keeps the API itself under the policy that forbids every source', async () => {
    const res = await fetch(`${api.url}/`);
    expect(res.headers.get('content-security-policy')).toBe(SECURITY_HEADERS['Content-Security-Policy']);
    expect(await res.json()).toMatchObject({ dashboard: '/dashboard/' });
  });
});

describe('without a built dashboard', () => {
  it('answers 503 saying how to build it', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'vane-no-dashboard-'));
    const api = await serve(empty);
    try {
      const res = await fetch(`${api.url}/dashboard/`);
      expect(res.status).toBe(503);
      expect(((await res.json()) as { error: { message: string } }).error.message).toContain('npm run build');
    } finally {
      await api.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
