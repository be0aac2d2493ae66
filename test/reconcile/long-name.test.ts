// Specification: a Rollout whose name is longer than a label value may be (up to the 253 characters a name may
// have) walks an analysis step to Healthy; every name and label value derived from it stays valid.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labelValueFor } from '../../src/kube/bounded-name.js';
import { Kinds } from '../../src/kube/resource-kind.js';
import { startStubHttpServer, type StubHttpServer } from '../analysis/support/stub-http-server.js';
import { hashOfImage, openHarness, passingWebTemplate, template, type Harness } from './controller-harness.js';

const NS = 'long-names';
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

let h: Harness;
let metrics: StubHttpServer;

beforeAll(async () => {
  metrics = await startStubHttpServer(() => ({ status: 200, body: { errorRate: 0 } }));
  h = await openHarness(NS);
  const passing = passingWebTemplate(NS, `${metrics.url}/stats`);
  await h.controller.client.create(Kinds.AnalysisTemplate, passing);
});

afterAll(async () => {
  await h?.close();
  await metrics?.stop();
});

describe('a Rollout with a long name', () => {
  it.each([70, 253])('given a %i-character name, when the image changes, then it passes its analysis step and is Healthy on the new revision', async (length) => {
    const name = `checkout-${length}-`.padEnd(length, 'x');
    expect(name).toHaveLength(length);
    await h.apply(name, {
      replicas: 2,
      selector: { matchLabels: { app: `long-${length}` } },
      template: template('img:1', `long-${length}`),
      strategy: { canary: { steps: [{ setWeight: 50 }, { analysis: { templates: [{ templateName: 'passing' }] } }] } },
    });
    await h.waitFor(name, (ro) => ro.status?.phase === 'Healthy', 'the first release Healthy');
    await h.controller.client.patch(Kinds.Rollout, NS, name, { spec: { template: template('img:2', `long-${length}`) } }, 'merge');
    const next = hashOfImage('img:2', `long-${length}`);
    const done = await h.waitFor(name, (ro) => ro.status?.phase === 'Healthy' && ro.status.stableRS === next, 'Healthy on img:2', 30_000);

    const runs = h.controller.informers.analysisRuns.list(NS).filter((run) => run.metadata.ownerReferences?.some((ref) => ref.uid === done.metadata.uid));
    expect(runs).toHaveLength(1);
    const [run] = runs;
    expect(run?.status?.phase).toBe('Successful');
    expect(run?.metadata.name?.length).toBeLessThanOrEqual(253);
    const label = run?.metadata.labels?.['vane.dev/rollout'] ?? '';
    expect(label).toBe(labelValueFor(name));
    expect(label.length).toBeLessThanOrEqual(63);
    expect(label).toMatch(LABEL_VALUE);
    for (const rs of h.replicaSets(name)) expect(rs.metadata.name?.length).toBeLessThanOrEqual(253);
    // Its Events are named within the limit too (a name of `<rollout>.<key hash>` would not be).
    await expect.poll(async () => (await h.events(name)).map((e) => e.reason), { timeout: 5_000 }).toContain('RolloutCompleted');
    // Selecting by the label finds the run, on the server as in the cache.
    const { items } = await h.controller.client.list(Kinds.AnalysisRun, NS, { labelSelector: `vane.dev/rollout=${labelValueFor(name)}` });
    expect(items.map((r) => r.metadata.name)).toEqual([run?.metadata.name]);
  });
});
