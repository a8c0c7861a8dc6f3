/**
 * The truncated normal distribution, as TPE's numeric kernels need it: the log density, the log
 * probability mass of an interval and sampling by inverting the CDF. Everything is in log space so
 * that kernels far in a tail (a narrow Gaussian near one end of a wide domain) keep their precision.
 *
 * Standardised bounds: a kernel with mean mu and scale sigma truncated to [low, high] has
 * a = (low - mu) / sigma and b = (high - mu) / sigma, as scipy.stats.truncnorm(a, b, loc, scale).
 *
 * The approach follows Optuna's optuna/samplers/_tpe/_truncnorm.py (v5.0.0.dev, commit 1d8ce7bb,
 * itself derived from SciPy's truncnorm): the mass of [a, b] uses the left tail where it is
 * accurate (mirroring intervals that lie right of 0), log Phi switches to an asymptotic series
 * below -20, and the quantile function solves log Phi(x) = y by Newton's method. Written here;
 * erfc is FreeBSD's msun s_erf.c (Sun Microsystems, 1993: "Permission to use, copy, modify, and
 * distribute this software is freely granted, provided that this notice is preserved"), whose
 * rational approximations are accurate to < 1 ulp.
 */

// ---- erfc (FreeBSD msun s_erf.c) -------------------------------------------------------------

const erx = 8.45062911510467529297e-1;
// erf on [0, 0.84375]: x + x * P(x^2) / Q(x^2)
const pp = [1.28379167095512558561e-1, -3.25042107247001499370e-1, -2.84817495755985104766e-2, -5.77027029648944159157e-3, -2.37630166566501626084e-5];
const qq = [1, 3.97917223959155352819e-1, 6.50222499887672944485e-2, 5.08130628187576562776e-3, 1.32494738004321644526e-4, -3.96022827877536812320e-6];
// erf on [0.84375, 1.25]: erx + P(s) / Q(s), s = |x| - 1
const pa = [-2.36211856075265944077e-3, 4.14856118683748331666e-1, -3.72207876035701323847e-1, 3.18346619901161753674e-1, -1.10894694282396677476e-1, 3.54783043256182359371e-2, -2.16637559486879084300e-3];
const qa = [1, 1.06420880400844228286e-1, 5.40397917702171048937e-1, 7.18286544141962662868e-2, 1.26171219808761642112e-1, 1.36370839120290507362e-2, 1.19844998467991074170e-2];
// erfc on [1.25, 1/0.35]: exp(-x^2 - 0.5625 + R(1/x^2) / S(1/x^2)) / x
const ra = [-9.86494403484714822705e-3, -6.93858572707181764372e-1, -1.05586262253232909814e1, -6.23753324503260060396e1, -1.62396669462573470355e2, -1.84605092906711035994e2, -8.12874355063065934246e1, -9.81432934416914548592];
const sa = [1, 1.96512716674392571292e1, 1.37657754143519042600e2, 4.34565877475229228821e2, 6.45387271733267880336e2, 4.29008140027567833386e2, 1.08635005541779435134e2, 6.57024977031928170135, -6.04244152148580987438e-2];
// erfc on [1/0.35, 28]
const rb = [-9.86494292470009928597e-3, -7.99283237680523006574e-1, -1.77579549177547519889e1, -1.60636384855821916062e2, -6.37566443368389627722e2, -1.02509513161107724954e3, -4.83519191608651397019e2];
const sb = [1, 3.03380607434824582924e1, 3.25792512996573918826e2, 1.53672958608443695994e3, 3.19985821950859553908e3, 2.55305040643316442583e3, 4.74528541206955367215e2, -2.24409524465858183362e1];

function poly(c: readonly number[], x: number): number {
  let r = 0;
  for (let i = c.length - 1; i >= 0; i--) r = r * x + c[i]!;
  return r;
}

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const LOW_WORD = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 0 : 1;

/** x with the low 32 bits of its mantissa cleared (s_erf.c's SET_LOW_WORD(z, 0)). */
function clearLowWord(x: number): number {
  f64[0] = x;
  u32[LOW_WORD] = 0;
  return f64[0];
}

/** The complementary error function 1 - erf(x), accurate in both tails. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  if (ax < 0.84375) {
    if (ax < 2 ** -56) return 1 - x;
    const z = x * x;
    const y = poly(pp, z) / poly(qq, z);
    if (x < 0.25) return 1 - (x + x * y);
    return 0.5 - (x * y + (x - 0.5));
  }
  if (ax < 1.25) {
    const s = ax - 1;
    const p = poly(pa, s) / poly(qa, s);
    return x >= 0 ? 1 - erx - p : 1 + erx + p;
  }
  if (ax < 28) {
    if (x < -6) return 2;
    const s = 1 / (ax * ax);
    const r = ax < 1 / 0.35 ? poly(ra, s) / poly(sa, s) : poly(rb, s) / poly(sb, s);
    // exp(-x^2) split as exp(-z^2) exp((z - x)(z + x)) with z = x rounded to 21 mantissa bits,
    // so z^2 is exact and the rounding error of x^2 is not amplified by exp.
    const z = clearLowWord(ax);
    const e = Math.exp(-z * z - 0.5625) * Math.exp((z - ax) * (z + ax) + r);
    return x > 0 ? e / ax : 2 - e / ax;
  }
  return x > 0 ? 0 : 2;
}

// ---- the standard normal --------------------------------------------------------------------

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** The standard normal CDF Phi(a), through erfc so that the left tail keeps relative precision. */
export function ndtr(a: number): number {
  return 0.5 * erfc(-a / Math.SQRT2);
}

/** log Phi(a). */
export function logNdtr(a: number): number {
  // log1p(-Phi(-a)) keeps the relative precision that log(Phi(a)) loses near 1 (Optuna takes the
  // log directly up to 6; SciPy's log_ndtr is as precise as this)
  if (a > 0) return Math.log1p(-ndtr(-a));
  if (a > -20) return Math.log(ndtr(a));
  // Asymptotic series (Abramowitz & Stegun 26.2.12): Phi(a) = phi(a) / -a * (1 - 1/a^2 + 3/a^4 - 15/a^6 ...),
  // summed until a term no longer changes the total.
  const logLead = -0.5 * a * a - Math.log(-a) - LOG_SQRT_2PI;
  const inv2 = 1 / (a * a);
  let total = 1;
  let term = 1;
  for (let i = 1; i < 100; i++) {
    term *= -(2 * i - 1) * inv2;
    const next = total + term;
    if (next === total) break;
    total = next;
  }
  return logLead + Math.log(total);
}

/** log of the standard normal density. */
export function normLogPdf(x: number): number {
  return -0.5 * x * x - LOG_SQRT_2PI;
}

/** log(exp(p) + exp(q)). */
export function logAddExp(p: number, q: number): number {
  if (p === -Infinity) return q;
  if (q === -Infinity) return p;
  const m = Math.max(p, q);
  return m + Math.log1p(Math.exp(-Math.abs(p - q)));
}

/** log(exp(p) - exp(q)) for q <= p. */
function logDiff(p: number, q: number): number {
  return p + Math.log1p(-Math.exp(q - p));
}

/** log of the standard normal probability mass of [a, b], a <= b. */
export function logGaussMass(a: number, b: number): number {
  if (b <= 0) return logDiff(logNdtr(b), logNdtr(a));
  if (a > 0) return logDiff(logNdtr(-a), logNdtr(-b));
  // [a, b] holds 0: 1 - Phi(a) - Phi(-b) avoids the cancellation of Phi(b) - Phi(a) near 1.
  return Math.log1p(-ndtr(a) - ndtr(-b));
}

/**
 * The x with log Phi(x) = y, y <= 0 (the inverse of logNdtr). Newton's method on
 * f(x) = log Phi(x) - y, f'(x) = phi(x) / Phi(x), from a tail or logistic first guess; for y near 0
 * it solves the mirrored problem log Phi(-x) = log(1 - e^y) instead.
 */
export function ndtriExp(y: number): number {
  const flipped = y > -1e-2;
  const z = flipped ? Math.log(-Math.expm1(y)) : y;
  // first guess: Gaussian tail for very negative z, else Phi(x) ~ 1 / (1 + exp(-pi x / sqrt 3))
  let x = z < -5 ? -Math.sqrt(-2 * (z + LOG_SQRT_2PI)) : (-Math.sqrt(3) / Math.PI) * Math.log(Math.expm1(-z));
  for (let i = 0; i < 100; i++) {
    const l = logNdtr(x);
    const dx = (l - z) * Math.exp(l - normLogPdf(x));
    x -= dx;
    if (!(Math.abs(dx) >= 1e-8 * Math.abs(x))) break; // also stops on NaN
  }
  return flipped ? -x : x;
}

// ---- the truncated normal -------------------------------------------------------------------

/**
 * log density at x of N(loc, scale^2) truncated to standardised bounds [a, b]
 * (scipy.stats.truncnorm.logpdf(x, a, b, loc, scale)); -Infinity outside.
 */
export function truncnormLogPdf(x: number, a: number, b: number, loc: number, scale: number): number {
  const s = (x - loc) / scale;
  if (s < a || s > b) return -Infinity;
  return normLogPdf(s) - logGaussMass(a, b) - Math.log(scale);
}

/**
 * The quantile q in [0, 1] of the standard normal truncated to [a, b]: the c with
 * Phi(c) = Phi(a) + q (Phi(b) - Phi(a)), computed in log space, in the left tail when a < 0 and
 * mirrored otherwise (scipy.stats.truncnorm.ppf(q, a, b)).
 */
export function truncnormPpf(q: number, a: number, b: number): number {
  if (a === b) return NaN;
  if (q <= 0) return a;
  if (q >= 1) return b;
  const logMass = logGaussMass(a, b);
  let c: number;
  if (a < 0) {
    c = ndtriExp(logAddExp(logNdtr(a), Math.log(q) + logMass));
  } else {
    c = -ndtriExp(logAddExp(logNdtr(-b), Math.log1p(-q) + logMass));
  }
  // Newton stops at a relative 1e-8: keep the result inside the support.
  return Math.min(Math.max(c, a), b);
}

/** A draw from N(loc, scale^2) truncated to standardised [a, b], given a uniform u in [0, 1). */
export function truncnormFromUniform(u: number, a: number, b: number, loc: number, scale: number): number {
  return truncnormPpf(u, a, b) * scale + loc;
}
