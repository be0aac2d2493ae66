// A metric's phase from its counters: failure, inconclusive and consecutive-error limits, and completion.
import type { AnalysisPhase, Measurement, MetricResult } from '../resources/analysis.js';
import type { ScheduledMetric } from './metric-arguments.js';

export const DEFAULT_FAILURE_LIMIT = 0;
export const DEFAULT_INCONCLUSIVE_LIMIT = 0;
export const DEFAULT_CONSECUTIVE_ERROR_LIMIT = 4;

export interface MetricAssessment {
  phase: AnalysisPhase;
  message?: string;
}

/**
 * Failed when failed > failureLimit (a failureLimit of -1 disables it), Error when consecutiveError >
 * consecutiveErrorLimit, Inconclusive when inconclusive > inconclusiveLimit. Then (Argo docs features/analysis.md
 * "ConsecutiveSuccessLimit and FailureLimit") Successful once consecutiveSuccess reaches a consecutiveSuccessLimit
 * above 0. Once `complete` (count reached): with a consecutiveSuccessLimit not reached, Inconclusive when the failure
 * limit applies and Failed when it is disabled; otherwise Successful. Running after a first measurement, Pending
 * before. The message of a terminal phase says how many measurements, which limit and the last outcome.
 */
export function assessMetric(metric: ScheduledMetric, result: MetricResult, complete: boolean): MetricAssessment {
  const failureLimit = metric.failureLimit ?? DEFAULT_FAILURE_LIMIT;
  const inconclusiveLimit = metric.inconclusiveLimit ?? DEFAULT_INCONCLUSIVE_LIMIT;
  const errorLimit = metric.consecutiveErrorLimit ?? DEFAULT_CONSECUTIVE_ERROR_LIMIT;
  const successLimit = metric.consecutiveSuccessLimit ?? 0;
  const last = lastOutcome(result.measurements.at(-1));
  if (failureLimit >= 0 && result.failed > failureLimit) {
    return { phase: 'Failed', message: `${result.failed} of ${result.count} measurements failed (failureLimit ${failureLimit}); ${last}` };
  }
  if (result.consecutiveError > errorLimit) {
    return {
      phase: 'Error',
      message: `${result.consecutiveError} consecutive measurement errors (consecutiveErrorLimit ${errorLimit}); ${last}`,
    };
  }
  if (result.inconclusive > inconclusiveLimit) {
    return {
      phase: 'Inconclusive',
      message: `${result.inconclusive} of ${result.count} measurements inconclusive (inconclusiveLimit ${inconclusiveLimit}); ${last}`,
    };
  }
  const streak = result.consecutiveSuccess ?? 0;
  if (successLimit > 0 && streak >= successLimit) {
    return { phase: 'Successful', message: `${streak} consecutive successful measurements (consecutiveSuccessLimit ${successLimit}); ${tally(result)}` };
  }
  if (complete && successLimit > 0) {
    const missed = `count reached with ${streak} consecutive successful measurements (consecutiveSuccessLimit ${successLimit}); ${last}`;
    return failureLimit >= 0 ? { phase: 'Inconclusive', message: missed } : { phase: 'Failed', message: missed };
  }
  if (complete) return { phase: 'Successful', message: tally(result) };
  return { phase: result.count === 0 ? 'Pending' : 'Running' };
}

/** `5 measurements: 4 successful, 1 failed, 0 inconclusive, 0 errors`. */
export function tally(result: MetricResult): string {
  const plural = result.count === 1 ? '' : 's';
  return (
    `${result.count} measurement${plural}: ${result.successful} successful, ${result.failed} failed, ` +
    `${result.inconclusive} inconclusive, ${result.error} errors`
  );
}

function lastOutcome(measurement: Measurement | undefined): string {
  if (measurement === undefined) return 'no measurement kept';
  if (measurement.phase === 'Error') return `last error: ${measurement.message ?? 'unknown'}`;
  const value = `last value ${measurement.value ?? '(none)'}`;
  return measurement.message === undefined ? value : `${value} (${measurement.message})`;
}
