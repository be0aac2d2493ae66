// /metrics behind the API's guards: a token, then `get` on the non-resource URL /metrics (the real RBAC answers are in
// test/security/api-metrics-exposure.test.ts).
import { afterEach, describe, expect, it } from 'vitest';
import type { KubeClient } from '../kube/kube-client.js';
import { createApiServer, type ListeningApi } from './api-server.js';
import type { AccessRequest } from './authorizer.js';
import { VaneMetrics } from './metrics.js';
import { RolloutReadModel } from './rollout-read-model.js';

let listening: ListeningApi | undefined;

afterEach(async () => {
  await listening?.close();
  listening = undefined;
});

const SCRAPER_TOKEN = 'scraper-token';

async function serve(metrics?: VaneMetrics): Promise<ListeningApi> {
  const readModel = new RolloutReadModel({} as KubeClient);
  const never = (): Promise<never> => Promise.reject(new Error('not called'));
  const authenticator = { authenticate: (token: string) => Promise.resolve(token === SCRAPER_TOKEN ? { username: 'prometheus', groups: [] } : undefined) };
  const authorizer = { authorize: (_identity: unknown, request: AccessRequest) => Promise.resolve({ allowed: 'path' in request && request.path === '/metrics' }) };
  const server = createApiServer({ readModel, reader: { get: never }, status: { patchStatus: never }, authenticator, authorizer, metrics });
  listening = await server.listen(0, '127.0.0.1');
  return listening;
}

describe('the metrics route', () => {
  it('given no metrics registry, then /metrics says so with 404', async () => {
    const api = await serve();
    expect((await fetch(`${api.url}/metrics`, { headers: { Authorization: `Bearer ${SCRAPER_TOKEN}` } })).status).toBe(404);
  });

  it('given a metrics registry, then /metrics serves the text format to an allowed scraper, and 401 without a token', async () => {
    const api = await serve(new VaneMetrics({ defaultMetrics: false }));
    expect((await fetch(`${api.url}/metrics`)).status).toBe(401);
    const res = await fetch(`${api.url}/metrics`, { headers: { Authorization: `Bearer ${SCRAPER_TOKEN}` } });
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await res.text()).toContain('# TYPE vane_rollout_phase gauge');
  });
});
