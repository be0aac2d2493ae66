// A metric's schedule fields written as `{{args.x}}` (count, limits, interval, initialDelay), as Argo Rollouts users
// write them, resolved to the numbers and durations the run is scheduled with.
import { VaneError } from '../errors.js';
import type { Duration, Metric, TemplateArgument } from '../resources/analysis.js';
import { placeholderNames, substituteArgs } from './arg-substitution.js';

/** The fields Argo Rollouts lets an argument fill besides the provider's strings. */
export const SCHEDULE_FIELDS = ['count', 'failureLimit', 'inconclusiveLimit', 'consecutiveErrorLimit', 'consecutiveSuccessLimit', 'interval', 'initialDelay'] as const;
const INTEGER_FIELDS = new Set<string>(['count', 'failureLimit', 'inconclusiveLimit', 'consecutiveErrorLimit', 'consecutiveSuccessLimit']);

/** A metric whose schedule fields hold values: counts and limits are integers, durations carry no placeholder. */
export interface ScheduledMetric extends Omit<Metric, 'count' | 'failureLimit' | 'inconclusiveLimit' | 'consecutiveErrorLimit' | 'consecutiveSuccessLimit'> {
  count?: number;
  failureLimit?: number;
  consecutiveSuccessLimit?: number;
  inconclusiveLimit?: number;
  consecutiveErrorLimit?: number;
  interval?: Duration;
  initialDelay?: Duration;
}

/**
 * The metric with its schedule fields resolved from the run's plain-valued arguments; a decimal string ("2") is the
 * integer it spells, as in Argo's int-or-string fields. Throws VaneError('InvalidSpec') naming the field and the
 * argument when a value is missing, comes from a Secret, or is not an integer.
 */
export function scheduledMetric(metric: Metric, args: readonly TemplateArgument[] | undefined): ScheduledMetric {
  const values: Record<string, string> = {};
  for (const arg of args ?? []) if (arg.value !== undefined) values[arg.name] = arg.value;
  const resolved: Record<string, unknown> = { ...metric };
  for (const field of SCHEDULE_FIELDS) {
    const value = metric[field];
    if (typeof value !== 'string') continue;
    const text = substituted(field, value, values);
    resolved[field] = INTEGER_FIELDS.has(field) ? integerOf(field, value, text) : text;
  }
  return resolved as unknown as ScheduledMetric;
}

function substituted(field: string, value: string, values: Readonly<Record<string, string>>): string {
  try {
    return substituteArgs(value, values);
  } catch (err) {
    const missing = [...placeholderNames(value)].find((name) => values[name] === undefined) ?? '';
    throw new VaneError('InvalidSpec', `${field}: argument "${missing}" has no plain value (an argument from a Secret cannot set ${field})`, {
      cause: err,
    });
  }
}

function integerOf(field: string, written: string, text: string): number {
  const trimmed = text.trim();
  // Argo docs features/analysis.md: failureLimit -1 disables the failure limit.
  const n = /^\d+$/.test(trimmed) || (field === 'failureLimit' && trimmed === '-1') ? Number(trimmed) : Number.NaN;
  if (Number.isSafeInteger(n)) return n;
  const from = written === text ? '' : ` (from ${written})`;
  throw new VaneError('InvalidSpec', `${field}: ${JSON.stringify(text)}${from} is not a non-negative integer`);
}
