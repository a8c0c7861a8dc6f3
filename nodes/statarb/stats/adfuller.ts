/**
 * The augmented Dickey-Fuller unit-root test, as statsmodels 0.13.5
 * `statsmodels.tsa.stattools.adfuller(x, maxlag, regression, autolag)` computes it (Said & Dickey
 * 1984; lag selection as in statsmodels, default maximum lag after Schwert 1989).
 *
 * For a series x_0 .. x_{T-1}, with dx_t = x_{t+1} - x_t, the regression at lag p is
 *   dx_t = [trend terms] + gamma x_t + sum_{j=1..p} phi_j dx_{t-j} + e_t,  t = p .. T-2,
 * (trend terms: none for 'n'; 1 for 'c'; 1, s for 'ct'; 1, s, s^2 for 'ctt', s = 1 .. nobs) and
 * the statistic is gamma's t-value. Exactly as statsmodels:
 * - maxlag defaults to ceil(12 (T/100)^(1/4)), capped at floor(T/2) - ntrend - 1 (an error if < 0);
 * - autolag 'aic' / 'bic': every lag 0 .. maxlag is fitted on the SAME sample (the last
 *   T - 1 - maxlag rows), the smallest criterion wins (ties: the smaller lag), then the chosen lag
 *   is re-fitted on all the rows it allows (T - 1 - lag): usedlag, nobs and the statistic come
 *   from that re-fit, icbest from the search;
 * - autolag null: the lag is maxlag;
 * - p-value mackinnonp(stat, regression, 1), critical values mackinnoncrit(1, regression, nobs).
 * AIC = -2 llf + 2 k, BIC = -2 llf + ln(nobs) k, with k the number of regressors and llf the
 * Gaussian OLS log-likelihood. Cost: one Householder QR for the whole lag search (nested models,
 * see leastSquares.ts) and one for the re-fit: O(T maxlag^2).
 */
import { linearFit, olsLogLikelihood, qrFit } from './leastSquares.js';
import { mackinnoncrit, mackinnonp, type Regression } from './mackinnon.js';

export interface AdfOptions {
  /** Highest lag considered (default: statsmodels' rule above). */
  readonly maxlag?: number;
  readonly regression?: Regression;
  /** 'aic' (default), 'bic', or null for a fixed lag = maxlag. */
  readonly autolag?: 'aic' | 'bic' | null;
}

export interface AdfResult {
  readonly stat: number;
  readonly pvalue: number;
  readonly usedlag: number;
  readonly nobs: number;
  /** Critical values at 1%, 5%, 10%. */
  readonly crit: [number, number, number];
  /** The best information criterion of the lag search (NaN without autolag). */
  readonly icbest: number;
  readonly maxlag: number;
}

const NTREND: Record<Regression, number> = { n: 0, c: 1, ct: 2, ctt: 3 };

/** statsmodels' default maximum lag for a series of T points and a regression with ntrend terms. */
export function adfDefaultMaxlag(T: number, regression: Regression = 'c'): number {
  const rule = Math.ceil(12 * Math.pow(T / 100, 1 / 4));
  return Math.min(Math.floor(T / 2) - NTREND[regression] - 1, rule);
}

/** Columns [trend..., level, dx lag 1 .. p] and the response, over rows t = lag .. T-2 (p <= lag). */
function design(x: Float64Array, dx: Float64Array, lag: number, p: number, regression: Regression): { columns: Float64Array[]; y: Float64Array } {
  const T = x.length;
  const nobs = T - 1 - lag;
  const columns: Float64Array[] = [];
  const ntrend = NTREND[regression];
  if (ntrend >= 1) columns.push(new Float64Array(nobs).fill(1));
  if (ntrend >= 2) columns.push(Float64Array.from({ length: nobs }, (_, i) => i + 1));
  if (ntrend >= 3) columns.push(Float64Array.from({ length: nobs }, (_, i) => (i + 1) * (i + 1)));
  columns.push(x.slice(lag, T - 1));
  for (let j = 1; j <= p; j++) columns.push(dx.slice(lag - j, T - 1 - j));
  return { columns, y: dx.slice(lag) };
}

export function adfuller(x: Float64Array, options: AdfOptions = {}): AdfResult {
  const regression = options.regression ?? 'c';
  const autolag = options.autolag === undefined ? 'aic' : options.autolag;
  const ntrend = NTREND[regression];
  if (ntrend === undefined) throw new Error(`adfuller: regression '${regression}', expected n, c, ct or ctt`);
  const T = x.length;
  let maxlag: number;
  if (options.maxlag === undefined) {
    maxlag = adfDefaultMaxlag(T, regression);
    if (maxlag < 0) throw new Error(`adfuller: ${T} points are too few for regression '${regression}'`);
  } else {
    maxlag = options.maxlag;
    if (!Number.isInteger(maxlag) || maxlag < 0 || maxlag > Math.floor(T / 2) - ntrend - 1) {
      throw new Error(`adfuller: maxlag ${maxlag} must be an integer from 0 to floor(nobs/2) - 1 - ntrend = ${Math.floor(T / 2) - ntrend - 1}`);
    }
  }
  const dx = new Float64Array(T - 1);
  for (let t = 0; t < T - 1; t++) dx[t] = x[t + 1] - x[t];

  let usedlag = maxlag;
  let icbest = NaN;
  if (autolag) {
    const search = design(x, dx, maxlag, maxlag, regression);
    const fit = qrFit(search.columns, search.y);
    const n = fit.n;
    const startlag = ntrend + 1;
    let best = Infinity;
    let bestCols = startlag;
    for (let m = startlag; m <= startlag + maxlag; m++) {
      const llf = olsLogLikelihood(fit.tailSsr[m], n);
      const ic = autolag === 'aic' ? -2 * llf + 2 * m : -2 * llf + Math.log(n) * m;
      // Strictly smaller: on a tie the smaller lag stays, as min() over (ic, lag) tuples.
      if (ic < best || (Number.isNaN(best) && !Number.isNaN(ic))) {
        best = ic;
        bestCols = m;
      }
    }
    icbest = best;
    usedlag = bestCols - startlag;
  }
  const final = design(x, dx, usedlag, usedlag, regression);
  const fit = linearFit(qrFit(final.columns, final.y));
  const level = ntrend; // the level column follows the trend columns
  const stat = fit.params[level] / fit.bse[level];
  const nobs = fit.nobs;
  return { stat, pvalue: mackinnonp(stat, regression, 1), usedlag, nobs, crit: mackinnoncrit(1, regression, nobs), icbest, maxlag };
}
