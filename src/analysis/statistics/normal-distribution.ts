// The standard normal survival function, accurate to a small relative error far into the upper tail (p-values).

/*
 * Method: Q(z) = P(Z > z) = erfc(z / √2) / 2, with erfc from W. J. Cody, "Rational Chebyshev approximations for the
 * error function", Mathematics of Computation 23 (1969) 631–637, as published in his CALERF routine (netlib
 * specfun/erf, 1990). Three intervals of |x|, each with its own rational approximation, accurate well beyond double
 * precision in exact arithmetic (Cody's tables: maximal relative errors of order 1e-18 and below):
 *   |x| ≤ 0.46875        erf(x) = x·P(x²)/Q(x²), erfc = 1 − erf (no cancellation: erf ≤ 0.5 there);
 *   0.46875 < |x| ≤ 4    erfc(x) = exp(−x²)·P(x)/Q(x);
 *   |x| > 4              erfc(x) = exp(−x²)/x · (1/√π + 1/x²·P(1/x²)/Q(1/x²)).
 * exp(−x²) is where precision is usually lost in the tail: x² rounded to a double carries an absolute error of up to
 * x²·2⁻⁵³, which exp turns into a relative error of the same size (7e-14 at x = 26). Cody splits x = x₁ + δ with
 * x₁ = ⌊16x⌋/16, whose square is exact, and computes exp(−x₁²)·exp(−δ(x + x₁)), which keeps full precision.
 * What remains is the rounding of z/√2 itself (half an ulp of x, i.e. a relative error of about 2x²·2⁻⁵³ in erfc:
 * 1.6e-13 at the underflow end), so Q has a relative error below 1e-12 for every z where it is a normal double.
 * erfc underflows to 0 beyond x ≈ 26.55 (Q below about 1e-308, z above 37.5): Cody's XBIG. scipy (cephes) stops
 * about there too.
 */

const SQRT1_2 = Math.SQRT1_2;
const INV_SQRT_PI = 5.6418958354775628695e-1;
/** Cody's threshold between the first and second interval. */
const THRESHOLD = 0.46875;
/** erfc(x) is below the smallest normal double for x ≥ XBIG (CALERF's IEEE double value). */
const XBIG = 26.543;

// Coefficients, CALERF (netlib specfun/erf), unchanged.
const A = [3.1611237438705656, 1.13864154151050156e2, 3.77485237685302021e2, 3.20937758913846947e3, 1.85777706184603153e-1];
const B = [2.36012909523441209e1, 2.44024637934444173e2, 1.28261652607737228e3, 2.84423683343917062e3];
const C = [
  5.64188496988670089e-1, 8.88314979438837594, 6.61191906371416295e1, 2.98635138197400131e2, 8.8195222124176909e2, 1.71204761263407058e3,
  2.05107837782607147e3, 1.23033935479799725e3, 2.15311535474403846e-8,
];
const D = [
  1.57449261107098347e1, 1.17693950891312499e2, 5.37181101862009858e2, 1.62138957456669019e3, 3.29079923573345963e3, 4.36261909014324716e3,
  3.43936767414372164e3, 1.23033935480374942e3,
];
const P = [3.05326634961232344e-1, 3.60344899949804439e-1, 1.25781726111229246e-1, 1.60837851487422766e-2, 6.58749161529837803e-4, 1.63153871373020978e-2];
const Q = [2.56852019228982242, 1.87295284992346725, 5.27905102951428412e-1, 6.05183413124413191e-2, 2.33520497626869185e-3];

/** erf(x) for |x| ≤ 0.46875 (Cody's first interval). */
function erfNearZero(x: number): number {
  const z = x * x;
  let num = A[4]! * z;
  let den = z;
  for (let i = 0; i < 3; i++) {
    num = (num + A[i]!) * z;
    den = (den + B[i]!) * z;
  }
  return (x * (num + A[3]!)) / (den + B[3]!);
}

/** exp(−y²) without the rounding error of y² (Cody's split of y into a multiple of 1/16 and a remainder). */
function expMinusSquare(y: number): number {
  const y1 = Math.trunc(y * 16) / 16;
  const delta = (y - y1) * (y + y1);
  return Math.exp(-y1 * y1) * Math.exp(-delta);
}

/** erfc(y) for y > 0.46875 (Cody's second and third intervals). */
function erfcAwayFromZero(y: number): number {
  if (y >= XBIG) return 0;
  let ratio: number;
  if (y <= 4) {
    let num = C[8]! * y;
    let den = y;
    for (let i = 0; i < 7; i++) {
      num = (num + C[i]!) * y;
      den = (den + D[i]!) * y;
    }
    ratio = (num + C[7]!) / (den + D[7]!);
  } else {
    const z = 1 / (y * y);
    let num = P[5]! * z;
    let den = z;
    for (let i = 0; i < 4; i++) {
      num = (num + P[i]!) * z;
      den = (den + Q[i]!) * z;
    }
    ratio = (INV_SQRT_PI - (z * (num + P[4]!)) / (den + Q[4]!)) / y;
  }
  return expMinusSquare(y) * ratio;
}

/** The complementary error function erfc(x) = 1 − erf(x), with full relative precision for large positive x. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  const y = Math.abs(x);
  if (y <= THRESHOLD) return 1 - erfNearZero(x);
  const tail = erfcAwayFromZero(y);
  return x < 0 ? 2 - tail : tail;
}

/**
 * The standard normal survival function Q(z) = P(Z > z) (scipy's `norm.sf`): 1 at −∞, 0 at +∞, NaN for NaN.
 * Relative error below 1e-12 wherever the result is a normal double (see the header for why).
 */
export function normalSurvival(z: number): number {
  return 0.5 * erfc(z * SQRT1_2);
}
