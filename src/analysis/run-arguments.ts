// A run's arguments as values for one metric: plain values as given, Secret references read at measure time only.
import type { Metric, TemplateArgument } from '../resources/analysis.js';
import { placeholderNames } from './arg-substitution.js';
import { MetricError, type SecretReader } from './metric-provider.js';

/** Secret reads shared by the metrics measured in one step, so a Secret is read at most once per step. */
export type SecretMemo = Map<string, Promise<string>>;

/** Names of the arguments the metric's provider refers to with `{{args.name}}`. */
export function referencedArgs(metric: Metric): Set<string> {
  return placeholderNames(JSON.stringify(metric.provider) ?? '');
}

/**
 * Values for the metric: every plain argument, and each Secret-backed argument the metric refers to. Throws
 * MetricError naming the argument and the Secret when one cannot be read (the measurement becomes an Error);
 * the values are never written to status.
 */
export async function resolveMetricArgs(
  args: readonly TemplateArgument[] | undefined,
  metric: Metric,
  namespace: string,
  secrets: SecretReader,
  memo: SecretMemo,
): Promise<Record<string, string>> {
  const used = referencedArgs(metric);
  const values: Record<string, string> = {};
  for (const arg of args ?? []) {
    if (arg.value !== undefined) values[arg.name] = arg.value;
    else if (used.has(arg.name)) values[arg.name] = await resolveReference(arg, namespace, secrets, memo);
  }
  return values;
}

async function resolveReference(arg: TemplateArgument, namespace: string, secrets: SecretReader, memo: SecretMemo): Promise<string> {
  const ref = arg.valueFrom?.secretKeyRef;
  if (ref === undefined) throw new MetricError('BadQuery', `argument "${arg.name}" has no value`);
  const where = `Secret ${namespace}/${ref.name} key "${ref.key}"`;
  const memoKey = `${ref.name}\u0000${ref.key}`;
  let read = memo.get(memoKey);
  if (read === undefined) {
    read = secrets(namespace, ref.name, ref.key);
    memo.set(memoKey, read);
  }
  try {
    return await read;
  } catch (err) {
    const code = err instanceof MetricError ? err.metricCode : 'NotFound';
    const cause = err instanceof Error ? err.message : String(err);
    throw new MetricError(code, `argument "${arg.name}" from ${where}: ${cause}`, { cause: err });
  }
}
