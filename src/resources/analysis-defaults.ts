// Metric defaults for analysis specs, applied in code like the Rollout's (see rollout-defaults.ts).
import type { AnalysisRunSpec, AnalysisTemplateSpec, Metric } from './analysis.js';

export const METRIC_DEFAULTS = {
  consecutiveErrorLimit: 4,
  failureLimit: 0,
  inconclusiveLimit: 0,
  dryRun: false,
} as const;

/** The judge provider's defaults (docs/judge.md), applied where the judge reads its spec (analysis/judge/). */
export const JUDGE_DEFAULTS = {
  lookback: '10m',
  step: '15s',
  marginal: 75,
  pass: 95,
  confidence: 0.95,
  group: 'default',
  groupWeight: 1,
  direction: 'either',
  tolerance: 0.1,
  effectSize: 'ratio',
  critical: false,
  minSamples: 10,
  outliers: 'keep',
  nanStrategy: 'remove',
} as const;

/** A copy of `metric` with its limits and dryRun filled in; fields already set are kept. */
export function withMetricDefaults(metric: Metric): Metric {
  return {
    ...structuredClone(metric),
    failureLimit: metric.failureLimit ?? METRIC_DEFAULTS.failureLimit,
    inconclusiveLimit: metric.inconclusiveLimit ?? METRIC_DEFAULTS.inconclusiveLimit,
    consecutiveErrorLimit: metric.consecutiveErrorLimit ?? METRIC_DEFAULTS.consecutiveErrorLimit,
    dryRun: metric.dryRun ?? METRIC_DEFAULTS.dryRun,
  };
}

/** A copy of a template or run spec with every metric defaulted. */
export function withAnalysisDefaults<S extends AnalysisTemplateSpec | AnalysisRunSpec>(spec: S): S {
  return { ...structuredClone(spec), metrics: spec.metrics.map(withMetricDefaults) };
}
