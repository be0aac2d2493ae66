// Specification (#19, "less work per rollout", at small scale): the benchmark's release — one replica, no router,
// setWeight 25, pause 1s, setWeight 50, pause 1s — costs one status write per moment that must survive a restart
// (each timed pause started, the promotion), two ReplicaSet writes and one Event for its outcome; counted from the
// sandbox's own request log, every request the controller made for this Rollout.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../src/sandbox/request-stats.js';
import { onRealApiServer } from '../support/controller-cluster.js';
import { openHarness, type Harness } from './controller-harness.js';

const NS = 'budget';
const STEPS = [{ setWeight: 25 }, { pause: { duration: '1s' } }, { setWeight: 50 }, { pause: { duration: '1s' } }];

let h: Harness;
beforeAll(async () => {
  h = await openHarness(NS);
}, 60_000);
afterAll(async () => {
  await h?.close();
});

const kindOf = (r: RequestRecord): string => `${r.verb} ${r.resource}${r.subresource ? `/${r.subresource}` : ''}`;

/** The requests without the test's own image change (a get and a patch of the Rollout, through the same client). */
function withoutImageChange(requests: readonly RequestRecord[]): RequestRecord[] {
  const rest = [...requests];
  for (const own of ['get rollouts', 'patch rollouts']) {
    const index = rest.findIndex((r) => kindOf(r) === own);
    if (index >= 0) rest.splice(index, 1);
  }
  return rest;
}

describe.skipIf(onRealApiServer)('API requests per release (the benchmark\'s 4-step canary)', () => {
  it('given an image change, then it completes with at most 6 requests: 3 status writes (pause 1 started, pause 2 started, promoted), 2 ReplicaSet writes and 1 Event that names all 4 steps', async () => {
    await h.apply('web', { replicas: 1, strategy: { canary: { steps: STEPS } } });
    await h.waitFor('web', (r) => r.status?.phase === 'Healthy', 'the first revision Healthy');
    // Events and status from the first revision's passes may still be on their way: wait for quiet.
    await new Promise((r) => setTimeout(r, 3_000));
    const earlier = new Set((await h.events('web')).map((e) => e.note));
    const requests: RequestRecord[] = [];
    const stop = h.cluster.sandbox!.stats.onRequest((record) => {
      if (record.namespace === NS) requests.push(record);
    });
    const hash = await h.setImage('web', 'img:2');
    await h.waitFor('web', (r) => r.status?.phase === 'Healthy' && r.status.stableRS === hash, 'the new revision Healthy', 20_000);
    // A held-back status write would come at most 2 s later: nothing may follow.
    await new Promise((r) => setTimeout(r, 2_500));
    stop();

    const mine = withoutImageChange(requests);
    const trail = mine.map(kindOf).join(', ');
    const of = (kind: string): string[] => mine.filter((r) => kindOf(r) === kind).map(kindOf);
    expect(of('update rollouts/status'), trail).toHaveLength(3);
    expect(mine.filter((r) => r.resource === 'replicasets').map((r) => r.verb).sort(), trail).toEqual(['create', 'patch']);
    expect(of('create events'), trail).toHaveLength(1);
    expect(mine.length, trail).toBeLessThanOrEqual(6);

    const events = (await h.events('web')).filter((e) => !earlier.has(e.note));
    expect(events.map((e) => e.reason)).toEqual(['RolloutCompleted']);
    expect(events[0]?.note).toMatch(/step 1\/4 .*step 2\/4 .*step 3\/4 .*step 4\/4 /);
    const record = h.rollout('web')?.status?.history?.find((r) => r.podTemplateHash === hash);
    expect(record?.steps?.map((s) => s.index)).toEqual([0, 1, 2, 3]);
  }, 60_000);
});
