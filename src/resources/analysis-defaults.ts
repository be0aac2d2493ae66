// Metric defaults for analysis specs, applied in code like the Rollout's (see rollout-defaults.ts).
import type { AnalysisRunSpec, AnalysisTemplateSpec, Metric } from './analysis.js';

export const METRIC_DEFAULTS = {
  consecutiveErrorLimit: 4,
  failureLimit: 0,
  inconclusiveLimit: 0,
  dryRun: false,
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
