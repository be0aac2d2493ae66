// How many measurements of a metric an AnalysisRun keeps in status; counters keep counting past the limit.
import type { AnalysisRunSpec, Measurement } from '../resources/analysis.js';
import { metricNameMatches } from './metric-name-rules.js';

export const DEFAULT_MEASUREMENT_RETENTION = 10;

/**
 * The retention limit for `metricName`: that of the last `measurementRetention` rule whose pattern matches it, when
 * above 0; else the default of 10 (Argo docs features/analysis.md: a limit of 0 keeps the default).
 */
export function retentionLimit(spec: Pick<AnalysisRunSpec, 'measurementRetention'>, metricName: string): number {
  const last = (spec.measurementRetention ?? []).filter((rule) => metricNameMatches(rule.metricName, metricName)).at(-1);
  const limit = last?.limit;
  return limit !== undefined && Number.isInteger(limit) && limit >= 1 ? limit : DEFAULT_MEASUREMENT_RETENTION;
}

/** The newest `limit` measurements, oldest first (the order status keeps them in). */
export function retainMeasurements(measurements: readonly Measurement[], limit: number): Measurement[] {
  return measurements.slice(Math.max(0, measurements.length - limit));
}
