// Specification: a controller whose Rollouts are all at rest does nothing: no pass, no key waiting, no wake-up
// scheduled (no timer per Rollout), no write. Idle CPU at N=10,000 (#19) depends on it: any per-Rollout timer or
// periodic pass would cost in proportion to N.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ControllerRunner } from '../../src/kube/controller-runner.js';
import { openHarness, type Harness } from './controller-harness.js';

const ROLLOUTS = 8;
let h: Harness;

beforeAll(async () => {
  h = await openHarness('at-rest');
});

afterAll(async () => {
  await h?.close();
});

/** Every queue of the controller: keys waiting and keys scheduled for later. */
function queued(): { waiting: number; scheduled: number } {
  const { rollouts, analysisRuns, experiments, gitRollbacks, releaseSources } = h.controller.controller;
  const runners = [rollouts, analysisRuns, experiments, gitRollbacks, releaseSources].filter((r): r is ControllerRunner => r !== undefined);
  return { waiting: runners.reduce((s, r) => s + r.queue.depth, 0), scheduled: runners.reduce((s, r) => s + r.queue.delayed, 0) };
}

function versions(): string[] {
  return Array.from({ length: ROLLOUTS }, (_, i) => h.rollout(`r${i}`)?.metadata.resourceVersion ?? '');
}

describe('a controller at rest', () => {
  it(`given ${ROLLOUTS} Rollouts at rest, some of them after a release, then no key is queued or scheduled and nothing is written for 3 s`, async () => {
    const steps = [{ setWeight: 50 }, { pause: { duration: '1s' } }];
    for (let i = 0; i < ROLLOUTS; i++) await h.apply(`r${i}`, { replicas: 2, strategy: { canary: { steps } } });
    for (let i = 0; i < ROLLOUTS; i++) await h.waitFor(`r${i}`, (ro) => ro.status?.phase === 'Healthy', `r${i} Healthy`);
    for (const name of ['r0', 'r1']) {
      const released = await h.setImage(name, 'img:2');
      await h.waitFor(name, (ro) => ro.status?.phase === 'Healthy' && ro.status.stableRS === released, `${name} released`);
    }

    // Held-back counts-only writes and the last passes finish within seconds; after that nothing may stay scheduled.
    const deadline = Date.now() + 15_000;
    while (queued().waiting + queued().scheduled > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(queued()).toEqual({ waiting: 0, scheduled: 0 });

    const before = versions();
    for (let t = 0; t < 30; t++) {
      await new Promise((r) => setTimeout(r, 100));
      expect(queued()).toEqual({ waiting: 0, scheduled: 0 });
    }
    expect(versions()).toEqual(before);
  }, 90_000);
});
