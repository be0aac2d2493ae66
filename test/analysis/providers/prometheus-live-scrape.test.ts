// Specification of the Prometheus provider on live data: a prom-client app scraped every second, its error ratio switched.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrometheusProvider } from '../../../src/analysis/providers/prometheus-provider.js';
import type { Metric } from '../../../src/resources/analysis.js';
import { startInstrumentedApp, type InstrumentedApp } from '../support/instrumented-app.js';
import { measureContext } from '../support/measure-context.js';
import { startPrometheus, type PrometheusServer } from '../support/prometheus-server.js';

const ERROR_RATIO = 'sum(rate(http_requests_total{code=~"5.."}[5s])) / sum(rate(http_requests_total[5s]))';

const provider = new PrometheusProvider();
let app: InstrumentedApp;
let prometheus: PrometheusServer;

beforeAll(async () => {
  app = await startInstrumentedApp();
  prometheus = await startPrometheus({ scrapeTargets: [app.metricsUrl] });
  await prometheus.waitForTargetsUp();
});

afterAll(async () => {
  await prometheus?.stop();
  await app?.stop();
});

const errorRatio = (): Metric => ({ name: 'error-ratio', provider: { prometheus: { address: prometheus.url, query: ERROR_RATIO } } });

/** The measured ratio, or undefined while Prometheus has too few scrapes to compute a rate. */
async function measuredRatio(): Promise<number | undefined> {
  const { result } = await provider.measure(errorRatio(), measureContext());
  return Array.isArray(result) && typeof result[0] === 'number' && !Number.isNaN(result[0]) ? result[0] : undefined;
}

describe('PrometheusProvider: a live error ratio', () => {
  it('given an app serving without errors, when its error rate becomes 0.2, then the measured ratio moves from 0 to 0.2', async () => {
    app.setErrorRate(0);
    await expect.poll(measuredRatio, { timeout: 30_000, interval: 500 }).toBe(0);

    app.setErrorRate(0.2);

    // Every fifth request fails, so once the 5s window holds only new requests the ratio is 0.2 up to scrape jitter.
    await expect.poll(async () => Math.abs(((await measuredRatio()) ?? -1) - 0.2) < 0.03, { timeout: 30_000, interval: 500 }).toBe(true);
  });
});
