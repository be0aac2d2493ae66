// Specification of a judge measurement in a run: its verdict decides without conditions, and its JSON reasoning is
// kept whole in status, however long, where other values are cut.
import { describe, expect, it } from 'vitest';
import { MAX_MEASUREMENT_TEXT, measureAnalysisRun } from '../../../src/analysis/analysis-run-lifecycle.js';
import type { MeasuredValue, MetricProvider } from '../../../src/analysis/metric-provider.js';
import type { Metric } from '../../../src/resources/analysis.js';
import { analysisRun, at, secretsFrom } from './fixtures/scripted-analysis.js';

/** A judge provider answering one judgement of `metrics` metrics, all Pass when Successful and High otherwise. */
function answering(verdict: string, metrics: number): MetricProvider {
  const result = {
    verdict,
    score: verdict === 'Successful' ? 100 : 0,
    message: '',
    metrics: Array.from({ length: metrics }, (_, i) => ({ name: `metric-${i}`, group: 'default', classification: verdict === 'Successful' ? 'Pass' : 'High' })),
  };
  const measured: MeasuredValue = { result, text: JSON.stringify(result), whole: true };
  return { type: 'judge', measure: () => Promise.resolve(measured) };
}

const judgeMetric: Metric = {
  name: 'canary-judgement',
  provider: { judge: { prometheus: { address: 'http://prometheus:9090' }, metrics: [{ name: 'latency', baseline: 'a', canary: 'b' }] } },
};

async function measuredOnce(provider: MetricProvider): Promise<{ phase: string; value: string }> {
  const step = await measureAnalysisRun(analysisRun([judgeMetric]), { now: at(0), providerFor: () => provider, secrets: secretsFrom({}) });
  const measurement = step.status.metricResults?.[0]?.measurements[0];
  return { phase: measurement?.phase ?? '', value: measurement?.value ?? '' };
}

describe('a judge measurement in a run', () => {
  it.each([
    ['Successful', 'Successful'],
    ['Failed', 'Failed'],
    ['Inconclusive', 'Inconclusive'],
  ])('given the judgement %s and no conditions, then the measurement is %s', async (verdict, phase) => {
    expect((await measuredOnce(answering(verdict, 1))).phase).toBe(phase);
  });

  it('given a judgement of 30 metrics, longer than values are cut to, then its JSON is kept whole and parses', async () => {
    const { value } = await measuredOnce(answering('Failed', 30));
    expect(value.length).toBeGreaterThan(MAX_MEASUREMENT_TEXT);
    expect((JSON.parse(value) as { metrics: unknown[] }).metrics).toHaveLength(30);
  });
});
