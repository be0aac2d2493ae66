// Specification: an AnalysisRun measuring a live app through a real Prometheus fails within two intervals of the
// app's error rate going from 0% to 20%.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { Kinds } from '../../src/kube/resource-kind.js';
import type { AnalysisRun } from '../../src/resources/analysis.js';
import { startInstrumentedApp, type InstrumentedApp } from '../analysis/support/instrumented-app.js';
import { startPrometheus, type PrometheusServer } from '../analysis/support/prometheus-server.js';
import { openHarness, type Harness } from './controller-harness.js';

const NS = 'live';
const INTERVAL_MS = 2_000;
// irate: the ratio over the last two scrapes (1s apart), so one scrape after the switch already shows it.
const ERROR_RATIO = 'sum(irate(http_requests_total{code=~"5.."}[5s])) / sum(irate(http_requests_total[5s]))';

let h: Harness;
let app: InstrumentedApp;
let prometheus: PrometheusServer;

beforeAll(async () => {
  app = await startInstrumentedApp();
  prometheus = await startPrometheus({ scrapeTargets: [app.metricsUrl] });
  await prometheus.waitForTargetsUp();
  h = await openHarness(NS);
}, 60_000);

afterAll(async () => {
  await h?.close();
  await prometheus?.stop();
  await app?.stop();
});

async function run(name: string): Promise<(AnalysisRun & KubeObject) | undefined> {
  return h.controller.client.get<AnalysisRun & KubeObject>(Kinds.AnalysisRun, NS, name);
}

async function waitForRun(name: string, done: (r: AnalysisRun) => boolean, what: string, timeoutMs = 60_000): Promise<AnalysisRun> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const current = await run(name);
    if (current && done(current)) return current;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(current?.status)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('a live error-rate switch', () => {
  it('given a run measuring every 2s, when the error rate goes from 0% to 20%, then the run fails within two measurements of the switch', async () => {
    await h.controller.client.create<AnalysisRun & KubeObject>(Kinds.AnalysisRun, {
      apiVersion: 'vane.dev/v1alpha1',
      kind: 'AnalysisRun',
      metadata: { name: 'live', namespace: NS },
      spec: {
        metrics: [
          {
            name: 'error-ratio',
            interval: `${INTERVAL_MS / 1000}s`,
            count: 60,
            failureCondition: 'result[0] > 0.05',
            provider: { prometheus: { address: prometheus.url, query: ERROR_RATIO } },
          },
        ],
      },
    });
    // Healthy first: two successful measurements at 0% errors.
    await waitForRun('live', (r) => (r.status?.metricResults?.[0]?.successful ?? 0) >= 2, 'two successful measurements');
    const switchedAt = Date.now();
    app.setErrorRate(0.2);

    const failed = await waitForRun('live', (r) => r.status?.phase === 'Failed', 'the run to fail');
    const measurements = failed.status?.metricResults?.[0]?.measurements ?? [];
    const afterSwitch = measurements.filter((m) => Date.parse(m.startedAt) >= switchedAt);
    expect(afterSwitch.length).toBeGreaterThanOrEqual(1);
    expect(afterSwitch.length).toBeLessThanOrEqual(2);
    expect(afterSwitch.at(-1)?.phase).toBe('Failed');
    expect(Number(JSON.parse(afterSwitch.at(-1)?.value ?? '[0]')[0])).toBeGreaterThan(0.05);
    // Before the switch nothing failed (the very first measurement may find no data yet: an Error, retried).
    const before = measurements.filter((m) => Date.parse(m.startedAt) < switchedAt).map((m) => m.phase);
    expect(before.filter((phase) => phase === 'Failed')).toEqual([]);
    expect(before.filter((phase) => phase === 'Successful').length).toBeGreaterThanOrEqual(2);
    expect(failed.status?.message).toContain('error-ratio');
  }, 90_000);
});
