// How an analysis metric reads on screen: the number in a measurement's text value, the threshold as a label, and the
// measurements as chart series (seconds since the epoch, values) with the threshold as a second, flat series.
import type { Measurement, MetricThreshold } from './api-types.js';

/**
 * The field of an object result a condition reads (`result.errorRate < 0.05` → `errorRate`, also `result["x"]`), so
 * a web provider's JSON object has a number to plot; undefined for a condition on the result itself.
 */
export function conditionField(condition: string | undefined): string | undefined {
  if (condition === undefined) return undefined;
  const match = /\bresult(?:\[0\])?(?:\.([A-Za-z_$][\w$]*)|\[\s*["']([^"']+)["']\s*\])/.exec(condition);
  return match?.[1] ?? match?.[2];
}

/**
 * The number in a measurement's value: providers keep it as text, a scalar ("0.2") or a JSON vector ("[0.2]", whose
 * first number is taken), or an object, whose `field` is taken when a condition names one. Undefined without a number.
 */
export function measurementNumber(value: string | undefined, field?: string): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (field !== undefined) parsed = fieldOf(parsed, field);
  return firstNumber(parsed);
}

/** An object's field, also inside a one-element vector (`[{"errorRate": 0.2}]`). */
function fieldOf(value: unknown, field: string): unknown {
  const item = Array.isArray(value) ? value[0] : value;
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return value;
  return (item as Record<string, unknown>)[field];
}

function firstNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string') {
    const n = value.trim() === '' ? Number.NaN : Number(value);
    return Number.isFinite(n) ? n : undefined;
  }
  if (Array.isArray(value)) {
    for (const item of value) {
      const n = firstNumber(item);
      if (n !== undefined) return n;
    }
  }
  return undefined;
}

/** "< 0.01": the comparison the condition makes with the result. */
export function thresholdLabel(threshold: MetricThreshold): string {
  return `${threshold.operator} ${threshold.value}`;
}

/** "passes when" a success condition holds, "fails when" a failure condition does. */
export function thresholdMeaning(threshold: MetricThreshold): string {
  return threshold.condition === 'success' ? 'passes when' : 'fails when';
}

/** The latest value for display: the number when there is one, else the raw text, else the phase. */
export function latestValueText(latest: Measurement | undefined, field?: string): string {
  if (latest === undefined) return '—';
  const n = measurementNumber(latest.value, field);
  if (n !== undefined) return formatNumber(n);
  return latest.value ?? latest.phase;
}

export function formatNumber(n: number): string {
  if (Number.isInteger(n)) return String(n);
  const abs = Math.abs(n);
  return abs !== 0 && (abs < 0.001 || abs >= 1e6) ? n.toExponential(3) : String(Number(n.toPrecision(4)));
}

/** uPlot data: x in seconds, the measured values (null where a measurement had no number), the threshold line. */
export type MeasurementSeries = [number[], Array<number | null>, Array<number | null>];

export function measurementSeries(measurements: readonly Measurement[], threshold: MetricThreshold | undefined, field?: string): MeasurementSeries {
  const points: Array<{ x: number; y: number | null }> = [];
  for (const m of measurements) {
    const at = Date.parse(m.finishedAt ?? m.startedAt);
    if (Number.isNaN(at)) continue;
    points.push({ x: at / 1000, y: measurementNumber(m.value, field) ?? null });
  }
  points.sort((a, b) => a.x - b.x);
  const limit = threshold?.value ?? null;
  return [points.map((p) => p.x), points.map((p) => p.y), points.map(() => limit)];
}
