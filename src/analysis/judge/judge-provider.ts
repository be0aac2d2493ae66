// The judge MetricProvider: baseline and canary range-queried from Prometheus over one window, then judged.
import type { JudgeMetric, Metric } from '../../resources/analysis.js';
import { parseDuration } from '../../resources/duration.js';
import { substituteArgs } from '../arg-substitution.js';
import { MetricError, type MeasureContext, type MeasuredValue, type MetricProvider } from '../metric-provider.js';
import { positiveDurationMs } from '../providers/request-settings.js';
import { queryRangeSeries, resolvePrometheusConnection, type PrometheusConnection, type RangeWindow } from '../providers/prometheus-provider.js';
import { JUDGE_DEFAULTS, judgementRules, type Judgement, type MetricSamples } from './canary-judgement.js';
import { judgeInSlices } from './sliced-judgement.js';

/** What conditions see as `result`, and (as JSON) the measurement's value: the verdict with its reasoning. */
export type JudgementResult = Pick<Judgement, 'verdict' | 'score' | 'message' | 'metrics'>;

export class JudgeProvider implements MetricProvider {
  readonly type = 'judge' as const;

  async measure(metric: Metric, context: MeasureContext): Promise<MeasuredValue> {
    const spec = metric.provider.judge;
    if (!spec) throw new MetricError('BadQuery', `metric "${metric.name}" has no provider.judge`);
    const connection = await resolvePrometheusConnection(metric.name, spec.prometheus, context);
    const samples = await querySamples(connection, spec, judgeWindow(metric.name, spec), context);
    const judgement = await judgeInSlices(judgementRules(spec), samples);
    const result: JudgementResult = { verdict: judgement.verdict, score: judgement.score, message: judgement.message, metrics: judgement.metrics };
    // Not cut like other values: it is JSON a reader parses, and the judge's 50-metric bound keeps it small.
    return { result, text: JSON.stringify(result), whole: true };
  }
}

/** One window ending now for every query, so baseline and canary are compared over the same time. */
function judgeWindow(metricName: string, spec: JudgeMetric): RangeWindow {
  return {
    lookbackMs: positiveDurationMs(metricName, 'judge lookback', spec.lookback, parseDuration(JUDGE_DEFAULTS.lookback)),
    stepMs: positiveDurationMs(metricName, 'judge step', spec.step, parseDuration(JUDGE_DEFAULTS.step)),
    endMs: Date.now(),
  };
}

/**
 * Every value of every series each side's query returns. The queries run one after another: a judgement is taken
 * minutes apart, and a failing query then leaves no other request of the measurement in flight.
 */
async function querySamples(connection: PrometheusConnection, spec: JudgeMetric, window: RangeWindow, context: MeasureContext): Promise<MetricSamples[]> {
  const side = async (metricName: string, promql: string, name: string): Promise<number[]> => {
    const named = { ...connection, metricName: `${connection.metricName}/${metricName} (${name})` };
    const series = await queryRangeSeries(named, substituteArgs(promql, context.args), window, context.signal);
    return series.flat();
  };
  const samples: MetricSamples[] = [];
  for (const query of spec.metrics) {
    const baseline = await side(query.name, query.baseline, 'baseline');
    const canary = await side(query.name, query.canary, 'canary');
    samples.push({ baseline, canary });
  }
  return samples;
}
