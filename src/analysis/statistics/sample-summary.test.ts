import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../seeded-random.js';
import { hodgesLehmann, median, removeOutliers } from './sample-summary.js';

/** The Hodges–Lehmann estimate by its definition: sort every difference y_j − x_i and take the median. */
function bruteForceShift(x: readonly number[], y: readonly number[]): number {
  const differences = new Float64Array(x.length * y.length);
  let at = 0;
  for (const b of y) for (const a of x) differences[at++] = b - a;
  differences.sort();
  const half = differences.length >> 1;
  return differences.length % 2 ? differences[half]! : (differences[half - 1]! + differences[half]!) / 2;
}

describe('median', () => {
  it('is the middle value of an odd sample and the mean of the two middle values of an even one, in any order', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
  });

  it('leaves its input unsorted', () => {
    const sample = [3, 1, 2];
    median(sample);
    expect(sample).toEqual([3, 1, 2]);
  });

  it('refuses an empty sample and NaN', () => {
    expect(() => median([])).toThrow(new RangeError('sample is empty'));
    expect(() => median([1, Number.NaN])).toThrow(/sample holds NaN at index 1/);
  });
});

describe('the Hodges–Lehmann shift', () => {
  it('is the median of the pairwise differences y − x: [1, 2, 3] to [2, 4, 7, 10] gives 3.5', () => {
    // Differences: 1 0 −1 | 3 2 1 | 6 5 4 | 9 8 7 → sorted middle pair 3 and 4.
    expect(hodgesLehmann([1, 2, 3], [2, 4, 7, 10])).toBe(3.5);
  });

  it('recovers a pure shift exactly and changes sign when the samples swap', () => {
    const x = [3, 9, 1, 4, 4, 12, 7];
    expect(hodgesLehmann(x, x.map((v) => v + 5))).toBe(5);
    expect(hodgesLehmann([2, 4, 7, 10], [1, 2, 3])).toBe(-3.5);
  });

  it('equals the sorted brute force on 300 random pairs of samples, with ties, odd and even counts, bit for bit', () => {
    const random = seededRandom(11);
    for (let round = 0; round < 300; round++) {
      const tied = round % 2 === 0;
      const draw = (): number => (tied ? Math.round(random() * 8) : (random() - 0.3) * 1e3 * random());
      const x = Array.from({ length: 1 + Math.floor(random() * 60) }, draw);
      const y = Array.from({ length: 1 + Math.floor(random() * 60) }, draw);
      expect(hodgesLehmann(x, y)).toBe(bruteForceShift(x, y));
    }
  });

  it('equals the brute force for 1,000 values per side without building the million differences', () => {
    const random = seededRandom(3);
    const x = Array.from({ length: 1000 }, () => 100 + 20 * random());
    const y = Array.from({ length: 1000 }, () => 110 + 25 * random());
    const started = performance.now();
    const shift = hodgesLehmann(x, y);
    const elapsed = performance.now() - started;
    expect(shift).toBe(bruteForceShift(x, y));
    expect(elapsed).toBeLessThan(100);
  });

  it('refuses empty samples, NaN and infinite values', () => {
    expect(() => hodgesLehmann([], [1])).toThrow(new RangeError('sample x is empty'));
    expect(() => hodgesLehmann([1], [Number.NaN])).toThrow(/sample y holds NaN at index 0/);
    expect(() => hodgesLehmann([1, Infinity], [2])).toThrow(/sample x holds Infinity at index 1: only finite values are allowed/);
  });
});

describe('Tukey outlier removal', () => {
  it('drops values beyond 1.5 IQR of the quartiles (numpy’s linear quartiles) and keeps the original order', () => {
    // Sorted 1 2 3 4 100: Q1 = 2, Q3 = 4, IQR = 2, fences [−1, 7].
    expect(removeOutliers([4, 100, 1, 3, 2])).toEqual([4, 1, 3, 2]);
    const sample = [10, 11, 12, 13, 14, 15, 40, -30];
    // Sorted −30 10 11 12 13 14 15 40: Q1 at position 1.75 = 10 + 0.75 = 10.75, Q3 at 5.25 = 14.25; fences [5.5, 19.5].
    expect(removeOutliers(sample)).toEqual([10, 11, 12, 13, 14, 15]);
  });

  it('keeps values exactly on a fence, and widens the fences with k', () => {
    // Sorted 0 1 2 3 → Q1 = 0.75, Q3 = 2.25, IQR 1.5; k = 1 gives fences [−0.75, 3.75].
    expect(removeOutliers([0, 1, 2, 3, 3.75, -0.75], 1)).toEqual([0, 1, 2, 3, 3.75, -0.75]);
    expect(removeOutliers([1, 2, 3, 4, 9])).toEqual([1, 2, 3, 4]);
    expect(removeOutliers([1, 2, 3, 4, 9], 3)).toEqual([1, 2, 3, 4, 9]);
  });

  it('returns a sample of fewer than 4 values whole, and removes +Inf once the fences are finite', () => {
    expect(removeOutliers([1, 1000, 2])).toEqual([1, 1000, 2]);
    expect(removeOutliers([1, 2, 3, 4, 5, Infinity])).toEqual([1, 2, 3, 4, 5]);
  });

  it('refuses an empty sample, NaN and a negative or infinite k', () => {
    expect(() => removeOutliers([])).toThrow(RangeError);
    expect(() => removeOutliers([1, Number.NaN, 2, 3])).toThrow(/NaN at index 1/);
    expect(() => removeOutliers([1, 2, 3, 4], -1)).toThrow(/k must be a finite number ≥ 0, not -1/);
    expect(() => removeOutliers([1, 2, 3, 4], Infinity)).toThrow(RangeError);
  });
});
