// Issue #20: a Prometheus answer of 150 MB must not be read whole; the provider stops at the web provider's bound.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_ANSWER_BYTES, PrometheusProvider } from '../../src/analysis/providers/prometheus-provider.js';
import type { Metric } from '../../src/resources/analysis.js';
import { MetricError } from '../../src/analysis/metric-provider.js';
import { measureContext } from '../analysis/support/measure-context.js';
import { startHugeAnswerServer, type HugeAnswerServer } from '../analysis/support/huge-answer-server.js';

const ANSWER_BYTES = 150 * 1024 * 1024;
/** What may be in flight beyond the bound: socket buffers on both sides and one chunk. */
const SLACK_BYTES = 16 * 1024 * 1024;

let server: HugeAnswerServer;

beforeAll(async () => {
  server = await startHugeAnswerServer(ANSWER_BYTES);
});

afterAll(async () => {
  await server?.stop();
});

/** The highest heap plus array-buffer use seen while `work` runs, above what was in use when it started. */
async function peakMemoryGrowth<T>(work: () => Promise<T>): Promise<{ outcome: T; growthBytes: number }> {
  const used = (): number => {
    const usage = process.memoryUsage();
    return usage.heapUsed + usage.arrayBuffers;
  };
  const baseline = used();
  let peak = baseline;
  const probe = setInterval(() => {
    peak = Math.max(peak, used());
  }, 5);
  try {
    const outcome = await work();
    peak = Math.max(peak, used());
    return { outcome, growthBytes: peak - baseline };
  } finally {
    clearInterval(probe);
  }
}

describe('PrometheusProvider: answer size', () => {
  it('given a server pretending to be Prometheus that streams a 150 MB answer, when measuring, then BadResponse naming the limit, with memory and time bounded', async () => {
    const metric: Metric = { name: 'canary-errors', provider: { prometheus: { address: server.url, query: 'up' } } };
    const started = performance.now();

    const { outcome: failure, growthBytes } = await peakMemoryGrowth(() =>
      // Not metricFailure: on the unbounded provider the "value" is a list of 1.5 million numbers, too long to print.
      new PrometheusProvider().measure(metric, measureContext()).then(
        (value) => new Error(`expected a MetricError, got a value of ${value.text.length} characters`),
        (error: unknown) => error,
      ),
    );
    await server.finished();

    expect(failure).toBeInstanceOf(MetricError);
    if (!(failure instanceof MetricError)) return;
    expect(failure.metricCode).toBe('BadResponse');
    expect(failure.message).toContain('metric "canary-errors"');
    expect(failure.message).toContain(`more than ${MAX_ANSWER_BYTES} bytes`);
    expect(server.sentBytes()).toBeLessThan(MAX_ANSWER_BYTES + SLACK_BYTES);
    expect(growthBytes).toBeLessThan(64 * 1024 * 1024);
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
