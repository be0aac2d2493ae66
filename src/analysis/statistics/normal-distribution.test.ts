import { describe, expect, it } from 'vitest';
import { erfc, normalSurvival } from './normal-distribution.js';

/*
 * Reference values of Q(z) = P(Z > z), computed independently of this code with Python's `decimal` module at 80
 * significant digits (erfc by its Taylor series below x = 3 and by its continued fraction above), rounded to 21
 * digits. They agree with published tables (Abramowitz & Stegun 26.2) where those reach.
 */
const REFERENCE: ReadonlyArray<readonly [number, number]> = [
  [0.1, 4.60172162722971012094e-1],
  [0.5, 3.08537538725986881794e-1],
  [1, 1.58655253931457046468e-1],
  [2, 2.27501319481792085853e-2],
  [3, 1.34989803163009457719e-3],
  [4, 3.1671241833119924327e-5],
  [5, 2.86651571879193911854e-7],
  [5.5, 1.89895624658877178746e-8],
  [7.5, 3.19089167291089634892e-14],
  [10, 7.61985302416052545054e-24],
  [15, 3.6709661993127508291e-51],
  [20, 2.75362411860623373713e-89],
  [25, 3.05669670638256101993e-138],
  [30, 4.90671392714818717732e-198],
  [35, 1.12491070647240624199e-268],
  [37.5, 4.60535300958195519145e-308],
  [-1, 8.41344746068542925777e-1],
  [-3, 9.98650101968369896532e-1],
];

describe('the standard normal survival function', () => {
  it.each(REFERENCE)('Q(%s) is within 1e-12 relative of the 80-digit reference, from the centre to the edge of underflow', (z, q) => {
    expect(Math.abs(normalSurvival(z) - q) / q).toBeLessThan(1e-12);
  });

  it('is one half at zero and 1 − Q(z) on the negative side', () => {
    expect(normalSurvival(0)).toBe(0.5);
    for (const z of [0.3, 0.6629, 1.7, 3.9, 4.1, 8]) expect(normalSurvival(-z)).toBeCloseTo(1 - normalSurvival(z), 15);
  });

  it('falls strictly across the boundaries of Cody’s three intervals (|x| = 0.46875 and 4)', () => {
    for (const x of [0.46875, 4]) {
      const z = x * Math.SQRT2;
      const values = [-1e-9, 0, 1e-9].map((d) => normalSurvival(z + d));
      expect(values[0]).toBeGreaterThan(values[1]!);
      expect(values[1]).toBeGreaterThan(values[2]!);
    }
  });

  it('is 1 at −∞, 0 at +∞ and beyond the underflow threshold, NaN for NaN', () => {
    expect(normalSurvival(-Infinity)).toBe(1);
    expect(normalSurvival(Infinity)).toBe(0);
    expect(normalSurvival(38)).toBe(0);
    expect(normalSurvival(Number.NaN)).toBeNaN();
  });

  it('rests on erfc, which is 1 at 0, 2 − erfc(x) for negative x and exp(−x²)/(x√π)·(1 − 1/(2x²) + …) far out', () => {
    expect(erfc(0)).toBe(1);
    expect(erfc(-1.3)).toBeCloseTo(2 - erfc(1.3), 15);
    const x = 20;
    const asymptotic = (Math.exp(-x * x) / (x * Math.sqrt(Math.PI))) * (1 - 1 / (2 * x * x) + 3 / (4 * x ** 4) - 15 / (8 * x ** 6));
    expect(Math.abs(erfc(x) - asymptotic) / asymptotic).toBeLessThan(1e-9);
  });
});
