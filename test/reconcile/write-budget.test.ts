// Specification (#19, "less work per rollout", at small scale): the benchmark's release — one replica, no router,
// setWeight 25, pause 1s, setWeight 50, pause 1s — costs one status write per step the rollout stops at, not one per
// pod count or per intermediate step, and one Event, its outcome's (ADR 0019); counted from the sandbox's own request
// log, every request the controller made for this Rollout.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../src/sandbox/request-stats.js';
import { onRealApiServer } from '../support/controller-cluster.js';
import { openHarness, type Harness } from './controller-harness.js';

const NS = 'budget';
const WRITE_VERBS = new Set(['create', 'update', 'patch', 'delete']);

let h: Harness;
beforeAll(async () => {
  h = await openHarness(NS);
}, 60_000);
afterAll(async () => {
  await h?.close();
});

describe.skipIf(onRealApiServer)('API writes per release (the benchmark\'s 4-step canary)', () => {
  it('given an image change, then it completes with 5 status writes (started, each timed pause, the last step, Healthy), 2 ReplicaSet writes and 1 Event that names all 4 steps', async () => {
    await h.apply('web', { replicas: 1, strategy: { canary: { steps: [{ setWeight: 25 }, { pause: { duration: '1s' } }, { setWeight: 50 }, { pause: { duration: '1s' } }] } } });
    await h.waitFor('web', (r) => r.status?.phase === 'Healthy', 'the first revision Healthy');
    // Events and status from the first revision's passes may still be on their way: wait for quiet.
    await new Promise((r) => setTimeout(r, 3_000));
    const earlier = new Set((await h.events('web')).map((e) => e.note));
    const writes: RequestRecord[] = [];
    const stop = h.cluster.sandbox!.stats.onRequest((record) => {
      if (record.namespace === NS && WRITE_VERBS.has(record.verb)) writes.push(record);
    });
    const hash = await h.setImage('web', 'img:2');
    await h.waitFor('web', (r) => r.status?.phase === 'Healthy' && r.status.stableRS === hash, 'the new revision Healthy', 20_000);
    // A held-back counts-only write would come 2 s later: nothing may follow.
    await new Promise((r) => setTimeout(r, 2_500));
    stop();

    const by = (resource: string, subresource?: string): RequestRecord[] => writes.filter((w) => w.resource === resource && w.subresource === subresource);
    expect(by('rollouts', 'status').map((w) => w.verb)).toEqual(['update', 'update', 'update', 'update', 'update']);
    expect(by('replicasets').map((w) => w.verb).sort()).toEqual(['create', 'patch']);
    expect(by('events')).toHaveLength(1);
    // Nothing else: the one spec write is this test's image change.
    expect(writes.filter((w) => !(w.resource === 'rollouts' && w.subresource === undefined))).toHaveLength(8);
    expect(by('rollouts').map((w) => w.verb)).toEqual(['patch']);
    const events = (await h.events('web')).filter((e) => !earlier.has(e.note));
    expect(events.map((e) => e.reason)).toEqual(['RolloutCompleted']);
    expect(events[0]?.note).toMatch(/step 1\/4 .*step 2\/4 .*step 3\/4 .*step 4\/4 /);
  }, 60_000);
});
