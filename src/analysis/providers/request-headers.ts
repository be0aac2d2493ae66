// HTTP headers of a metric request: plain values (with `{{args}}`) or values read from Secrets, never shown in errors.
import type { HeaderSource } from '../../resources/analysis.js';
import type { SecretKeySelector } from '../../resources/meta.js';
import { substituteArgs } from '../arg-substitution.js';
import { MetricError, type MeasureContext } from '../metric-provider.js';

/** Resolves every header of a metric; a header with neither `value` nor `valueFrom` is a BadQuery naming it. */
export async function resolveHeaders(
  metricName: string,
  sources: readonly HeaderSource[] | undefined,
  context: MeasureContext,
): Promise<Record<string, string>> {
  const headers: Record<string, string> = {};
  for (const source of sources ?? []) {
    headers[source.key] = await headerValue(metricName, source, context);
  }
  return headers;
}

/** The names of the headers whose values come from Secrets: they stay with the origin they were configured for. */
export function secretHeaderNames(sources: readonly HeaderSource[] | undefined): string[] {
  return (sources ?? []).filter((source) => source.value === undefined).map((source) => source.key);
}

/** The `Authorization: Bearer <token>` value, with the token read from a Secret. */
export async function bearerAuthorization(
  metricName: string,
  ref: SecretKeySelector,
  context: MeasureContext,
): Promise<string> {
  const token = await readSecretValue(metricName, 'bearer token', ref, context);
  return `Bearer ${token}`;
}

async function headerValue(metricName: string, source: HeaderSource, context: MeasureContext): Promise<string> {
  if (source.value !== undefined) return checkedValue(metricName, `header "${source.key}"`, substituteArgs(source.value, context.args));
  const ref = source.valueFrom?.secretKeyRef;
  if (!ref) throw new MetricError('BadQuery', `metric "${metricName}": header "${source.key}" has neither value nor valueFrom.secretKeyRef`);
  return readSecretValue(metricName, `header "${source.key}"`, ref, context);
}

async function readSecretValue(
  metricName: string,
  what: string,
  ref: SecretKeySelector,
  context: MeasureContext,
): Promise<string> {
  const where = `Secret ${context.namespace}/${ref.name} key "${ref.key}"`;
  let value: string;
  try {
    value = await context.secrets(context.namespace, ref.name, ref.key);
  } catch (err) {
    if (err instanceof MetricError) throw err;
    // The reader's own message names the Secret, never its content.
    const reason = err instanceof Error ? err.message : String(err);
    throw new MetricError('Unavailable', `metric "${metricName}": cannot read ${where} for ${what}: ${reason}`, { cause: err });
  }
  // Secrets made with `--from-file` usually end with a newline, which no header may carry.
  return checkedValue(metricName, `${what} from ${where}`, value.replace(/[\r\n]+$/, ''));
}

/** Header values may not contain line breaks or other control characters; the message never shows the value. */
function checkedValue(metricName: string, what: string, value: string): string {
  if (/[\u0000-\u0008\u000a-\u001f\u007f]/.test(value)) {
    throw new MetricError('BadQuery', `metric "${metricName}": ${what} contains a control character and cannot be sent as a header`);
  }
  return value;
}
