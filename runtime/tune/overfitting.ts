/**
 * How much of a sweep's best result is selection luck. Two statistics, both pure functions over
 * Float64Array:
 *
 * - The deflated Sharpe ratio (DSR): Bailey, D. H. and M. López de Prado (2014), "The Deflated
 *   Sharpe Ratio: Correcting for Selection Bias, Backtest Overfitting and Non-Normality", Journal of
 *   Portfolio Management 40 (5), 94-107. The probability that the chosen strategy's true Sharpe
 *   beats the Sharpe the best of N worthless trials would show by luck alone.
 * - The probability of backtest overfitting (PBO) by combinatorially symmetric cross-validation
 *   (CSCV): Bailey, D. H., J. Borwein, M. López de Prado and Q. J. Zhu (2017), "The Probability of
 *   Backtest Overfitting", Journal of Computational Finance 20 (4), 39-69. How often the in-sample
 *   best of N strategies lands in the bottom half out of sample.
 *
 * Every Sharpe here is per period (per row of returns), never annualised: the formulas use the
 * per-period Sharpe together with the number of periods T, and mixing an annualised Sharpe with a
 * per-period T makes the PSR saturate near 1. To report an annualised figure multiply a per-period
 * Sharpe by sqrt(periods per year) (sqrt(252) for daily bars, sqrt(365 * 24) for hourly crypto
 * bars); `deflatedSharpe` does it for display when given `periodsPerYear`.
 *
 * Sharpe convention (used by `sharpeRatio`, the DSR and the CSCV default measure): mean over the
 * sample standard deviation (divisor n - 1), no risk-free rate (pass excess returns if you need
 * one). A series with zero deviation has Sharpe 0 when its mean is 0 (a strategy that never
 * trades) and +/-Infinity otherwise.
 */

// ---------------------------------------------------------------------------------------------
// The standard normal distribution

/**
 * Standard normal CDF Phi(x) = erfc(-x / sqrt 2) / 2, with erf and erfc by W. J. Cody's rational
 * Chebyshev approximations (W. J. Cody, "Rational Chebyshev Approximations for the Error Function",
 * Mathematics of Computation 23 (107), 631-637, 1969; the coefficients of Netlib SPECFUN's CALERF).
 * The lower tail comes straight from erfc (no 1 - Phi cancellation), so Phi(-20) keeps its digits.
 * Relative error against scipy.stats.norm.cdf: below 1e-15 for x > -1, 2e-15 down to x = -8,
 * 2e-14 down to -20 and 6e-14 near -37, below which it returns 0.
 */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const y = x * Math.SQRT1_2;
  const ay = Math.abs(y);
  if (ay <= 0.46875) return 0.5 + 0.5 * erfSmall(y);
  const tail = 0.5 * erfcLarge(ay);
  return x > 0 ? 1 - tail : tail;
}

/** erf(y) for |y| <= 0.46875 (CALERF's first interval). */
function erfSmall(y: number): number {
  const z = y * y;
  const num = (((0.185777706184603153 * z + 3.16112374387056560) * z + 113.864154151050156) * z + 377.485237685302021) * z + 3209.37758913846947;
  const den = (((z + 23.6012909523441209) * z + 244.024637934444173) * z + 1282.61652607737228) * z + 2844.23683343917062;
  return (y * num) / den;
}

/** erfc(y) for y > 0.46875 (CALERF's second and third intervals). */
function erfcLarge(y: number): number {
  if (y >= 26.543) return 0;
  let r: number;
  if (y <= 4) {
    const num =
      (((((((2.15311535474403846e-8 * y + 0.564188496988670089) * y + 8.88314979438837594) * y + 66.1191906371416295) * y + 298.635138197400131) * y +
        881.952221241769090) *
        y +
        1712.04761263407058) *
        y +
        2051.07837782607147) *
        y +
      1230.33935479799725;
    const den =
      (((((((y + 15.7449261107098347) * y + 117.693950891312499) * y + 537.181101862009858) * y + 1621.38957456669019) * y + 3290.79923573345963) * y +
        4362.61909014324716) *
        y +
        3439.36767414372164) *
        y +
      1230.33935480374942;
    r = num / den;
  } else {
    const z = 1 / (y * y);
    const num = ((((0.0163153871373020978 * z + 0.305326634961232344) * z + 0.360344899949804439) * z + 0.125781726111229246) * z + 0.0160837851487422766) * z + 6.58749161529837803e-4;
    const den = ((((z + 2.56852019228982242) * z + 1.87295284992346047) * z + 0.527905102951428412) * z + 0.0605183413124413191) * z + 2.33520497626869185e-3;
    r = (0.56418958354775628695 - (z * num) / den) / y;
  }
  // exp(-y^2) as exp(-ys^2) exp(-(y - ys)(y + ys)) with ys = y rounded down to 1/16: y^2 is not
  // exact in floating point and its rounding error would be magnified by exp in the far tail.
  const ys = Math.trunc(16 * y) / 16;
  return Math.exp(-ys * ys) * Math.exp(-(y - ys) * (y + ys)) * r;
}

/**
 * Inverse standard normal CDF Phi^-1(p), by Wichura's algorithm AS 241 (PPND16): M. J. Wichura,
 * "Algorithm AS 241: The Percentage Points of the Normal Distribution", Applied Statistics 37 (3),
 * 477-484, 1988. Relative accuracy about 1e-16 over (0, 1); the same algorithm backs R's qnorm and
 * Python's statistics.NormalDist.inv_cdf. Returns -Infinity at 0, +Infinity at 1, NaN outside [0, 1].
 */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (
      (q *
        (((((((2509.0809287301226727 * r + 33430.575583588128105) * r + 67265.770927008700853) * r + 45921.953931549871457) * r +
          13731.693765509461125) *
          r +
          1971.5909503065514427) *
          r +
          133.14166789178437745) *
          r +
          3.387132872796366608)) /
      (((((((5226.495278852854561 * r + 28729.085735721942674) * r + 39307.89580009271061) * r + 21213.794301586595867) * r +
        5394.1960214247511077) *
        r +
        687.1870074920579083) *
        r +
        42.313330701600911252) *
        r +
        1)
    );
  }
  let r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
  let x: number;
  if (r <= 5) {
    r -= 1.6;
    x =
      (((((((7.7454501427834140764e-4 * r + 0.0227238449892691845833) * r + 0.24178072517745061177) * r + 1.27045825245236838258) * r +
        3.64784832476320460504) *
        r +
        5.7694972214606914055) *
        r +
        4.6303378461565452959) *
        r +
        1.42343711074968357734) /
      (((((((1.05075007164441684324e-9 * r + 5.475938084995344946e-4) * r + 0.0151986665636164571966) * r + 0.14810397642748007459) * r +
        0.68976733498510000455) *
        r +
        1.6763848301838038494) *
        r +
        2.05319162663775882187) *
        r +
        1);
  } else {
    r -= 5;
    x =
      (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r + 0.0012426609473880784386) * r + 0.026532189526576123093) * r +
        0.29656057182850489123) *
        r +
        1.7848265399172913358) *
        r +
        5.4637849111641143699) *
        r +
        6.6579046435011037772) /
      (((((((2.04426310338993978564e-15 * r + 1.4215117583164458887e-7) * r + 1.8463183175100546818e-5) * r + 7.868691311456132591e-4) * r +
        0.0148753612908506148525) *
        r +
        0.13692988092273580531) *
        r +
        0.59983220655588793769) *
        r +
        1);
  }
  return q < 0 ? -x : x;
}

// ---------------------------------------------------------------------------------------------
// Moments and the Sharpe ratio

/** Per-period Sharpe ratio: mean / sample standard deviation (n - 1). See the module comment for zero deviation. */
export function sharpeRatio(returns: ArrayLike<number>): number {
  const n = returns.length;
  if (n < 2) return NaN;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += returns[i];
  const mean = sum / n;
  let m2 = 0;
  for (let i = 0; i < n; i++) m2 += (returns[i] - mean) ** 2;
  return sharpeOf(mean, m2, n);
}

function sharpeOf(mean: number, m2: number, n: number): number {
  const sd = Math.sqrt(m2 / (n - 1));
  if (sd > 0) return mean / sd;
  if (mean === 0) return 0;
  return mean > 0 ? Infinity : mean < 0 ? -Infinity : NaN;
}

/** Sample moments of a series: mean, sample sd (n - 1), skewness m3 / m2^1.5 and non-excess kurtosis m4 / m2^2 (population moments, no bias correction; scipy.stats.skew and kurtosis(fisher=False) with their defaults). */
export function moments(returns: ArrayLike<number>): { mean: number; sd: number; skew: number; kurtosis: number } {
  const n = returns.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += returns[i];
  const mean = sum / n;
  let s2 = 0;
  let s3 = 0;
  let s4 = 0;
  for (let i = 0; i < n; i++) {
    const d = returns[i] - mean;
    const d2 = d * d;
    s2 += d2;
    s3 += d2 * d;
    s4 += d2 * d2;
  }
  const m2 = s2 / n;
  return { mean, sd: Math.sqrt(s2 / (n - 1)), skew: s3 / n / m2 ** 1.5, kurtosis: s4 / n / (m2 * m2) };
}

// ---------------------------------------------------------------------------------------------
// Probabilistic and deflated Sharpe ratio

/** The Euler-Mascheroni constant. */
export const EULER_GAMMA = 0.5772156649015329;

export interface PsrInput {
  /** Observed per-period Sharpe ratio SR_hat. */
  sharpe: number;
  /** Benchmark per-period Sharpe SR* to beat (0 for "is it positive", SR0 for the DSR). */
  benchmark: number;
  /** Number of return observations T. */
  observations: number;
  /** Sample skewness of the returns (0 for normal returns). */
  skew: number;
  /** Non-excess kurtosis of the returns (3 for normal returns). */
  kurtosis: number;
}

/**
 * Probabilistic Sharpe ratio (Bailey and López de Prado 2012, "The Sharpe Ratio Efficient
 * Frontier", Journal of Risk 15 (2); eq. 2 of the 2014 DSR paper):
 * PSR(SR*) = Phi( (SR_hat - SR*) sqrt(T - 1) / sqrt(1 - skew SR_hat + (kurt - 1) / 4 SR_hat^2) ),
 * the probability that the true Sharpe exceeds SR* given the estimate's non-normal standard error.
 * The square root's argument is never negative for moments of a real sample (Pearson's inequality
 * kurt >= 1 + skew^2 makes it a square plus a non-negative term); NaN if it is 0 or the input is.
 */
export function probabilisticSharpe({ sharpe, benchmark, observations, skew, kurtosis }: PsrInput): number {
  const v = 1 - skew * sharpe + ((kurtosis - 1) / 4) * sharpe * sharpe;
  if (!(v > 0) || !(observations > 1)) return NaN;
  return normalCdf(((sharpe - benchmark) * Math.sqrt(observations - 1)) / Math.sqrt(v));
}

/**
 * Expected maximum Sharpe of N independent trials whose true Sharpe is 0 (the DSR paper's eq. on
 * SR0, from the false strategy theorem of Bailey, Borwein, López de Prado and Zhu 2014):
 * SR0 = sqrt(V) ((1 - gamma) Phi^-1(1 - 1/N) + gamma Phi^-1(1 - 1/(N e))), V the variance of the
 * trials' Sharpe ratios, gamma the Euler-Mascheroni constant. N may be fractional (an effective
 * number of independent trials); N = 1 gives 0 (nothing was selected).
 */
export function expectedMaxSharpe(trials: number, variance: number): number {
  if (!(trials >= 1)) throw new RangeError(`expectedMaxSharpe: trials must be >= 1, got ${trials}`);
  if (!(variance >= 0)) throw new RangeError(`expectedMaxSharpe: the variance of the trial Sharpes must be >= 0, got ${variance}`);
  if (trials === 1) return 0;
  return Math.sqrt(variance) * ((1 - EULER_GAMMA) * normalQuantile(1 - 1 / trials) + EULER_GAMMA * normalQuantile(1 - 1 / (trials * Math.E)));
}

export interface DeflatedSharpeInput {
  /** Per-period returns of the chosen strategy (the sweep's best). */
  returns: ArrayLike<number>;
  /** Per-period Sharpe of every trial the sweep ran, the chosen one included (compute them with `sharpeRatio`). */
  trialSharpes: ArrayLike<number>;
  /** Effective number of independent trials when the trials are correlated (default: trialSharpes.length). */
  effectiveTrials?: number;
  /** Periods per year, only to fill the annualised fields (252 daily, 365 * 24 hourly crypto). */
  periodsPerYear?: number;
}

export interface DeflatedSharpe {
  /** Per-period Sharpe of the chosen strategy's returns. */
  sharpe: number;
  skew: number;
  /** Non-excess kurtosis (3 for normal returns). */
  kurtosis: number;
  /** Number of returns T. */
  observations: number;
  /** Number of trials N used in SR0 (effectiveTrials when given). */
  trials: number;
  /** Sample variance (n - 1) of the trials' per-period Sharpe ratios. */
  trialVariance: number;
  /** Expected maximum per-period Sharpe of N worthless trials. */
  expectedMaxSharpe: number;
  /** PSR(0): the probability the true Sharpe is positive, ignoring selection. */
  psr: number;
  /** DSR = PSR(SR0). */
  dsr: number;
  /** sharpe * sqrt(periodsPerYear), when periodsPerYear is given. */
  annualisedSharpe?: number;
  /** expectedMaxSharpe * sqrt(periodsPerYear), when periodsPerYear is given. */
  annualisedExpectedMaxSharpe?: number;
}

/**
 * The deflated Sharpe ratio of a sweep's chosen strategy: DSR = PSR(SR0) with SR0 the expected
 * maximum Sharpe of the sweep's N trials under the null, the Sharpe, skewness and kurtosis from the
 * chosen strategy's returns (see `moments`), everything per period.
 */
export function deflatedSharpe({ returns, trialSharpes, effectiveTrials, periodsPerYear }: DeflatedSharpeInput): DeflatedSharpe {
  const T = returns.length;
  if (T < 3) throw new RangeError(`deflatedSharpe: need at least 3 returns, got ${T}`);
  const n = trialSharpes.length;
  if (n < 1) throw new RangeError('deflatedSharpe: trialSharpes is empty; pass the Sharpe ratio of every trial of the sweep');
  let sum = 0;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(trialSharpes[i])) throw new RangeError(`deflatedSharpe: trialSharpes[${i}] is ${trialSharpes[i]}; every trial Sharpe must be finite`);
    sum += trialSharpes[i];
  }
  const meanTrial = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (trialSharpes[i] - meanTrial) ** 2;
  const trialVariance = n > 1 ? ss / (n - 1) : 0;
  const trials = effectiveTrials ?? n;
  const m = moments(returns);
  const sharpe = sharpeOf(m.mean, m.sd * m.sd * (T - 1), T);
  const sr0 = expectedMaxSharpe(trials, trialVariance);
  const base = { sharpe, skew: m.skew, kurtosis: m.kurtosis, observations: T };
  const out: DeflatedSharpe = {
    ...base,
    trials,
    trialVariance,
    expectedMaxSharpe: sr0,
    psr: probabilisticSharpe({ ...base, benchmark: 0 }),
    dsr: probabilisticSharpe({ ...base, benchmark: sr0 }),
  };
  if (periodsPerYear !== undefined) {
    out.annualisedSharpe = sharpe * Math.sqrt(periodsPerYear);
    out.annualisedExpectedMaxSharpe = sr0 * Math.sqrt(periodsPerYear);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Probability of backtest overfitting (CSCV)

/**
 * A performance measure of one strategy over a set of rows. 'sharpe' (default) and 'mean' are
 * computed from per-partition sums, so each split costs O(N S); a function receives the rows of one
 * column in time order (in-sample or out-of-sample rows concatenated) and costs O(T N) per split.
 */
export type PerformanceMeasure = 'sharpe' | 'mean' | ((rows: Float64Array) => number);

export interface PboInput {
  /** The T x N matrix as N columns (one per strategy or parameter combination), each T per-period returns. */
  columns: readonly Float64Array[];
  /** Number of row partitions S, even, >= 2 (default 16, giving C(16, 8) = 12,870 splits). */
  partitions?: number;
  measure?: PerformanceMeasure;
}

export interface LogitSummary {
  mean: number;
  sd: number;
  min: number;
  q05: number;
  q25: number;
  median: number;
  q75: number;
  q95: number;
  max: number;
}

export interface Pbo {
  /** Share of splits whose logit is <= 0: the in-sample best ranked at or below the out-of-sample median. */
  pbo: number;
  /** Number of splits C(S, S/2). */
  splits: number;
  partitions: number;
  /** Rows T and strategies N. */
  rows: number;
  strategies: number;
  /** Per split, in the order of `splitPartitions`: the logit lambda = ln(omega / (1 - omega)). */
  logits: Float64Array;
  /** Summary of the logits (quantiles by linear interpolation, numpy's default). */
  logitSummary: LogitSummary;
  /** Per split: the column chosen in sample (the first on ties). */
  selected: Int32Array;
  /** Per split: the chosen column's performance in sample and out of sample. */
  inSample: Float64Array;
  outOfSample: Float64Array;
  /** Least-squares fit outOfSample = intercept + slope * inSample over the splits (performance degradation; slope < 0 is the overfitting signature). */
  degradation: { slope: number; intercept: number; r2: number };
  /** Share of splits where the chosen column's out-of-sample performance is < 0. */
  probabilityOfLoss: number;
}

/** Row range [start, end) of partition k of T rows into S: floor(k T / S) to floor((k + 1) T / S), so sizes differ by at most one and every row is used. */
export function partitionBounds(rows: number, partitions: number, k: number): [number, number] {
  return [Math.floor((k * rows) / partitions), Math.floor(((k + 1) * rows) / partitions)];
}

/** Every choice of S/2 of the S partitions as the in-sample set, in lexicographic order (Python's itertools.combinations order). */
export function splitPartitions(partitions: number): Int32Array[] {
  const half = partitions / 2;
  const out: Int32Array[] = [];
  const c = Int32Array.from({ length: half }, (_, i) => i);
  for (;;) {
    out.push(c.slice());
    let i = half - 1;
    while (i >= 0 && c[i] === partitions - half + i) i--;
    if (i < 0) return out;
    c[i]++;
    for (let j = i + 1; j < half; j++) c[j] = c[j - 1] + 1;
  }
}

/**
 * Probability of backtest overfitting by combinatorially symmetric cross-validation (Bailey,
 * Borwein, López de Prado and Zhu 2017, section 2): cut the T rows into S contiguous partitions;
 * for each of the C(S, S/2) ways to pick half of them as the in-sample set (the rest, in time order,
 * being out of sample), take the strategy n* with the best in-sample performance and its relative
 * rank omega = rank / (N + 1) among the N out-of-sample performances, rank 1 the worst and N the
 * best (ties share their average rank, as scipy.stats.rankdata's default), and the logit
 * lambda = ln(omega / (1 - omega)). PBO is the share of splits with lambda <= 0, i.e. the in-sample
 * best did no better than the out-of-sample median. Ties in sample pick the first column.
 */
export function probabilityOfOverfitting({ columns, partitions = 16, measure = 'sharpe' }: PboInput): Pbo {
  const N = columns.length;
  if (N < 2) throw new RangeError(`probabilityOfOverfitting: need at least 2 strategies (columns), got ${N}`);
  const T = columns[0].length;
  const S = partitions;
  if (!Number.isInteger(S) || S < 2 || S % 2 !== 0) throw new RangeError(`probabilityOfOverfitting: partitions must be an even integer >= 2, got ${S}`);
  if (T < 2 * S) throw new RangeError(`probabilityOfOverfitting: ${T} rows cannot be cut into ${S} partitions of at least 2 rows; use fewer partitions`);
  columns.forEach((col, n) => {
    if (col.length !== T) throw new RangeError(`probabilityOfOverfitting: column ${n} has ${col.length} rows, column 0 has ${T}; all columns must be the same length`);
    for (let t = 0; t < T; t++) if (!Number.isFinite(col[t])) throw new RangeError(`probabilityOfOverfitting: column ${n} row ${t} is ${col[t]}; CSCV needs a complete matrix (use 0 for a flat period)`);
  });

  const combos = splitPartitions(S);
  const C = combos.length;
  const logits = new Float64Array(C);
  const selected = new Int32Array(C);
  const inSample = new Float64Array(C);
  const outOfSample = new Float64Array(C);
  const isPerf = new Float64Array(N);
  const oosPerf = new Float64Array(N);
  const evaluate = measure === 'sharpe' || measure === 'mean' ? partitionEvaluator(columns, S, measure) : functionEvaluator(columns, S, measure);

  for (let c = 0; c < C; c++) {
    const combo = combos[c];
    let from = 0;
    if (c > 0) while (combo[from] === combos[c - 1][from]) from++;
    evaluate(combo, from, isPerf, oosPerf);
    let best = 0;
    for (let n = 1; n < N; n++) if (isPerf[n] > isPerf[best] || (Number.isNaN(isPerf[best]) && !Number.isNaN(isPerf[n]))) best = n;
    const v = oosPerf[best];
    let below = 0;
    let equal = 0;
    for (let n = 0; n < N; n++) {
      if (oosPerf[n] < v) below++;
      else if (oosPerf[n] === v) equal++;
    }
    // Average rank of v among the N values (equal includes best itself).
    const rank = below + (equal + 1) / 2;
    const omega = rank / (N + 1);
    logits[c] = Math.log(omega / (1 - omega));
    selected[c] = best;
    inSample[c] = isPerf[best];
    outOfSample[c] = v;
  }

  let overfit = 0;
  let losses = 0;
  for (let c = 0; c < C; c++) {
    if (logits[c] <= 0) overfit++;
    if (outOfSample[c] < 0) losses++;
  }
  return {
    pbo: overfit / C,
    splits: C,
    partitions: S,
    rows: T,
    strategies: N,
    logits,
    logitSummary: summarise(logits),
    selected,
    inSample,
    outOfSample,
    degradation: leastSquares(inSample, outOfSample),
    probabilityOfLoss: losses / C,
  };
}

/**
 * Fills the in-sample and out-of-sample performance of every column for one split: `combo` lists
 * the in-sample partitions in increasing order, `from` is the first position where it differs from
 * the previous split's (0 for the first split).
 */
type Evaluator = (combo: Int32Array, from: number, isOut: Float64Array, oosOut: Float64Array) => void;

/**
 * Per partition k and column n: the sum and the sum of squares of the column's returns, centred
 * on the column's full-sample mean so that var = (sum x^2 - (sum x)^2 / n) / (n - 1) does not
 * cancel (after centring, (sum x)^2 / n is small beside sum x^2). A split adds S/2 partitions for
 * the in-sample side and takes the out-of-sample side as the total minus the in-sample side:
 * O(N S / 2) additions per split, no pass over the rows.
 */
function partitionEvaluator(columns: readonly Float64Array[], S: number, measure: 'sharpe' | 'mean'): Evaluator {
  const N = columns.length;
  const T = columns[0].length;
  const count = new Float64Array(S);
  const sums = new Float64Array(S * N);
  const squares = new Float64Array(S * N);
  const centre = new Float64Array(N);
  const totalSum = new Float64Array(N);
  const totalSquares = new Float64Array(N);
  for (let n = 0; n < N; n++) {
    const col = columns[n];
    let sum = 0;
    for (let t = 0; t < T; t++) sum += col[t];
    const c = sum / T;
    centre[n] = c;
    for (let k = 0; k < S; k++) {
      const [a, b] = partitionBounds(T, S, k);
      let s1 = 0;
      let s2 = 0;
      for (let t = a; t < b; t++) {
        const d = col[t] - c;
        s1 += d;
        s2 += d * d;
      }
      sums[k * N + n] = s1;
      squares[k * N + n] = s2;
      totalSum[n] += s1;
      totalSquares[n] += s2;
    }
  }
  for (let k = 0; k < S; k++) {
    const [a, b] = partitionBounds(T, S, k);
    count[k] = b - a;
  }
  // Running sums over the in-sample partitions c[0..d] for each depth d: consecutive splits in
  // lexicographic order share a prefix, so a split recomputes only the depths from the first
  // partition that changed (about two on average instead of S/2). The additions happen in the same
  // order as a fresh left-to-right sum, so the result does not depend on the previous split.
  const half = S / 2;
  const acc1 = new Float64Array(half * N);
  const acc2 = new Float64Array(half * N);
  const prefixRows = new Float64Array(half);
  return (combo, from, isOut, oosOut) => {
    for (let d = from; d < half; d++) {
      const base = combo[d] * N;
      const at = d * N;
      prefixRows[d] = (d > 0 ? prefixRows[d - 1] : 0) + count[combo[d]];
      if (d === 0) {
        for (let n = 0; n < N; n++) {
          acc1[n] = sums[base + n];
          acc2[n] = squares[base + n];
        }
      } else {
        const prev = at - N;
        for (let n = 0; n < N; n++) {
          acc1[at + n] = acc1[prev + n] + sums[base + n];
          acc2[at + n] = acc2[prev + n] + squares[base + n];
        }
      }
    }
    const rows = prefixRows[half - 1];
    const last = (half - 1) * N;
    emit(acc1.subarray(last, last + N), acc2.subarray(last, last + N), rows, 1, isOut);
    emit(acc1.subarray(last, last + N), acc2.subarray(last, last + N), T - rows, -1, oosOut);
  };

  /** Performance from sums (sign 1) or from the total minus the sums (sign -1). */
  function emit(a: Float64Array, b: Float64Array, rows: number, sign: 1 | -1, out: Float64Array): void {
    for (let n = 0; n < N; n++) {
      const sum = sign === 1 ? a[n] : totalSum[n] - a[n];
      const sq = sign === 1 ? b[n] : totalSquares[n] - b[n];
      const dev = sum / rows;
      if (measure === 'mean') {
        out[n] = centre[n] + dev;
        continue;
      }
      const m2 = Math.max(0, sq - sum * dev);
      out[n] = sharpeOf(centre[n] + dev, m2, rows);
    }
  }
}

function functionEvaluator(columns: readonly Float64Array[], S: number, measure: (rows: Float64Array) => number): Evaluator {
  const T = columns[0].length;
  const buffer = new Float64Array(T);
  const side = (col: Float64Array, inSet: Uint8Array, want: number): number => {
    let len = 0;
    for (let k = 0; k < S; k++) {
      if (inSet[k] !== want) continue;
      const [a, b] = partitionBounds(T, S, k);
      buffer.set(col.subarray(a, b), len);
      len += b - a;
    }
    return measure(buffer.subarray(0, len));
  };
  const inSet = new Uint8Array(S);
  return (combo, _from, isOut, oosOut) => {
    inSet.fill(0);
    for (const k of combo) inSet[k] = 1;
    columns.forEach((col, n) => {
      isOut[n] = side(col, inSet, 1);
      oosOut[n] = side(col, inSet, 0);
    });
  };
}

/** Quantile by linear interpolation between order statistics (numpy.quantile's default, Hyndman and Fan type 7). */
export function quantileSorted(sorted: Float64Array, p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

function summarise(values: Float64Array): LogitSummary {
  const sorted = Float64Array.from(values).sort();
  const n = values.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i];
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (values[i] - mean) ** 2;
  return {
    mean,
    sd: n > 1 ? Math.sqrt(ss / (n - 1)) : 0,
    min: sorted[0],
    q05: quantileSorted(sorted, 0.05),
    q25: quantileSorted(sorted, 0.25),
    median: quantileSorted(sorted, 0.5),
    q75: quantileSorted(sorted, 0.75),
    q95: quantileSorted(sorted, 0.95),
    max: sorted[n - 1],
  };
}

/** Ordinary least squares y = a + b x over the finite pairs; NaN slope when x does not vary. */
function leastSquares(x: Float64Array, y: Float64Array): { slope: number; intercept: number; r2: number } {
  let n = 0;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]) || !Number.isFinite(y[i])) continue;
    n++;
    sx += x[i];
    sy += y[i];
  }
  const mx = sx / n;
  const my = sy / n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]) || !Number.isFinite(y[i])) continue;
    sxx += (x[i] - mx) ** 2;
    sxy += (x[i] - mx) * (y[i] - my);
    syy += (y[i] - my) ** 2;
  }
  const slope = sxx > 0 ? sxy / sxx : NaN;
  return { slope, intercept: my - slope * mx, r2: sxx > 0 && syy > 0 ? (sxy * sxy) / (sxx * syy) : NaN };
}
