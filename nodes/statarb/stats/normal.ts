/**
 * The standard normal CDF, accurate to a few ulps relative also deep in the lower tail (MacKinnon
 * p-values of very negative statistics are tiny numbers whose relative size matters).
 *
 * Phi(x) = erfc(-x / sqrt 2) / 2, with erfc(z) for z >= 0 from
 * - z < 2: 1 - erf(z), erf by the positive series erf(z) = 2/sqrt(pi) e^{-z^2} sum_n 2^n z^{2n+1} / (1*3*...*(2n+1))
 *   (Abramowitz & Stegun 7.1.6: no alternating cancellation);
 * - z >= 2: the continued fraction erfc(z) = e^{-z^2}/sqrt(pi) * 1/(z + (1/2)/(z + 1/(z + (3/2)/(z + ...))))
 *   (A&S 7.1.14), evaluated by the modified Lentz algorithm (Numerical Recipes 3rd ed., 5.2).
 * erfc(-z) = 2 - erfc(z).
 */
const SQRT_PI = Math.sqrt(Math.PI);

function erfSeries(z: number): number {
  const z2 = z * z;
  let term = z;
  let sum = z;
  for (let n = 1; n < 200; n++) {
    term *= (2 * z2) / (2 * n + 1);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return ((2 / SQRT_PI) * Math.exp(-z2)) * sum;
}

function erfcContinuedFraction(z: number): number {
  // f = z + a1/(z + a2/(z + ...)), a_n = n/2.
  const tiny = 1e-300;
  let f = z;
  let c = z;
  let d = 0;
  for (let n = 1; n < 500; n++) {
    const a = n / 2;
    d = z + a * d;
    if (d === 0) d = tiny;
    c = z + a / c;
    if (c === 0) c = tiny;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-z * z) / SQRT_PI / f;
}

/** erfc(z) for any z. */
export function erfc(z: number): number {
  if (Number.isNaN(z)) return NaN;
  if (z < 0) return 2 - erfc(-z);
  if (z < 2) return 1 - erfSeries(z);
  if (z > 27) return 0;
  return erfcContinuedFraction(z);
}

/** Standard normal CDF (scipy.stats.norm.cdf). */
export function normCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}
