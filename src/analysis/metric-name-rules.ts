// Argo's dryRun and measurementRetention rules: each `metricName` is an RE2 pattern found anywhere in a metric's name.
import type { DryRunRule } from '../resources/analysis.js';
import { compileLinearRegexp, RegexpSyntaxError, type LinearRegexp } from './linear-regexp.js';

/** Metric names are short and patterns bounded (linear-regexp.ts), so matching needs no budget. */
const UNMETERED = (): void => undefined;

/** The compiled pattern, or why it is not one. */
function compile(pattern: string): LinearRegexp | string {
  try {
    return compileLinearRegexp(pattern);
  } catch (err) {
    if (err instanceof RegexpSyntaxError) return `metricName ${JSON.stringify(pattern)} is not a valid regular expression: ${err.message}`;
    throw err;
  }
}

/** Whether `pattern` matches somewhere in `name` (Go's regexp.MatchString, as Argo uses it); an invalid one never does. */
export function metricNameMatches(pattern: string, name: string): boolean {
  const compiled = compile(pattern);
  return typeof compiled !== 'string' && compiled.test(name, UNMETERED);
}

/**
 * Why the rules under `field` cannot be used with these metrics: a pattern that does not compile, or one that matches
 * no metric (Argo: "dryRun[0]: Rule didn't match any metric name(s)"), or two rules with the same metricName.
 */
export function metricNameRuleProblems(field: string, rules: ReadonlyArray<{ metricName: string }> | undefined, metricNames: readonly string[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  (rules ?? []).forEach((rule, i) => {
    if (seen.has(rule.metricName)) problems.push(`${field}[${i}]: two rules have the same metricName ${JSON.stringify(rule.metricName)}`);
    seen.add(rule.metricName);
    const compiled = compile(rule.metricName);
    if (typeof compiled === 'string') problems.push(`${field}[${i}]: ${compiled}`);
    else if (!metricNames.some((name) => compiled.test(name, UNMETERED))) {
      problems.push(`${field}[${i}]: metricName ${JSON.stringify(rule.metricName)} matches no metric (${metricNames.map((n) => JSON.stringify(n)).join(', ')})`);
    }
  });
  return problems;
}

/** Whether `name` runs in dry-run mode under `rules`. */
export function isDryRunMetric(rules: readonly DryRunRule[] | undefined, name: string): boolean {
  return (rules ?? []).some((rule) => metricNameMatches(rule.metricName, name));
}
