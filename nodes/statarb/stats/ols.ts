/**
 * OLS of y on x, with an intercept (y = alpha + beta x + e) or through the origin (y = beta x + e),
 * reporting what statsmodels `OLS(y, X).fit()` reports: params, bse, resid, ssr, scale (= ssr /
 * df_resid), rsquared (centred with an intercept, uncentred without, as statsmodels).
 *
 * With an intercept the sums are taken about the means (two passes, the mean refined by the mean
 * of the deviations), so prices in the tens of thousands lose no digits to the cancellation in
 * sum(x^2) - n mean^2.
 */
export interface SimpleOls {
  readonly alpha: number;
  readonly beta: number;
  readonly seAlpha: number;
  readonly seBeta: number;
  readonly resid: Float64Array;
  readonly ssr: number;
  readonly nobs: number;
  readonly dfResid: number;
  /** ssr / dfResid: the residual variance statsmodels calls `scale`. */
  readonly scale: number;
  /** sqrt(scale): the residual standard error. */
  readonly residStd: number;
  readonly rsquared: number;
}

function mean(a: Float64Array): number {
  const n = a.length;
  let s = 0;
  for (let i = 0; i < n; i++) s += a[i];
  let m = s / n;
  let d = 0;
  for (let i = 0; i < n; i++) d += a[i] - m;
  m += d / n;
  return m;
}

/** OLS of y on [1, x] (intercept: true, default) or on x alone. NaN results when x has no variation. */
export function ols(y: Float64Array, x: Float64Array, intercept = true): SimpleOls {
  const n = y.length;
  if (x.length !== n) throw new Error(`ols: y has ${n} rows, x has ${x.length}`);
  const resid = new Float64Array(n);
  if (intercept) {
    const mx = mean(x);
    const my = mean(y);
    let sxx = 0;
    let sxy = 0;
    let syy = 0;
    for (let i = 0; i < n; i++) {
      const dx = x[i] - mx;
      const dy = y[i] - my;
      sxx += dx * dx;
      sxy += dx * dy;
      syy += dy * dy;
    }
    const beta = sxy / sxx;
    const alpha = my - beta * mx;
    let ssr = 0;
    for (let i = 0; i < n; i++) {
      const e = y[i] - my - beta * (x[i] - mx);
      resid[i] = e;
      ssr += e * e;
    }
    const dfResid = n - 2;
    const scale = ssr / dfResid;
    return {
      alpha,
      beta,
      seAlpha: Math.sqrt(scale * (1 / n + (mx * mx) / sxx)),
      seBeta: Math.sqrt(scale / sxx),
      resid,
      ssr,
      nobs: n,
      dfResid,
      scale,
      residStd: Math.sqrt(scale),
      rsquared: 1 - ssr / syy,
    };
  }
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxx += x[i] * x[i];
    sxy += x[i] * y[i];
    syy += y[i] * y[i];
  }
  const beta = sxy / sxx;
  let ssr = 0;
  for (let i = 0; i < n; i++) {
    const e = y[i] - beta * x[i];
    resid[i] = e;
    ssr += e * e;
  }
  const dfResid = n - 1;
  const scale = ssr / dfResid;
  return { alpha: 0, beta, seAlpha: NaN, seBeta: Math.sqrt(scale / sxx), resid, ssr, nobs: n, dfResid, scale, residStd: Math.sqrt(scale), rsquared: 1 - ssr / syy };
}
