// End to end with the real controller: promote, abort and retry through the API are applied by the controller and
// acknowledged in status.lastCommand, while a status stream receives every phase change.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningController } from '../../src/cli/start-controller.js';
import { openEventStream } from './support/event-stream-reader.js';
import { rolloutPausedByController, startControllerFor } from './support/controller-under-test.js';
import { ALICE, BOB, call, createNamespace, startApiHarness, until, type ApiHarness } from './support/api-harness.js';

let h: ApiHarness;
let controller: RunningController;

beforeAll(async () => {
  h = await startApiHarness({ simulatePods: true });
  controller = await startControllerFor(h);
  await createNamespace(h.kube, 'shop');
});

afterAll(async () => {
  await controller?.stop();
  await h?.stop();
});

const status = (name: string) => h.readModel.rollout('shop', name)?.status;

async function command(name: string, verb: string, body: unknown = {}): Promise<string> {
  const res = await call(h.api, 'POST', `/api/v1/namespaces/shop/rollouts/${name}/${verb}`, { token: ALICE.token, body });
  expect(res.status).toBe(202);
  const { id } = res.body as { id: string };
  await until(() => status(name)?.lastCommand?.id === id, `the controller acknowledges ${verb}`, 30_000);
  return id;
}

describe('a rollout driven by the real controller', () => {
  it('is promoted, aborted and retried through the API, and the stream sees each phase', async () => {
    // Opened before the rollout exists, so it sees its whole life.
    const watch = await openEventStream(`${h.api.url}/api/v1/watch?namespace=shop`, BOB.token);
    try {
      await rolloutPausedByController(h, 'shop', 'web');
      await command('web', 'promote');
      expect(status('web')?.lastCommand).toMatchObject({ action: 'promote', result: 'Accepted' });
      await until(() => status('web')?.phase === 'Paused' && status('web')?.currentStepIndex === 3, 'the next pause, at step 3', 30_000);
      expect(status('web')?.canary?.weights).toEqual({ canary: 50, stable: 50 });

      await command('web', 'abort');
      await until(() => status('web')?.phase === 'Degraded', 'Degraded after the abort', 30_000);
      expect(status('web')?.canary?.weights).toEqual({ canary: 0, stable: 100 });
      expect((await call(h.api, 'POST', '/api/v1/namespaces/shop/rollouts/web/promote', { token: ALICE.token, body: {} })).status).toBe(409);

      await command('web', 'retry');
      await until(() => status('web')?.phase === 'Paused' && status('web')?.currentStepIndex === 1, 'back at the first pause', 30_000);

      await watch.waitFor((m) => m.rollout.name === 'web' && m.rollout.phase === 'Paused' && m.rollout.currentStepIndex === 1 && m.rollout.lastCommand?.action === 'retry', 'for the retried pause');
      const phases = watch.messages.filter((m) => m.rollout.name === 'web' && m.rollout.phase).map((m) => m.rollout.phase);
      // The first release (Progressing until its pods are available, then Healthy), the new image (Paused: its start
      // rides the pause's write when the canary is up within 2 s, see held-status-writes.ts), promote (Progressing
      // with its answer, Paused), abort (Degraded), retry (…, Paused).
      expect(inOrder(phases, ['Progressing', 'Healthy', 'Paused', 'Progressing', 'Paused', 'Degraded', 'Paused'])).toBe(true);
      expect(phases[0]).toBe('Progressing');
    } finally {
      watch.close();
    }
  });

  it('takes promote --full past every remaining step to Healthy', async () => {
    await rolloutPausedByController(h, 'shop', 'api');
    await command('api', 'promote', { full: true });
    await until(() => status('api')?.phase === 'Healthy', 'Healthy on shop:2', 30_000);
    const detail = (await call(h.api, 'GET', '/api/v1/namespaces/shop/rollouts/api', { token: BOB.token })).body as { images: string[]; replicaSets: Array<{ role: string; images: string[] }>; events: Array<{ reason: string; message: string }> };
    expect(detail.replicaSets.find((rs) => rs.role === 'stable')?.images).toEqual(['shop:2']);
    expect(detail.events.some((e) => e.reason === 'CommandRequested' && e.message.startsWith('promote-full requested by alice'))).toBe(true);
  });
});

/** Whether `wanted` occurs in `seen` in this order (other entries may come between). */
function inOrder(seen: ReadonlyArray<string | undefined>, wanted: readonly string[]): boolean {
  let next = 0;
  for (const value of seen) if (value === wanted[next]) next++;
  return next === wanted.length;
}
