// The status streams over real HTTP: server-sent events of phase changes from the informer, for all rollouts and
// for one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kinds } from '../../src/kube/resource-kind.js';
import { canaryRollout, pausedAtStep1 } from './fixtures/rollouts.js';
import { openEventStream } from './support/event-stream-reader.js';
import { ALICE, BOB, call, create, createNamespace, startApiHarness, until, writeStatus, type ApiHarness } from './support/api-harness.js';

let h: ApiHarness;

beforeAll(async () => {
  h = await startApiHarness();
  await createNamespace(h.kube, 'shop');
  await createNamespace(h.kube, 'blog');
  await create(h.kube, 'Rollout', canaryRollout('shop', 'web'));
  await writeStatus(h.kube, 'Rollout', 'shop', 'web', { phase: 'Progressing', currentStepIndex: 0, machine: { value: 'stepping' } });
  await until(() => h.readModel.rollout('shop', 'web')?.status?.phase === 'Progressing', 'cached');
});

afterAll(async () => {
  await h?.stop();
});

describe('GET /api/v1/watch', () => {
  it('starts with the current rollouts, then sends each phase change, and a deletion', async () => {
    const stream = await openEventStream(`${h.api.url}/api/v1/watch?namespace=shop`, BOB.token);
    try {
      expect(stream.status).toBe(200);
      expect(stream.contentType).toMatch(/^text\/event-stream/);
      await stream.waitFor((m) => m.type === 'ADDED' && m.rollout.name === 'web' && m.rollout.phase === 'Progressing', 'with the current state');

      await writeStatus(h.kube, 'Rollout', 'shop', 'web', pausedAtStep1());
      await stream.waitFor((m) => m.type === 'MODIFIED' && m.rollout.phase === 'Paused' && m.rollout.currentStepIndex === 1, 'for the pause');
      await writeStatus(h.kube, 'Rollout', 'shop', 'web', { phase: 'Healthy', currentStepIndex: 4, canary: { weights: { canary: 0, stable: 100 } } });
      const healthy = await stream.waitFor((m) => m.rollout.phase === 'Healthy', 'for Healthy');
      expect(healthy.rollout.weights).toEqual({ canary: 0, stable: 100 });

      // Another namespace is outside this stream's filter.
      await create(h.kube, 'Rollout', canaryRollout('blog', 'posts'));
      await create(h.kube, 'Rollout', canaryRollout('shop', 'short-lived'));
      await stream.waitFor((m) => m.type === 'ADDED' && m.rollout.name === 'short-lived', 'for the new rollout');
      await h.kube.delete(Kinds.Rollout, 'shop', 'short-lived');
      await stream.waitFor((m) => m.type === 'DELETED' && m.rollout.name === 'short-lived', 'for the deletion');

      expect(stream.messages.some((m) => m.rollout.namespace === 'blog')).toBe(false);
      const phases = stream.messages.filter((m) => m.rollout.name === 'web').map((m) => m.rollout.phase);
      expect(phases).toEqual(['Progressing', 'Paused', 'Healthy']);
    } finally {
      stream.close();
    }
  });

  it('needs list permission: without a token 401', async () => {
    expect((await call(h.api, 'GET', '/api/v1/watch')).status).toBe(401);
  });
});

describe('GET /api/v1/namespaces/{ns}/rollouts/{name}/watch', () => {
  it('streams only that rollout', async () => {
    await create(h.kube, 'Rollout', canaryRollout('shop', 'api'));
    await until(() => h.readModel.rollout('shop', 'api') !== undefined, 'cached');
    const stream = await openEventStream(`${h.api.url}/api/v1/namespaces/shop/rollouts/api/watch`, ALICE.token);
    try {
      await stream.waitFor((m) => m.type === 'ADDED' && m.rollout.name === 'api', 'with its current state');
      await writeStatus(h.kube, 'Rollout', 'shop', 'web', { phase: 'Degraded', message: 'not this one' });
      await writeStatus(h.kube, 'Rollout', 'shop', 'api', { phase: 'Degraded', message: 'analysis failed' });
      const degraded = await stream.waitFor((m) => m.rollout.phase === 'Degraded', 'for Degraded');
      expect(degraded.rollout).toMatchObject({ name: 'api', message: 'analysis failed' });
      expect(stream.messages.every((m) => m.rollout.name === 'api')).toBe(true);
    } finally {
      stream.close();
    }
  });

  it('given no such rollout, then 404 instead of an empty stream', async () => {
    const res = await call(h.api, 'GET', '/api/v1/namespaces/shop/rollouts/nope/watch', { token: ALICE.token });
    expect(res.status).toBe(404);
  });

  it('closes the server side of a stream when the client goes away', async () => {
    const stream = await openEventStream(`${h.api.url}/api/v1/namespaces/shop/rollouts/api/watch`, ALICE.token);
    await stream.waitFor((m) => m.rollout.name === 'api', 'with its current state');
    expect(h.streamsOpen()).toBe(1);
    stream.close();
    await until(() => h.streamsOpen() === 0, 'the server dropped the subscriber');
  });
});
