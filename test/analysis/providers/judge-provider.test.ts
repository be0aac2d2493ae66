// Specification of the judge provider's queries against a real Prometheus (history loaded by promtool): both sides
// are range queries over one window, and every value of every series they return is a sample.
// @covers spec.metrics[].provider.judge
// @covers spec.metrics[].provider.judge.prometheus
// @covers spec.metrics[].provider.judge.prometheus.address
// @covers spec.metrics[].provider.judge.lookback
// @covers spec.metrics[].provider.judge.step
// @covers spec.metrics[].provider.judge.metrics
// @covers spec.metrics[].provider.judge.metrics.baseline
// @covers spec.metrics[].provider.judge.metrics.canary
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JudgeProvider } from '../../../src/analysis/judge/judge-provider.js';
import type { JudgeMetric, Metric } from '../../../src/resources/analysis.js';
import { measureContext } from '../support/measure-context.js';
import { metricFailure } from '../support/metric-failure.js';
import { minutesAgo, openMetricsText, type SeriesHistory } from '../support/open-metrics.js';
import { startPrometheus, type PrometheusServer } from '../support/prometheus-server.js';

/** Minutes ago of every sample: from an hour ago to ten minutes ago, one a minute (51 samples a series). */
const MINUTES = Array.from({ length: 51 }, (_, index) => 60 - index);
const NOW = Date.now();

/** Latencies cycling through 100..109 by the minute; `factor` scales them (1.2: a canary 20% slower). */
const latency = (pod: string, version: string, factor: number, phase = 0): SeriesHistory => ({
  name: 'vane_judge_latency',
  labels: { pod, version },
  samples: MINUTES.map((minutes) => [minutesAgo(minutes, NOW), (100 + ((minutes + phase) % 10)) * factor]),
});

const HISTORY: SeriesHistory[] = [
  latency('a', 'baseline', 1),
  latency('b', 'baseline', 1),
  latency('c', 'slow', 1.2),
  latency('d', 'same', 1, 3),
];

const provider = new JudgeProvider();
let prometheus: PrometheusServer;

beforeAll(async () => {
  prometheus = await startPrometheus({ history: openMetricsText(HISTORY) });
});

afterAll(async () => {
  await prometheus?.stop();
});

/**
 * A judge over the last hour, one point a minute; `last_over_time(...[1m])` sees exactly the one sample of each
 * minute, so every series gives its 51 samples.
 */
function judgeMetric(extra: Partial<JudgeMetric> = {}): Metric {
  return {
    name: 'canary-judgement',
    provider: {
      judge: {
        prometheus: { address: prometheus.url },
        lookback: '1h',
        step: '1m',
        metrics: [
          {
            name: 'latency',
            direction: 'increase',
            baseline: 'last_over_time(vane_judge_latency{version="baseline"}[1m])',
            canary: 'last_over_time(vane_judge_latency{version="{{args.canary-version}}"}[1m])',
          },
        ],
        ...extra,
      },
    },
  };
}

describe('JudgeProvider: range queries against Prometheus', () => {
  it('given a canary 20% slower, then every value of every series is a sample and the latency is High: Failed', async () => {
    const value = await provider.measure(judgeMetric(), measureContext({ args: { 'canary-version': 'slow' } }));

    const result = value.result as { verdict: string; score: number; metrics: Array<Record<string, unknown>> };
    expect(result).toMatchObject({ verdict: 'Failed', score: 0 });
    // Two baseline series of 51 samples each, one canary series; residues 0..9 make the medians 104 and 104 × 1.2.
    expect(result.metrics).toEqual([
      expect.objectContaining({ name: 'latency', classification: 'High', baselineCount: 102, canaryCount: 51, baselineMedian: 104 }),
    ]);
    expect(result.metrics[0]?.['canaryMedian']).toBeCloseTo(124.8, 9);
    expect(result.metrics[0]?.['effectSize']).toBeCloseTo(1.2, 9);
    expect(JSON.parse(value.text)).toEqual(result);
  });

  it('given a canary from the same distribution, then it passes: Successful with score 100', async () => {
    const value = await provider.measure(judgeMetric(), measureContext({ args: { 'canary-version': 'same' } }));

    expect(value.result).toMatchObject({ verdict: 'Successful', score: 100, metrics: [{ classification: 'Pass', canaryCount: 51 }] });
  });

  it('given a canary query matching no series, then the metric has no data: Inconclusive', async () => {
    const value = await provider.measure(judgeMetric(), measureContext({ args: { 'canary-version': 'absent' } }));

    expect(value.result).toMatchObject({ verdict: 'Inconclusive', metrics: [{ classification: 'NoData', canaryCount: 0, baselineCount: 102 }] });
  });

  it('given a canary query Prometheus rejects, then the measurement is a BadQuery error naming the metric and side', async () => {
    const metric = judgeMetric({ metrics: [{ name: 'latency', baseline: 'vane_judge_latency', canary: 'rate(vane_judge_latency' }] });

    const failure = await metricFailure(provider.measure(metric, measureContext()));

    expect(failure.metricCode).toBe('BadQuery');
    expect(failure.message).toContain('metric "canary-judgement/latency (canary)"');
  });
});
