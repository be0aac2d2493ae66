// OpenMetrics text for promtool: gauge series with samples at given times, NaN and ±Inf spelled as Prometheus reads them.

export interface SeriesHistory {
  /** Metric name, e.g. `vane_test_latency`. */
  name: string;
  labels?: Record<string, string>;
  /** Samples as [time, value]; times are Dates or Unix milliseconds, and must increase. */
  samples: Array<[Date | number, number]>;
}

/** Groups series by metric family (OpenMetrics requires it) and ends with `# EOF`. */
export function openMetricsText(series: readonly SeriesHistory[]): string {
  const families = new Map<string, SeriesHistory[]>();
  for (const each of series) families.set(each.name, [...(families.get(each.name) ?? []), each]);
  const lines: string[] = [];
  for (const [name, members] of families) {
    lines.push(`# TYPE ${name} gauge`);
    for (const member of members) lines.push(...sampleLines(member));
  }
  lines.push('# EOF');
  return `${lines.join('\n')}\n`;
}

/** Unix milliseconds `minutes` before now, rounded to the second so promtool's seconds lose nothing. */
export function minutesAgo(minutes: number, now = Date.now()): number {
  return Math.floor((now - minutes * 60_000) / 1000) * 1000;
}

function sampleLines(series: SeriesHistory): string[] {
  const labels = Object.entries(series.labels ?? {})
    .map(([key, value]) => `${key}="${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`)
    .join(',');
  const selector = labels === '' ? series.name : `${series.name}{${labels}}`;
  return series.samples.map(([time, value]) => `${selector} ${formatValue(value)} ${toSeconds(time)}`);
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}

/** OpenMetrics timestamps are seconds. */
function toSeconds(time: Date | number): string {
  const ms = typeof time === 'number' ? time : time.getTime();
  return String(ms / 1000);
}
