import { afterEach, describe, expect, it } from 'vitest';
import type { KubeClient } from '../kube/kube-client.js';
import { createApiServer, type ListeningApi } from './api-server.js';
import { RolloutReadModel } from './rollout-read-model.js';

let listening: ListeningApi | undefined;

afterEach(async () => {
  await listening?.close();
  listening = undefined;
});

async function serve(): Promise<ListeningApi> {
  // Informers that were never started: the caches have not synced.
  const readModel = new RolloutReadModel({} as KubeClient);
  const never = (): Promise<never> => Promise.reject(new Error('not called'));
  const server = createApiServer({ readModel, reader: { get: never }, status: { patchStatus: never }, authenticator: { authenticate: never }, authorizer: { authorize: never } });
  listening = await server.listen(0, '127.0.0.1');
  return listening;
}

describe('health routes', () => {
  it('given caches that have not synced, then /healthz is 200 but /readyz is 503 naming them', async () => {
    const api = await serve();
    expect((await fetch(`${api.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${api.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: 'not ready', reasons: ['caches not synced: rollouts, replicasets, analysisruns, events'] });
  });
});
