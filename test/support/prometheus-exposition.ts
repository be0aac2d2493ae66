// Reads the Prometheus text exposition a controller serves on /metrics: series by name and labels, and quantiles of a
// histogram estimated the way PromQL's histogram_quantile does (linear within the bucket).

export interface ExpositionSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

export function parseExposition(text: string): ExpositionSample[] {
  const samples: ExpositionSample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = SAMPLE.exec(line.trim());
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(LABEL)) labels[key ?? ''] = (value ?? '').replace(/\\n/g, '\n').replace(/\\(["\\])/g, '$1');
    samples.push({ name: match[1] ?? '', labels, value: Number(match[3]) });
  }
  return samples;
}

/** The series of `name` whose labels include every one of `labels` (other labels may be present). */
export function seriesOf(text: string, name: string, labels: Record<string, string> = {}): ExpositionSample[] {
  return parseExposition(text).filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
}

/** The sum over the matching series; 0 when none matches (a counter never incremented is often absent). */
export function seriesSum(text: string, name: string, labels: Record<string, string> = {}): number {
  return seriesOf(text, name, labels).reduce((sum, s) => sum + s.value, 0);
}

/** Cumulative bucket counts by upper bound (summed over the matching series), ascending, +Inf last. */
export type HistogramBuckets = Array<{ le: number; count: number }>;

export function histogramBuckets(text: string, name: string, labels: Record<string, string> = {}): HistogramBuckets {
  const byBound = new Map<number, number>();
  for (const s of seriesOf(text, `${name}_bucket`, labels)) {
    const le = s.labels['le'] === '+Inf' ? Number.POSITIVE_INFINITY : Number(s.labels['le']);
    byBound.set(le, (byBound.get(le) ?? 0) + s.value);
  }
  return [...byBound].map(([le, count]) => ({ le, count })).sort((a, b) => a.le - b.le);
}

/** `after − before`, bucket by bucket: the observations made between two scrapes. */
export function bucketsBetween(before: HistogramBuckets, after: HistogramBuckets): HistogramBuckets {
  return after.map(({ le, count }) => ({ le, count: count - (before.find((b) => b.le === le)?.count ?? 0) }));
}

/**
 * The q-quantile (0…1) as histogram_quantile estimates it: linear interpolation inside the bucket that holds the
 * rank, the lowest bucket starting at 0; a rank in the +Inf bucket answers the highest finite bound. NaN for no data.
 */
export function histogramQuantile(q: number, buckets: HistogramBuckets): number {
  const total = buckets.at(-1)?.count ?? 0;
  if (total <= 0) return Number.NaN;
  const rank = q * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const { le, count } of buckets) {
    if (count >= rank) {
      if (le === Number.POSITIVE_INFINITY) return lowerBound;
      const inBucket = count - lowerCount;
      return inBucket <= 0 ? le : lowerBound + (le - lowerBound) * ((rank - lowerCount) / inBucket);
    }
    lowerBound = le;
    lowerCount = count;
  }
  return lowerBound;
}
