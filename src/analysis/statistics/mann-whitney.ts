// The Mann-Whitney U test of two independent samples, with scipy.stats.mannwhitneyu's semantics (scipy 1.10).
import { normalSurvival } from './normal-distribution.js';

/*
 * What the test asks. Under the null hypothesis both samples come from one distribution, so every way of
 * interleaving the m + n sorted values is equally likely. U₁ counts the pairs (x, y) with x > y (a tie counts ½);
 * it runs from 0 to m·n with mean m·n/2. A U₁ far above the mean says x tends to be larger ('greater'), far below
 * says smaller ('less'); 'two-sided' takes whichever is more extreme.
 *
 * How U is computed: rank the pooled sample (1 = smallest; tied values share the average of the ranks they span),
 * then U₁ = R₁ − m(m+1)/2 where R₁ is the rank sum of x. Sorting both samples and walking them together gives the
 * ranks, the tie groups and R₁ in O(N log N).
 *
 * The p-value follows scipy exactly, because agreeing with the reference is the point:
 * - The statistic used for the tail is U₁ for 'greater', U₂ = m·n − U₁ for 'less' (by symmetry P(U₁ ≤ u) =
 *   P(U₂ ≥ m·n − u)), max(U₁, U₂) for 'two-sided'; p = P(U ≥ that) under the null, doubled for 'two-sided' and
 *   clipped to 1 (the two tails overlap when U = m·n/2).
 * - method 'auto' picks 'exact' when one of the samples has at most 8 values and there are no ties anywhere in the
 *   pooled sample, and 'asymptotic' otherwise. Why: with both samples above 8 the normal approximation is good
 *   (Mann & Whitney 1947 tabulated up to 8); with ties, the exact null distribution computed below (which assumes
 *   distinct values) no longer applies, while the normal approximation can correct its variance for them.
 * - 'exact': P(U ≥ u) from the exact distribution of U (below), with u truncated to an integer as scipy does (a
 *   half-integer U only arises from ties, when 'exact' was forced). No tie correction.
 * - 'asymptotic': z = (U − m·n/2 − ½) / σ, p = Q(z), the standard normal survival function. The ½ is the continuity
 *   correction: U is discrete, so P(U ≥ u) is approximated by the normal mass above u − ½. scipy always subtracts it
 *   because it always takes an upper tail. Ties shrink the variance:
 *     σ² = m·n/12 · ((N + 1) − Σ(t³ − t) / (N(N − 1))),  t running over the sizes of the tie groups, N = m + n.
 *   When every value is tied, σ = 0: with the correction z = −∞ and p = 1; without it 0/0 gives NaN, as in scipy.
 */

export type Alternative = 'two-sided' | 'less' | 'greater';

export interface MannWhitneyResult {
  /** U of the first sample (scipy's `statistic`: the number of pairs (x, y) with x > y, ties counting 1/2). */
  statistic: number;
  pValue: number;
  method: 'exact' | 'asymptotic';
}

export interface MannWhitneyOptions {
  alternative?: Alternative;
  method?: 'auto' | 'exact' | 'asymptotic';
  useContinuity?: boolean;
}

/** A sample at most this large (with no ties) makes 'auto' choose the exact distribution (scipy's rule). */
export const EXACT_MAX_SMALLER_SAMPLE = 8;

const ALTERNATIVES: ReadonlySet<string> = new Set(['two-sided', 'less', 'greater']);
const METHODS: ReadonlySet<string> = new Set(['auto', 'exact', 'asymptotic']);

/** scipy.stats.mannwhitneyu(x, y, alternative, method='auto', use_continuity=True) semantics. */
export function mannWhitneyU(x: readonly number[], y: readonly number[], options: MannWhitneyOptions = {}): MannWhitneyResult {
  const alternative = options.alternative ?? 'two-sided';
  const requested = options.method ?? 'auto';
  checkSample('x', x);
  checkSample('y', y);
  if (!ALTERNATIVES.has(alternative)) throw new RangeError(`alternative must be two-sided, less or greater, not ${String(alternative)}`);
  if (!METHODS.has(requested)) throw new RangeError(`method must be auto, exact or asymptotic, not ${String(requested)}`);

  const m = x.length;
  const n = y.length;
  const ranks = rankSums(x, y);
  const u1 = ranks.rankSumX - (m * (m + 1)) / 2;
  const u2 = m * n - u1;
  const method = requested === 'auto' ? chooseMethod(m, n, ranks.hasTies) : requested;
  const [u, factor] = alternative === 'greater' ? [u1, 1] : alternative === 'less' ? [u2, 1] : [Math.max(u1, u2), 2];
  const upperTail =
    method === 'exact' ? exactUpperTail(Math.trunc(u), m, n) : normalSurvival(standardized(u, m, n, ranks.tieTerm, options.useContinuity ?? true));
  return { statistic: u1, pValue: clip01(upperTail * factor), method };
}

function checkSample(name: string, sample: readonly number[]): void {
  if (sample.length === 0) throw new RangeError(`sample ${name} is empty: the Mann-Whitney U test needs at least one value on each side`);
  const at = sample.findIndex((v) => Number.isNaN(v));
  if (at >= 0) throw new RangeError(`sample ${name} holds NaN at index ${at}: remove NaN values before testing`);
}

/** scipy's `_mwu_choose_method`: asymptotic when both samples exceed 8 values or any value is tied, else exact. */
function chooseMethod(m: number, n: number, hasTies: boolean): 'exact' | 'asymptotic' {
  if (m > EXACT_MAX_SMALLER_SAMPLE && n > EXACT_MAX_SMALLER_SAMPLE) return 'asymptotic';
  return hasTies ? 'asymptotic' : 'exact';
}

function clip01(p: number): number {
  return p > 1 ? 1 : p < 0 ? 0 : p;
}

interface RankSums {
  /** The sum of the (average) ranks of x in the pooled sample. */
  rankSumX: number;
  /** Σ(t³ − t) over the tie groups of the pooled sample. */
  tieTerm: number;
  hasTies: boolean;
}

/**
 * Ranks the pooled sample with average ranks for ties, by sorting each sample and merging: a group of equal values
 * holding cx values of x and cy of y, preceded by `before` smaller values, spans ranks before+1 … before+cx+cy, whose
 * average is before + (cx + cy + 1)/2. (−0 and +0 are one value, as in numpy.)
 */
function rankSums(x: readonly number[], y: readonly number[]): RankSums {
  const xs = Float64Array.from(x).sort();
  const ys = Float64Array.from(y).sort();
  let i = 0;
  let j = 0;
  let rankSumX = 0;
  let tieTerm = 0;
  while (i < xs.length || j < ys.length) {
    const value = j >= ys.length || (i < xs.length && xs[i]! <= ys[j]!) ? xs[i]! : ys[j]!;
    const before = i + j;
    let cx = 0;
    let cy = 0;
    while (i + cx < xs.length && xs[i + cx] === value) cx++;
    while (j + cy < ys.length && ys[j + cy] === value) cy++;
    i += cx;
    j += cy;
    const t = cx + cy;
    rankSumX += cx * (before + (t + 1) / 2);
    tieTerm += t * t * t - t;
  }
  return { rankSumX, tieTerm, hasTies: tieTerm > 0 };
}

/** scipy's `_get_mwu_z`, same order of operations. */
function standardized(u: number, m: number, n: number, tieTerm: number, continuity: boolean): number {
  const total = m + n;
  const mean = (m * n) / 2;
  const sd = Math.sqrt(((m * n) / 12) * (total + 1 - tieTerm / (total * (total - 1))));
  const numerator = u - mean - (continuity ? 0.5 : 0);
  return numerator / sd;
}

/**
 * P(U ≥ u) under the null for samples of m and n distinct values: by symmetry of the distribution
 * (P(U = k) = P(U = mn − k)) this is P(U ≤ mn − u), summed from the left as scipy does.
 *
 * The distribution: the number of interleavings with U = k is the coefficient of q^k in the Gaussian binomial
 * coefficient [m+n choose m]_q (Mann & Whitney 1947; Di Bucchianico 1999, the recurrence scipy 1.10 evaluates,
 * f(m, n, k) = f(m − 1, n, k − n) + f(m, n − 1, k)). Instead of that recurrence, whose cost is O(m²n²), this uses the
 * product form [n+i choose i]_q = [n+i−1 choose i−1]_q · (1 − q^(n+i)) / (1 − q^i), i = 1 … min(m, n) (Harding,
 * "An efficient, minimal-storage procedure for calculating the Mann-Whitney U, generalized Wilcoxon and related
 * distributions", Applied Statistics 33, 1984): each step multiplies by (1 − q^(n+i)) and divides by (1 − q^i), both
 * in place in O(mn), so the whole distribution costs O(min(m, n)·mn): about 0.1 ms for 8 against 500 (scipy 1.10's
 * memoised recursion takes seconds there), 13 ms for a forced exact test of 200 against 200. Only
 * the coefficients up to mn − u are needed, and both operations only look left, so the array stops there. After each
 * step the coefficients are rescaled by i/(n+i), the ratio of the totals binom(n+i−1, i−1) and binom(n+i, i), so
 * they stay probabilities and never overflow (the counts themselves pass the largest double near m = n = 515).
 * The subtraction cancels, but measured against exact BigInt counts the left tail keeps a relative error of a few
 * 1e-15 (up to 150 against 150; the unit tests hold 8 against 500 and 60 against 60 to 1e-13).
 */
function exactUpperTail(u: number, m: number, n: number): number {
  const small = Math.min(m, n);
  const large = Math.max(m, n);
  const last = m * n - u;
  if (last < 0) return 0;
  const mass = exactDistribution(small, large, last);
  let sum = 0;
  for (let k = 0; k <= last; k++) sum += mass[k]!;
  return sum;
}

/** P(U = k) for k = 0 … last, for samples of `small` and `large` distinct values (see exactUpperTail). */
export function exactDistribution(small: number, large: number, last: number): Float64Array {
  const coefficients = new Float64Array(last + 1);
  coefficients[0] = 1;
  for (let i = 1; i <= small; i++) {
    const shift = large + i;
    for (let k = last; k >= shift; k--) coefficients[k]! -= coefficients[k - shift]!;
    for (let k = i; k <= last; k++) coefficients[k]! += coefficients[k - i]!;
    const scale = i / (large + i);
    for (let k = 0; k <= last; k++) coefficients[k]! *= scale;
  }
  return coefficients;
}
