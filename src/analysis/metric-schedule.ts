// When a metric measures: an initial delay from the run's start, then one measurement per interval, `count` in all.
import { VaneError } from '../errors.js';
import type { MetricResult } from '../resources/analysis.js';
import type { ScheduledMetric } from './metric-arguments.js';
import { parseDuration } from '../resources/duration.js';

/** After an Error measurement of a metric without an interval, the next attempt waits this long. */
export const ERROR_RETRY_MS = 10_000;

export interface MetricSchedule {
  initialDelayMs: number;
  /** Undefined for a metric measured once. */
  intervalMs: number | undefined;
  /**
   * Measurements with a verdict (successful, failed or inconclusive) the metric needs; undefined: until the run is
   * terminated. Error measurements do not count toward it: they are retried, bounded by consecutiveErrorLimit.
   */
  count: number | undefined;
}

/** The metric's schedule; throws VaneError('InvalidSpec') naming the field when a duration or count is unusable. */
export function metricSchedule(metric: ScheduledMetric): MetricSchedule {
  const intervalMs = metric.interval === undefined ? undefined : durationField(metric.interval, 'interval');
  if (intervalMs !== undefined && intervalMs <= 0) throw new VaneError('InvalidSpec', 'interval must be greater than zero');
  const initialDelayMs = metric.initialDelay === undefined ? 0 : durationField(metric.initialDelay, 'initialDelay');
  const count = metric.count ?? (intervalMs === undefined ? 1 : undefined);
  if (!Number.isInteger(count ?? 1) || (count ?? 1) < 1) {
    throw new VaneError('InvalidSpec', `count must be a positive integer, got ${String(metric.count)}`);
  }
  if (count !== undefined && count > 1 && intervalMs === undefined) {
    throw new VaneError('InvalidSpec', 'interval is required when count is greater than 1');
  }
  return { initialDelayMs, intervalMs, count };
}

function durationField(value: number | string, field: string): number {
  try {
    return parseDuration(value);
  } catch (err) {
    throw new VaneError('InvalidSpec', `${field}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

/** Measurements that produced a verdict, the ones `count` is about. */
export function verdictCount(result: MetricResult): number {
  return result.successful + result.failed + result.inconclusive;
}

/** True when the metric has all the measurements its schedule asks for. */
export function scheduleComplete(schedule: MetricSchedule, result: MetricResult): boolean {
  return schedule.count !== undefined && verdictCount(result) >= schedule.count;
}

/**
 * When the next measurement is due (epoch ms): the run's start plus the initial delay for the first one, then the
 * last measurement's end plus the interval (a query ends as it starts; a Job when it finishes, as Argo counts it).
 * Measurements missed while the controller was away are not caught up: one measurement is taken and the next is an
 * interval after it.
 */
export function nextMeasurementAt(schedule: MetricSchedule, result: MetricResult, runStartedAtMs: number): number {
  const last = result.measurements.at(-1);
  if (result.count === 0 || last === undefined) return runStartedAtMs + schedule.initialDelayMs;
  const lastAt = Date.parse(last.finishedAt ?? last.startedAt);
  // An unreadable timestamp (edited status) makes the metric due now; the new measurement brings a good one.
  if (!Number.isFinite(lastAt)) return Number.NEGATIVE_INFINITY;
  const wait = last.phase === 'Error' ? (schedule.intervalMs ?? ERROR_RETRY_MS) : (schedule.intervalMs ?? 0);
  return lastAt + wait;
}
