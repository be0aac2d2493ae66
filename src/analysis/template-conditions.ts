// Compile-checks every success and failure condition of a template or run, so bad CEL is reported before measuring.
import type { Metric } from '../resources/analysis.js';
import { ConditionError, compileCondition } from './cel-condition.js';

export type ConditionField = 'successCondition' | 'failureCondition';

export const CONDITION_FIELDS: readonly ConditionField[] = ['successCondition', 'failureCondition'];

/**
 * One message per condition that does not compile, e.g.
 * `AnalysisTemplate default/error-rate metric "errors": successCondition does not compile: Unexpected token: EOF at column 11 (in "result[0] <")`.
 * `owner` names the object, such as `AnalysisTemplate default/error-rate`. Empty when every condition compiles.
 */
export function checkTemplateConditions(owner: string, spec: { metrics?: readonly Metric[] }): string[] {
  const problems: string[] = [];
  for (const metric of spec.metrics ?? []) {
    for (const field of CONDITION_FIELDS) {
      const cause = conditionProblem(metric, field);
      if (cause !== undefined) problems.push(`${owner} metric ${JSON.stringify(metric.name)}: ${cause}`);
    }
  }
  return problems;
}

/** Why `metric[field]` does not compile, as `<field> does not compile: <cause> (in "<source>")`; undefined when it does or is absent. */
export function conditionProblem(metric: Metric, field: ConditionField): string | undefined {
  const source = metric[field];
  if (source === undefined) return undefined;
  try {
    compileCondition(source);
    return undefined;
  } catch (err) {
    const cause = err instanceof ConditionError ? err.message : String(err);
    return `${field} does not compile: ${cause} (in ${JSON.stringify(source)})`;
  }
}
