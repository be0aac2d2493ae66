// Specification: every release a controller drives leaves a record in status.history that says what happened to it
// (attempt, steps, verdict and who gave it, the failing metric, traffic back on stable, restored), with Events.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kinds } from '../../src/kube/resource-kind.js';
import type { RevisionRecord } from '../../src/resources/rollout.js';
import { startStubHttpServer, type StubHttpServer } from '../analysis/support/stub-http-server.js';
import { hashOfImage, openHarness, passingWebTemplate, type Harness, type RolloutObject } from './controller-harness.js';

const NS = 'records';
let h: Harness;
let metrics: StubHttpServer;

beforeAll(async () => {
  // The failing endpoint answers an error rate of 0.42: the metric's last value the verdict must name.
  metrics = await startStubHttpServer((request) => ({ status: 200, body: { errorRate: request.url.startsWith('/bad') ? 0.42 : 0 } }));
  h = await openHarness(NS);
  await h.controller.client.create(Kinds.AnalysisTemplate, passingWebTemplate(NS, `${metrics.url}/bad`, 'failing'));
}, 60_000);

afterAll(async () => {
  await h?.close();
  await metrics?.stop();
});

function recordOf(ro: RolloutObject, hash: string): RevisionRecord | undefined {
  return ro.status?.history?.findLast((r) => r.podTemplateHash === hash);
}

/** A Rollout released at img:1, then given img:2: resolves with the hash of img:2. */
async function release(name: string, spec: Parameters<Harness['apply']>[1], services: string[] = []): Promise<string> {
  await h.apply(name, { template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: 'img:1' }] } }, ...spec }, services);
  await h.waitFor(name, (ro) => ro.status?.phase === 'Healthy', `${name}: the first release Healthy`);
  return h.setImage(name, 'img:2');
}

describe('release records', () => {
  it('given a canary whose steps complete, then its record has attempt 1, each step, and a StepsCompleted verdict by the controller', async () => {
    const hash = await release('ok', { strategy: { canary: { steps: [{ setWeight: 50 }, { setWeight: 75 }] } } });
    const done = await h.waitFor('ok', (ro) => ro.status?.phase === 'Healthy' && ro.status.stableRS === hash && recordOf(ro, hash)?.outcome === 'Promoted', 'the promotion');
    const record = recordOf(done, hash);
    expect(record).toMatchObject({ attempt: 1, outcome: 'Promoted', verdict: { by: 'controller', reason: 'StepsCompleted' } });
    expect(record?.steps?.map((s) => s.index)).toEqual([0, 1]);
    expect(Date.parse(record?.verdict?.at ?? '')).toBeGreaterThanOrEqual(Date.parse(record?.steps?.[1]?.at ?? ''));
    // The release's one Event, its outcome, names when it started and every step (pass-events.ts, ADR 0019).
    const events = await h.eventsWith('ok', ['RolloutCompleted']);
    expect(events.map((e) => e.reason)).toEqual(['RolloutCompleted']);
    expect(events[0]?.note).toContain(`attempt 1 started ${record?.startedAt}`);
    expect(events[0]?.note).toMatch(/: step 1\/2 \d+s, step 2\/2 \d+s$/);
  });

  it('given a canary whose analysis fails, then its verdict names the metric and its value, traffic back on stable is recorded, and restoredAt once the spec is back on stable', async () => {
    const hash = await release('bad', { strategy: { canary: { steps: [{ setWeight: 50 }, { analysis: { templates: [{ templateName: 'failing' }] } }] } } });
    const aborted = await h.waitFor('bad', (ro) => recordOf(ro, hash)?.outcome === 'Aborted', 'the abort', 30_000);
    const record = recordOf(aborted, hash);
    expect(record?.verdict).toMatchObject({ by: 'controller', reason: 'AnalysisFailed', metric: { name: 'error-rate', value: expect.stringMatching(/0\.42/) } });
    expect(record?.verdict?.metric?.analysisRun).toMatch(/^bad-/);
    expect(record?.trafficResetAt).toBe(record?.verdict?.at);
    expect(record?.restoredAt).toBeUndefined();

    await h.setImage('bad', 'img:1');
    const healthy = await h.waitFor('bad', (ro) => ro.status?.phase === 'Healthy' && recordOf(ro, hash)?.restoredAt !== undefined, 'Healthy on stable again');
    const restored = recordOf(healthy, hash);
    expect(Date.parse(restored?.restoredAt ?? '')).toBeGreaterThanOrEqual(Date.parse(restored?.verdict?.at ?? ''));
    expect(healthy.status?.stableRS).toBe(hashOfImage('img:1', 'bad'));
    const events = await h.eventsWith('bad', ['TrafficBackOnStable', 'RolloutRestored']);
    expect(events.find((e) => e.reason === 'RolloutRestored')?.note).toMatch(new RegExp(`Healthy again on stable .* at ${restored?.restoredAt ?? ''}, \\d+s after ${hash} was aborted \\(AnalysisFailed\\)`));
  });

  it('given a person aborts a paused canary, then the verdict is UserAbort by that person and the pause is recorded', async () => {
    const hash = await release('stop', { strategy: { canary: { steps: [{ setWeight: 50 }, { pause: {} }] } } });
    await h.waitFor('stop', (ro) => ro.status?.phase === 'Paused', 'the pause');
    await h.command('stop', 'abort');
    const aborted = await h.waitFor('stop', (ro) => recordOf(ro, hash)?.outcome === 'Aborted', 'the abort');
    const record = recordOf(aborted, hash);
    expect(record?.verdict).toMatchObject({ by: 'tester', reason: 'UserAbort', message: 'aborted by tester' });
    expect(record?.pauses).toEqual([expect.objectContaining({ reason: 'CanaryPauseStep', step: 1 })]);
  });

  it('given a blue-green release that promotes itself, then it gets a verdict too', async () => {
    const hash = await release('bg', { strategy: { blueGreen: { activeService: 'bg-active', autoPromotionEnabled: true } } }, ['bg-active']);
    const done = await h.waitFor('bg', (ro) => ro.status?.phase === 'Healthy' && recordOf(ro, hash)?.outcome === 'Promoted', 'the promotion');
    expect(recordOf(done, hash)).toMatchObject({ attempt: 1, verdict: { by: 'controller', reason: 'AutoPromotion' } });
  });
});
