/**
 * The Engle-Granger (1987) two-step cointegration test, as statsmodels 0.13.5
 * `statsmodels.tsa.stattools.coint(y0, y1, trend, method='aeg', maxlag, autolag)` with one
 * regressor: OLS of y0 on [y1, trend terms], then the ADF test without deterministic terms
 * (regression 'n') on the residuals; p-value mackinnonp(stat, trend, N = 2), critical values
 * mackinnoncrit(N = 2, trend, nobs - 1) (statsmodels: "the -1 is to match egranger in Stata"; NaN
 * for trend 'n', which has no 2010 values). When the first regression's R^2 is at least
 * 1 - 100 sqrt(eps) the series are (almost) perfectly collinear: statsmodels then skips the ADF
 * test and reports the statistic -Infinity (p-value 0); so does this.
 */
import { adfuller } from './adfuller.js';
import { linearFit, qrFit } from './leastSquares.js';
import { mackinnoncrit, mackinnonp } from './mackinnon.js';
import { ols } from './ols.js';

export interface CointOptions {
  readonly trend?: 'n' | 'c' | 'ct';
  readonly maxlag?: number;
  readonly autolag?: 'aic' | 'bic' | null;
}

export interface CointResult {
  readonly stat: number;
  readonly pvalue: number;
  /** Critical values at 1%, 5%, 10%. */
  readonly crit: [number, number, number];
  /** The first-step regression: y0 = alpha + beta y1 (+ trend) + resid. */
  readonly beta: number;
  readonly alpha: number;
  readonly resid: Float64Array;
  readonly rsquared: number;
  /** The ADF lag used on the residuals (-1 when skipped for collinearity). */
  readonly usedlag: number;
}

const SQRTEPS = Math.sqrt(2.220446049250313e-16);

export function coint(y0: Float64Array, y1: Float64Array, options: CointOptions = {}): CointResult {
  const trend = options.trend ?? 'c';
  const nobs = y0.length;
  let beta: number;
  let alpha: number;
  let resid: Float64Array;
  let rsquared: number;
  if (trend === 'ct') {
    const s = Float64Array.from({ length: nobs }, (_, i) => i + 1);
    const fit = linearFit(qrFit([y1, new Float64Array(nobs).fill(1), s], y0));
    beta = fit.params[0];
    alpha = fit.params[1];
    resid = new Float64Array(nobs);
    let my = 0;
    for (let i = 0; i < nobs; i++) my += y0[i];
    my /= nobs;
    let tss = 0;
    for (let i = 0; i < nobs; i++) {
      resid[i] = y0[i] - beta * y1[i] - alpha - fit.params[2] * s[i];
      tss += (y0[i] - my) ** 2;
    }
    rsquared = 1 - fit.ssr / tss;
  } else {
    const fit = ols(y0, y1, trend === 'c');
    ({ beta, alpha, resid, rsquared } = fit);
  }
  let stat = -Infinity;
  let usedlag = -1;
  if (rsquared < 1 - 100 * SQRTEPS) {
    const adf = adfuller(resid, { maxlag: options.maxlag, regression: 'n', autolag: options.autolag === undefined ? 'aic' : options.autolag });
    stat = adf.stat;
    usedlag = adf.usedlag;
  } else if (Number.isNaN(rsquared)) {
    stat = NaN;
  }
  const crit: [number, number, number] = trend === 'n' ? [NaN, NaN, NaN] : mackinnoncrit(2, trend, nobs - 1);
  return { stat, pvalue: mackinnonp(stat, trend, 2), crit, beta, alpha, resid, rsquared, usedlag };
}
