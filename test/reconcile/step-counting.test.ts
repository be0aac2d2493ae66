// Specification: one way to count steps. A canary driven by the controller to a step is that step, counted from 1,
// in its status message, its Events, `vane list`, `vane status` and `vane get rollout`; only the machine-readable
// `status.currentStepIndex` (and the `gate` of a step's AnalysisRun) stay zero-based, as in Argo Rollouts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderRolloutTable, renderRolloutTree } from '../../src/cli/rollout-tree.js';
import { statusLine } from '../../src/cli/rollout-status.js';
import { Kinds } from '../../src/kube/resource-kind.js';
import type { EventObject } from '../../src/server/rollout-read-model.js';
import { describeRollout, summarizeRollout } from '../../src/server/rollout-view.js';
import { startStubHttpServer, type StubHttpServer } from '../analysis/support/stub-http-server.js';
import { openHarness, passingWebTemplate, type Harness, type RolloutObject } from './controller-harness.js';

const NS = 'steps';
let h: Harness;
let metrics: StubHttpServer;

beforeAll(async () => {
  metrics = await startStubHttpServer(() => ({ status: 200, body: { errorRate: 0 } }));
  h = await openHarness(NS);
  const passing = passingWebTemplate(NS, `${metrics.url}/stats`);
  await h.controller.client.create(Kinds.AnalysisTemplate, passing);
  // One measurement at once, the next a minute later: the run stays Running while the test looks at it.
  const slow = { ...passing, metadata: { name: 'slow', namespace: NS }, spec: { metrics: [{ ...passing.spec.metrics[0]!, count: 2, interval: '60s' }] } };
  await h.controller.client.create(Kinds.AnalysisTemplate, slow);
}, 60_000);

afterAll(async () => {
  await h?.close();
  await metrics?.stop();
});

/** What `vane get rollout` prints for `ro`, from the objects the controller's informers hold. */
async function tree(ro: RolloutObject): Promise<string> {
  const { items } = await h.controller.client.list<EventObject>(Kinds.Event, NS);
  const events = items.filter((e) => e.regarding?.name === ro.metadata.name);
  const analysisRuns = h.controller.informers.analysisRuns.list(NS).filter((run) => run.metadata.ownerReferences?.some((ref) => ref.uid === ro.metadata.uid));
  return renderRolloutTree(describeRollout(ro, { replicaSets: h.replicaSets(ro.metadata.name ?? ''), analysisRuns, events }));
}

describe('counting steps', () => {
  it('given a canary the controller paused at index 3 of 5 steps, then status, Event, list, status line and tree all say step 4/5', async () => {
    await h.apply('web', { strategy: { canary: { steps: [{ setWeight: 20 }, { pause: {} }, { setWeight: 40 }, { pause: {} }, { setWeight: 60 }] } } });
    await h.waitFor('web', (ro) => ro.status?.phase === 'Healthy', 'the first release Healthy');
    await h.setImage('web', 'img:2');
    await h.waitFor('web', (ro) => ro.status?.phase === 'Paused' && ro.status.currentStepIndex === 1, 'the first pause');
    await h.command('web', 'promote');
    const paused = await h.waitFor('web', (ro) => ro.status?.phase === 'Paused' && ro.status.currentStepIndex === 3, 'the second pause');

    expect(paused.status?.currentStepIndex).toBe(3);
    expect(paused.status?.message).toMatch(/^step 4\/5: paused until promoted/);
    // A list of Events comes in the server's order (by name), not in the order they happened.
    // A pass that crossed a step before pausing names it after the pause (pass-events.ts): the pause comes first.
    await expect.poll(async () => (await h.events('web')).filter((e) => e.reason === 'RolloutPaused').map((e) => e.note.split('; ')[0]).sort(), { timeout: 5_000 }).toEqual([
      'paused at step 2/5: waiting for promote or resume',
      'paused at step 4/5: waiting for promote or resume',
    ]);
    const row = renderRolloutTable([summarizeRollout(paused)], false).split('\n')[1];
    expect(row).toMatch(/^web\s+canary\s+Paused\s+4\/5\s+40\s+/);
    expect(statusLine(summarizeRollout(paused))).toContain('Paused step 4/5 canary 40%');
    const text = await tree(paused);
    expect(text).toContain('├── ▶ step 4/5: pause (until promoted)   ◀ current\n');
    expect(text).toContain('├── ✔ step 3/5: setWeight 40%\n');
    expect(text).toContain('Phase:      Paused — step 4/5: paused until promoted');
  });

  it('given an analysis gate at index 1, then its AnalysisRun name, the message and the tree all call it step 2, and status keeps gate "1"', async () => {
    await h.apply('gated', { strategy: { canary: { steps: [{ setWeight: 50 }, { analysis: { templates: [{ templateName: 'slow' }] } }, { pause: {} }] } } });
    await h.waitFor('gated', (ro) => ro.status?.phase === 'Healthy', 'the first release Healthy');
    await h.setImage('gated', 'img:2');
    const analyzing = await h.waitFor('gated', (ro) => ro.status?.currentStepIndex === 1 && (ro.status.analysisRuns?.length ?? 0) > 0, 'the gate to start its run', 30_000);

    expect(analyzing.status?.analysisRuns?.map((r) => r.gate)).toEqual(['1']);
    const name = analyzing.status?.analysisRuns?.[0]?.name ?? '';
    expect(name).toMatch(/-step-2-1$/);
    expect(analyzing.status?.message).toMatch(/^step 2\/3: waiting for analysis of /);
    await expect.poll(() => h.controller.informers.analysisRuns.get(`${NS}/${name}`)?.metadata.labels?.['vane.dev/gate'], { timeout: 5_000 }).toBe('1');
    const text = await tree(analyzing);
    expect(text).toContain(`${name}  `);
    expect(text).toContain('  (step 2 analysis)');
    expect(text).toContain('├── ▶ step 2/3: analysis slow   ◀ current\n');
  });
});
