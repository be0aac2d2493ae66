// The phase of one measurement: the metric's success and failure conditions applied to the measured value.
import type { Metric } from '../resources/analysis.js';
import { ConditionError, compileCondition, type CompiledCondition } from './cel-condition.js';

export interface MetricConditions {
  /** The metric's name, for messages that leave the metric's own status (a condition stopped over its budget). */
  metricName: string;
  success?: CompiledCondition;
  failure?: CompiledCondition;
}

export interface MeasurementVerdict {
  phase: 'Successful' | 'Failed' | 'Inconclusive' | 'Error';
  message?: string;
}

/** Deep enough for any Prometheus or web result; deeper structures are not searched for NaN. */
const NAN_SEARCH_DEPTH = 8;

/**
 * A judge metric's conditions when it sets neither (docs/judge.md): its verdict decides, anything other than
 * Successful or Failed being Inconclusive. Setting either condition replaces both, as on any other metric.
 */
export const JUDGE_DEFAULT_CONDITIONS = {
  successCondition: 'result.verdict == "Successful"',
  failureCondition: 'result.verdict == "Failed"',
} as const;

/** Compiles the metric's conditions; throws ConditionError naming the field when one does not compile. */
export function compileMetricConditions(metric: Metric): MetricConditions {
  const judgeDefaults = metric.provider?.judge !== undefined && metric.successCondition === undefined && metric.failureCondition === undefined;
  const { successCondition, failureCondition } = judgeDefaults ? JUDGE_DEFAULT_CONDITIONS : metric;
  return {
    metricName: metric.name,
    success: compileField(successCondition, 'successCondition'),
    failure: compileField(failureCondition, 'failureCondition'),
  };
}

function compileField(source: string | undefined, field: string): CompiledCondition | undefined {
  if (source === undefined) return undefined;
  try {
    return compileCondition(source);
  } catch (err) {
    if (!(err instanceof ConditionError)) throw err;
    throw new ConditionError(err.kind, source, `${field} does not compile: ${err.message}`, { cause: err, celCode: err.celCode });
  }
}

/**
 * Applies the conditions to `result`:
 * - failureCondition true → Failed (it wins over a true successCondition);
 * - successCondition true → Successful;
 * - successCondition false and no failureCondition → Failed; failureCondition false and no successCondition → Successful;
 * - both present and neither true → Inconclusive; no conditions at all → Successful (the value is only recorded);
 * - a condition that cannot be evaluated → Error; one stopped over its cost budget names the metric. On an empty list (a query that matched no series) the message says
 *   the query returned no data, so `result[0] < 0.01` on `[]` is an Error, never a success.
 *
 * NaN (Prometheus' 0/0, e.g. an error ratio with no traffic): every comparison with NaN is false, so `result[0] < 0.01`
 * is false. A negated comparison such as `!(result[0] >= 0.01)` would be true, so a successCondition never counts as
 * met while the result holds a NaN anywhere; conditions can still test for NaN themselves (`result[0] != result[0]`).
 */
export function judgeMeasurement(conditions: MetricConditions, result: unknown): MeasurementVerdict {
  const { success, failure, metricName } = conditions;
  const failed = evaluateField(failure, 'failureCondition', result, metricName);
  if (typeof failed === 'object') return failed;
  const succeeded = evaluateField(success, 'successCondition', result, metricName);
  if (typeof succeeded === 'object') return succeeded;
  if (failed === true) return { phase: 'Failed' };
  const nanBlocked = succeeded === true && containsNaN(result, NAN_SEARCH_DEPTH);
  if (succeeded === true && !nanBlocked) return { phase: 'Successful' };
  const note = nanBlocked ? { message: 'the result holds NaN, which never meets a successCondition' } : {};
  if (success !== undefined && failure === undefined) return { phase: 'Failed', ...note };
  if (failure !== undefined && success === undefined) return { phase: 'Successful' };
  if (success === undefined && failure === undefined) return { phase: 'Successful' };
  return { phase: 'Inconclusive', ...note };
}

/** The condition's value (undefined when absent), or the Error verdict when it cannot be evaluated. */
function evaluateField(
  condition: CompiledCondition | undefined,
  field: string,
  result: unknown,
  metricName: string,
): boolean | undefined | MeasurementVerdict {
  try {
    return condition?.evaluate(result);
  } catch (err) {
    return { phase: 'Error', message: evaluationProblem(err, result, field, metricName) };
  }
}

function evaluationProblem(err: unknown, result: unknown, field: string, metricName: string): string {
  if (err instanceof ConditionError && err.kind === 'Limit') {
    // Over its cost budget: the message may be read far from the metric (a run's message, an Event), so it names it.
    return `metric ${JSON.stringify(metricName)}: ${field} ${JSON.stringify(err.source)} could not be evaluated: ${err.message}`;
  }
  if (Array.isArray(result) && result.length === 0) {
    return `the query returned no data (an empty result), so ${field} cannot be evaluated`;
  }
  const cause = err instanceof Error ? err.message : String(err);
  const source = err instanceof ConditionError ? ` ${JSON.stringify(err.source)}` : '';
  return `${field}${source} could not be evaluated: ${cause}`;
}

/** True when `value` is NaN or a list / object holding a NaN within `depth` levels. */
export function containsNaN(value: unknown, depth: number): boolean {
  if (typeof value === 'number') return Number.isNaN(value);
  if (depth <= 0 || value === null || typeof value !== 'object') return false;
  const items = Array.isArray(value) ? value : Object.values(value);
  return items.some((item) => containsNaN(item, depth - 1));
}
