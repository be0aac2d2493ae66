// Issue #20, finding 1: a pause of 2^31 ms or more overflowed the requeue timer. Node's setTimeout treats a delay
// above 2,147,483,647 ms as 1 ms, so a Rollout pausing for 30 days was reconciled thousands of times a second.
// Every requeue must become a timer Node honours; a long wait is re-computed by a later pass.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { WorkQueue } from '../../src/kube/work-queue.js';
import { openHarness, type Harness } from '../reconcile/controller-harness.js';

const THIRTY_DAYS_MS = 30 * 24 * 3_600_000;
/** The longest a requeue waits: a later pass re-computes what is left of a longer wait. */
const ONE_HOUR_MS = 3_600_000;

describe('given a requeue delay beyond what a Node timer holds', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('when a key is added after 2^31 ms, then it is not handed out a moment later', async () => {
    const queue = new WorkQueue();
    const seen: string[] = [];
    const run = queue.run(1, async (key) => {
      seen.push(key);
    });
    queue.addAfter('ns/long-pause', 2 ** 31 + 1_000);
    await new Promise((r) => setTimeout(r, 100));
    queue.shutDown();
    await run;
    expect(seen).toEqual([]);
  });

  it('when keys are added after 30 days, Infinity or NaN, then the one timer that serves them is capped at the requeue maximum', () => {
    const delays: number[] = [];
    const real = globalThis.setTimeout;
    vi.spyOn(globalThis, 'setTimeout').mockImplementation(((_fn: () => void, ms?: number) => {
      delays.push(ms ?? 0);
      return real(() => undefined, 0);
    }) as typeof setTimeout);
    const queue = new WorkQueue();
    queue.addAfter('ns/a', THIRTY_DAYS_MS);
    queue.addAfter('ns/b', Number.POSITIVE_INFINITY);
    queue.addAfter('ns/c', Number.NaN);
    expect(queue.delayed).toBe(3);
    queue.shutDown();
    // Delayed keys share one timer (work-queue.ts), armed for the earliest of them: each is due in an hour.
    expect(delays).toEqual([ONE_HOUR_MS]);
  });

  it('when a shorter requeue follows a capped one, then the earlier schedule wins', () => {
    const queue = new WorkQueue();
    queue.addAfter('ns/a', THIRTY_DAYS_MS);
    queue.addAfter('ns/a', 10_000);
    expect(queue.delayed).toBe(1);
    queue.shutDown();
  });
});

describe('given a Rollout paused for 30 days on a sandbox', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await openHarness('bounds-timer');
  });

  afterAll(async () => {
    await h?.close();
  });

  it('when it rests in the pause, then the controller does not reconcile it in a loop', async () => {
    await h.apply('month', { replicas: 1, strategy: { canary: { steps: [{ setWeight: 50 }, { pause: { duration: '720h' } }] } } });
    await h.waitFor('month', (ro) => ro.status?.phase === 'Healthy', 'the first release');
    await h.setImage('month', 'img:2');
    await h.waitFor('month', (ro) => ro.status?.currentStepIndex === 1 && ro.status.pauseConditions?.[0]?.reason === 'CanaryPauseStep', 'the 30-day pause');
    // Let the writes of reaching the pause settle, then count the passes scheduled for this Rollout.
    await new Promise((r) => setTimeout(r, 300));
    const queue = h.controller.controller.rollouts.queue;
    const add = vi.spyOn(queue, 'add');
    await new Promise((r) => setTimeout(r, 2_000));
    const passes = add.mock.calls.filter(([key]) => key === 'bounds-timer/month').length;
    add.mockRestore();
    expect(passes).toBeLessThan(10);
    expect(h.rollout('month')?.status?.currentStepIndex).toBe(1);
  });
});
