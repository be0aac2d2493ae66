// The canary weight over a release as chart data: the detail's recorded history, extended by what the live stream
// reported since, drawn as steps up to now.
import type { WeightPoint } from './api-types.js';

/** Appends a live reading when the weight changed since the last point (the stream repeats unchanged weights). */
export function appendWeight(points: readonly WeightPoint[], at: string, canary: number | undefined): WeightPoint[] {
  if (canary === undefined) return [...points];
  const last = points.at(-1);
  if (last !== undefined && last.canary === canary) return [...points];
  return [...points, { at, canary }];
}

/** The history, then the live points newer than its last one. */
export function mergeWeights(history: readonly WeightPoint[], live: readonly WeightPoint[]): WeightPoint[] {
  const lastAt = history.length > 0 ? Date.parse(history[history.length - 1]!.at) : Number.NEGATIVE_INFINITY;
  const newer = live.filter((p) => Date.parse(p.at) > lastAt);
  const merged: WeightPoint[] = [...history];
  for (const point of newer) {
    if (merged.at(-1)?.canary !== point.canary) merged.push(point);
  }
  return merged;
}

/** uPlot data (seconds, percent), with a last point at `nowMs` so the line reaches the present. */
export function weightSeries(points: readonly WeightPoint[], nowMs: number): [number[], number[]] {
  const xs: number[] = [];
  const ys: number[] = [];
  for (const point of points) {
    const at = Date.parse(point.at);
    if (Number.isNaN(at)) continue;
    const x = at / 1000;
    if (xs.length > 0 && x <= xs[xs.length - 1]!) {
      // Two readings in the same second: the later one stands.
      ys[ys.length - 1] = point.canary;
      continue;
    }
    xs.push(x);
    ys.push(point.canary);
  }
  const now = nowMs / 1000;
  if (ys.length > 0 && now > xs[xs.length - 1]!) {
    xs.push(now);
    ys.push(ys[ys.length - 1]!);
  }
  return [xs, ys];
}
