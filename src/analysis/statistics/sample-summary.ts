// Summaries of a sample for the judge: the median, the Hodges–Lehmann shift between two samples, Tukey's outlier fences.

function checkValues(name: string, sample: readonly number[], finite: boolean): void {
  if (sample.length === 0) throw new RangeError(`${name} is empty`);
  const at = sample.findIndex((v) => Number.isNaN(v) || (finite && !Number.isFinite(v)));
  if (at >= 0) throw new RangeError(`${name} holds ${String(sample[at])} at index ${at}: ${finite ? 'only finite values are allowed' : 'remove NaN values first'}`);
}

function sorted(sample: readonly number[]): Float64Array {
  return Float64Array.from(sample).sort();
}

/** The middle value of a sorted sample, or the mean of the two middle values for an even count. */
function sortedMedian(values: Float64Array): number {
  const half = values.length >> 1;
  return values.length % 2 === 1 ? values[half]! : (values[half - 1]! + values[half]!) / 2;
}

/**
 * The median (the mean of the two middle values for an even count; NaN if those are −∞ and +∞). Throws RangeError on
 * an empty sample or NaN.
 */
export function median(xs: readonly number[]): number {
  checkValues('sample', xs, false);
  return sortedMedian(sorted(xs));
}

/**
 * The Hodges–Lehmann estimate of the shift from x to y: the median of all m·n differences y_j − x_i (the mean of the
 * two middle ones for an even count). It is the shift that the Mann-Whitney test sees: moving y by it leaves U at
 * its null mean. Throws RangeError on an empty sample, NaN or an infinite value (∞ − ∞ has no meaning).
 *
 * Exact without building the m·n differences (a million for 1,000 per side): with x and y sorted, the number of
 * differences ≤ t is counted in O(m + n) by walking both arrays (for a larger x_i, more y_j satisfy y_j − x_i ≤ t).
 * The k-th smallest difference is then the smallest double t with count(t) ≥ k, found by bisection over the
 * doubles themselves in their bit order: at most 64 steps, O(64·(m + n)) in all. The differences are compared as
 * the computed doubles fl(y_j − x_i), and rounding is monotone, so the walk stays valid and the result equals what
 * sorting every computed difference would give, bit for bit.
 */
export function hodgesLehmann(x: readonly number[], y: readonly number[]): number {
  checkValues('sample x', x, true);
  checkValues('sample y', y, true);
  const xs = sorted(x);
  const ys = sorted(y);
  const total = xs.length * ys.length;
  const lowerMiddle = kthDifference(xs, ys, Math.floor((total + 1) / 2));
  if (total % 2 === 1) return lowerMiddle;
  return (lowerMiddle + kthDifference(xs, ys, total / 2 + 1)) / 2;
}

/** How many differences ys[j] − xs[i] are ≤ t (both sorted ascending). */
function countAtMost(xs: Float64Array, ys: Float64Array, t: number): number {
  let count = 0;
  let j = 0;
  for (let i = 0; i < xs.length; i++) {
    while (j < ys.length && ys[j]! - xs[i]! <= t) j++;
    count += j;
  }
  return count;
}

const bits = new DataView(new ArrayBuffer(8));
const SIGN = 1n << 63n;

/** A key whose unsigned order is the numeric order of the doubles (−0 just below +0). */
function orderKey(value: number): bigint {
  bits.setFloat64(0, value);
  const raw = bits.getBigUint64(0);
  return raw & SIGN ? ~raw & (SIGN | (SIGN - 1n)) : raw | SIGN;
}

function fromOrderKey(key: bigint): number {
  bits.setBigUint64(0, key & SIGN ? key & (SIGN - 1n) : ~key & (SIGN | (SIGN - 1n)));
  return bits.getFloat64(0);
}

/** The k-th smallest (1-based) of the differences ys[j] − xs[i]: bisection over the doubles between the extremes. */
function kthDifference(xs: Float64Array, ys: Float64Array, k: number): number {
  let low = orderKey(ys[0]! - xs[xs.length - 1]!);
  let high = orderKey(ys[ys.length - 1]! - xs[0]!);
  // Invariant: count(fromOrderKey(high)) ≥ k; the answer lies in [low, high].
  while (low < high) {
    const middle = (low + high) >> 1n;
    if (countAtMost(xs, ys, fromOrderKey(middle)) >= k) high = middle;
    else low = middle + 1n;
  }
  // −0 sorts just below +0 and counts the same, so the search lands on it whenever the answer is zero: say +0.
  return fromOrderKey(high) + 0;
}

/**
 * The quantile at `p` of a sorted sample by linear interpolation between the closest ranks — numpy's default
 * (Hyndman & Fan's type 7, also R's default), so the fences match what a person computes with either.
 */
function quantile(values: Float64Array, p: number): number {
  const position = (values.length - 1) * p;
  const below = Math.floor(position);
  const fraction = position - below;
  const lower = values[below]!;
  const upper = values[Math.min(below + 1, values.length - 1)]!;
  // Equal neighbours need no interpolation (and ∞ − ∞ would give NaN).
  return fraction === 0 || lower === upper ? lower : lower + (upper - lower) * fraction;
}

/**
 * Tukey's fences: keeps the values within [Q1 − k·IQR, Q3 + k·IQR] (IQR = Q3 − Q1, quartiles as numpy computes them)
 * and returns them in their original order. k = 1.5 is Tukey's "outlier", 3 his "far out". A sample of fewer than
 * 4 values is returned whole: its quartiles say nothing about what is unusual. Infinite values are ordered like
 * any other (a Prometheus histogram_quantile beyond the last bucket is +Inf): removed when the fences are finite.
 * Throws RangeError on an empty sample, NaN or a negative k.
 */
export function removeOutliers(xs: readonly number[], k = 1.5): number[] {
  checkValues('sample', xs, false);
  if (!(k >= 0) || !Number.isFinite(k)) throw new RangeError(`the fence multiplier k must be a finite number ≥ 0, not ${k}`);
  if (xs.length < 4) return [...xs];
  const values = sorted(xs);
  const q1 = quantile(values, 0.25);
  const q3 = quantile(values, 0.75);
  // With equal quartiles or k = 0 the fences are the quartiles themselves (also when they are infinite).
  const spread = q1 === q3 || k === 0 ? 0 : k * (q3 - q1);
  const lowFence = q1 - spread;
  const highFence = q3 + spread;
  return xs.filter((v) => v >= lowFence && v <= highFence);
}
