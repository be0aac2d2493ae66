// How many measurements of a metric an AnalysisRun keeps in status; counters keep counting past the limit.
import type { AnalysisRunSpec, Measurement } from '../resources/analysis.js';

export const DEFAULT_MEASUREMENT_RETENTION = 10;

/** The retention limit for `metricName`: its `measurementRetention` entry, else the default of 10. */
export function retentionLimit(spec: Pick<AnalysisRunSpec, 'measurementRetention'>, metricName: string): number {
  const entry = spec.measurementRetention?.find((r) => r.metricName === metricName);
  const limit = entry?.limit;
  return limit !== undefined && Number.isInteger(limit) && limit >= 1 ? limit : DEFAULT_MEASUREMENT_RETENTION;
}

/** The newest `limit` measurements, oldest first (the order status keeps them in). */
export function retainMeasurements(measurements: readonly Measurement[], limit: number): Measurement[] {
  return measurements.slice(Math.max(0, measurements.length - limit));
}
