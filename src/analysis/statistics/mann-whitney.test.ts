import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../seeded-random.js';
import { exactDistribution, mannWhitneyU } from './mann-whitney.js';
import { normalSurvival } from './normal-distribution.js';

/** U of x by its definition: pairs with x > y, ties counting one half. */
function pairCount(x: readonly number[], y: readonly number[]): number {
  let u = 0;
  for (const a of x) for (const b of y) u += a > b ? 1 : a === b ? 0.5 : 0;
  return u;
}

/** The null distribution by brute force: U over every choice of which m of the m + n positions hold x. */
function enumeratedDistribution(m: number, n: number): number[] {
  const counts = new Array<number>(m * n + 1).fill(0);
  for (let mask = 0; mask < 2 ** (m + n); mask++) {
    let ones = 0;
    for (let b = mask; b; b >>= 1) ones += b & 1;
    if (ones !== m) continue;
    // Position p is an x when bit p is set; U counts, for each x, the y positions below it.
    let u = 0;
    let ysBelow = 0;
    for (let p = 0; p < m + n; p++) {
      if (mask & (1 << p)) u += ysBelow;
      else ysBelow++;
    }
    counts[u]!++;
  }
  const total = counts.reduce((a, b) => a + b, 0);
  return counts.map((c) => c / total);
}

/** Exact interleaving counts by the recurrence f(a, b, k) = f(a − 1, b, k − b) + f(a, b − 1, k), in BigInt. */
function recurrenceCounts(m: number, n: number): bigint[] {
  let previous: bigint[][] = Array.from({ length: m + 1 }, () => [1n]);
  for (let b = 1; b <= n; b++) {
    const current: bigint[][] = [];
    for (let a = 0; a <= m; a++) {
      const row = new Array<bigint>(a * b + 1).fill(0n);
      previous[a]!.forEach((c, k) => (row[k]! += c));
      if (a > 0) current[a - 1]!.forEach((c, k) => (row[k + b]! += c));
      current.push(row);
    }
    previous = current;
  }
  return previous[m]!;
}

/** num/den as a double, correctly scaled for tiny ratios. */
function ratio(num: bigint, den: bigint): number {
  const shift = Math.max(0, den.toString(2).length - num.toString(2).length + 64);
  return Number((num << BigInt(shift)) / den) * 2 ** -shift;
}

describe('the Mann-Whitney U statistic', () => {
  it('counts the pairs where x is larger, a tie counting one half', () => {
    expect(mannWhitneyU([1, 2, 3], [4, 5, 6]).statistic).toBe(0);
    expect(mannWhitneyU([4, 5, 6], [1, 2, 3]).statistic).toBe(9);
    expect(mannWhitneyU([1, 2, 2], [2, 3, 4]).statistic).toBe(1);
  });

  it('equals the pair count on random samples with ties, and U(x, y) + U(y, x) = m·n', () => {
    const random = seededRandom(7);
    for (let round = 0; round < 200; round++) {
      const x = Array.from({ length: 1 + Math.floor(random() * 40) }, () => Math.round(random() * 20) / 2);
      const y = Array.from({ length: 1 + Math.floor(random() * 40) }, () => Math.round(random() * 20) / 2);
      const u = mannWhitneyU(x, y).statistic;
      expect(u).toBe(pairCount(x, y));
      expect(u + mannWhitneyU(y, x).statistic).toBe(x.length * y.length);
    }
  });

  it('treats −0 and +0 as one value and accepts infinities', () => {
    expect(mannWhitneyU([-0, 1], [0, 2]).statistic).toBe(1.5);
    expect(mannWhitneyU([Infinity, 1], [-Infinity, 2]).statistic).toBe(3);
  });
});

describe('the exact null distribution', () => {
  it('is 1, 1, 2, 2, 2, 1, 1 tenths for samples of 2 and 3', () => {
    expect(Array.from(exactDistribution(2, 3, 6)).map((p) => Math.round(p * 10))).toEqual([1, 1, 2, 2, 2, 1, 1]);
  });

  it('matches brute-force enumeration of every interleaving up to 7 against 7', () => {
    for (let m = 1; m <= 7; m++) {
      for (let n = m; n <= 7; n++) {
        const enumerated = enumeratedDistribution(m, n);
        exactDistribution(m, n, m * n).forEach((p, k) => expect(Math.abs(p - enumerated[k]!)).toBeLessThan(1e-15));
      }
    }
  });

  it('keeps its left tail within 1e-13 relative of the exact BigInt counts, for 8 against 500 and 60 against 60', () => {
    for (const [m, n] of [[8, 500], [60, 60]] as const) {
      const counts = recurrenceCounts(m, n);
      const total = counts.reduce((a, b) => a + b, 0n);
      const mass = exactDistribution(m, n, (m * n) / 2);
      let exactTail = 0n;
      let tail = 0;
      for (let k = 0; k <= (m * n) / 2; k++) {
        exactTail += counts[k]!;
        tail += mass[k]!;
        const reference = ratio(exactTail, total);
        expect(Math.abs(tail - reference) / reference).toBeLessThan(1e-13);
      }
    }
  });
});

describe('the p-value', () => {
  it('is exact for small samples without ties: 3 against 3 fully separated gives 2/20 two-sided, 1/20 and 1 one-sided', () => {
    expect(mannWhitneyU([1, 2, 3], [4, 5, 6])).toEqual({ statistic: 0, pValue: 0.1, method: 'exact' });
    expect(mannWhitneyU([1, 2, 3], [4, 5, 6], { alternative: 'less' }).pValue).toBeCloseTo(0.05, 15);
    expect(mannWhitneyU([1, 2, 3], [4, 5, 6], { alternative: 'greater' }).pValue).toBe(1);
  });

  it('reproduces scipy’s documented example: males against females, exact 1/9, asymptotic with and without continuity', () => {
    const males = [19, 22, 16, 29, 24];
    const females = [20, 11, 17, 12];
    expect(mannWhitneyU(males, females, { method: 'exact' }).pValue).toBeCloseTo(1 / 9, 15);
    // z = (17 − 10 − ½)/√(20·10/12), scipy documents 0.11134688653314041 and, without the correction, 0.0864107329737.
    expect(mannWhitneyU(males, females, { method: 'asymptotic' }).pValue).toBeCloseTo(2 * normalSurvival(6.5 / Math.sqrt(200 / 12)), 15);
    expect(mannWhitneyU(males, females, { method: 'asymptotic' }).pValue).toBeCloseTo(0.11134688653314041, 14);
    expect(mannWhitneyU(males, females, { method: 'asymptotic', useContinuity: false }).pValue).toBeCloseTo(0.0864107329737, 12);
    expect(mannWhitneyU(females, males, { alternative: 'less' })).toEqual({ statistic: 3, pValue: 1 / 18, method: 'exact' });
  });

  it('corrects the variance for ties: [1, 2, 2] against [2, 3, 4] has Σ(t³ − t) = 24 and σ² = 9/12·(7 − 24/30)', () => {
    const result = mannWhitneyU([1, 2, 2], [2, 3, 4]);
    expect(result.method).toBe('asymptotic');
    expect(result.pValue).toBeCloseTo(2 * normalSurvival((8 - 4.5 - 0.5) / Math.sqrt((9 / 12) * (7 - 24 / 30))), 15);
  });

  it('is clipped to 1 when the two tails overlap (U at the mean of a two-sided test)', () => {
    expect(mannWhitneyU([1, 3], [2]).pValue).toBe(1);
  });

  it('is 1 when every value is tied, and NaN without the continuity correction (scipy divides 0 by 0 too)', () => {
    expect(mannWhitneyU([5, 5, 5], [5, 5]).pValue).toBe(1);
    expect(mannWhitneyU([5, 5, 5], [5, 5], { useContinuity: false }).pValue).toBeNaN();
  });
});

describe('the choice of method', () => {
  const ascending = (length: number, from = 0): number[] => Array.from({ length }, (_, i) => from + i + 0.5);

  it('is exact when one sample has at most 8 values and nothing is tied, however large the other', () => {
    expect(mannWhitneyU(ascending(8), ascending(500, 0.25)).method).toBe('exact');
    expect(mannWhitneyU(ascending(500, 0.25), ascending(1)).method).toBe('exact');
  });

  it('is asymptotic when both samples exceed 8 values, or when any value is tied (even within one sample)', () => {
    expect(mannWhitneyU(ascending(9), ascending(9, 100)).method).toBe('asymptotic');
    expect(mannWhitneyU([1, 1, 2], [3, 4, 5]).method).toBe('asymptotic');
    expect(mannWhitneyU([1, 2, 3], [3, 4, 5]).method).toBe('asymptotic');
  });

  it('follows an explicit method, truncating a half-integer U for a forced exact test as scipy does', () => {
    expect(mannWhitneyU(ascending(20), ascending(20, 5), { method: 'exact' }).method).toBe('exact');
    expect(mannWhitneyU([1, 2], [3, 4], { method: 'asymptotic' }).method).toBe('asymptotic');
    // U₁ = 0.5, U₂ = 3.5 → 'less' uses ⌊3.5⌋ = 3: P(U ≥ 3) for 2 against 2 = 2/6.
    expect(mannWhitneyU([1, 2], [2, 4], { method: 'exact', alternative: 'less' }).pValue).toBeCloseTo(2 / 6, 15);
  });
});

describe('the cost', () => {
  // Generous bounds (a shared machine): the point is the order of growth, 0.1 ms and 30 ms where measured alone.
  it('computes the exact p-value at the largest automatic size, 8 against 500, in milliseconds', () => {
    const random = seededRandom(5);
    const x = Array.from({ length: 8 }, random);
    const y = Array.from({ length: 500 }, random);
    const started = performance.now();
    for (let i = 0; i < 10; i++) expect(mannWhitneyU(x, y, { alternative: 'less' }).method).toBe('exact');
    expect((performance.now() - started) / 10).toBeLessThan(20);
  });

  it('ranks 100,000 values per side for the asymptotic path in well under a second', () => {
    const random = seededRandom(6);
    const x = Array.from({ length: 100_000 }, () => Math.round(random() * 1000));
    const y = Array.from({ length: 100_000 }, () => Math.round(random() * 1000));
    const started = performance.now();
    expect(mannWhitneyU(x, y).method).toBe('asymptotic');
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('bad input', () => {
  it('refuses an empty sample on either side', () => {
    expect(() => mannWhitneyU([], [1])).toThrow(new RangeError('sample x is empty: the Mann-Whitney U test needs at least one value on each side'));
    expect(() => mannWhitneyU([1], [])).toThrow(/sample y is empty/);
  });

  it('refuses NaN, naming the sample and the index', () => {
    expect(() => mannWhitneyU([1, Number.NaN], [1])).toThrow(new RangeError('sample x holds NaN at index 1: remove NaN values before testing'));
    expect(() => mannWhitneyU([1], [2, 3, Number.NaN])).toThrow(RangeError);
  });

  it('refuses an unknown alternative or method', () => {
    expect(() => mannWhitneyU([1], [2], { alternative: 'bigger' as 'greater' })).toThrow(/alternative must be two-sided, less or greater, not bigger/);
    expect(() => mannWhitneyU([1], [2], { method: 'permutation' as 'exact' })).toThrow(RangeError);
  });
});
