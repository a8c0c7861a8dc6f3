/**
 * Least squares by Householder QR (Golub & Van Loan, "Matrix Computations", 4th ed., 5.2 and 5.3):
 * X = QR, so the coefficients solve R b = Q'y and the residual sum of squares is the squared norm
 * of the rows of Q'y below the k-th. The normal equations would square X's condition number (a
 * price level beside a constant); QR does not.
 *
 * QR of nested designs is nested: the R and Q'y of the first m columns are the leading parts of
 * the full ones, so one factorisation gives the SSR of every model made of the first m columns
 * (`tailSsr`): what the ADF lag search needs, at the cost of one fit.
 */
export interface QrFit {
  /** Rows and columns. */
  readonly n: number;
  readonly k: number;
  /** Upper triangle of R, row-major k x k (r[i * k + j], j >= i). */
  readonly r: Float64Array;
  /** Q'y (length n). */
  readonly qty: Float64Array;
  /** tailSsr[m] = sum of qty[i]^2 for i >= m: the SSR of y on the first m columns (m = 0 .. k). */
  readonly tailSsr: Float64Array;
}

/** Householder QR of the n x k matrix given as k columns, applied to y. Inputs are not modified. */
export function qrFit(columns: readonly Float64Array[], y: Float64Array): QrFit {
  const k = columns.length;
  const n = y.length;
  const a = columns.map((c) => {
    if (c.length !== n) throw new Error(`qrFit: a column has ${c.length} rows, y has ${n}`);
    return Float64Array.from(c);
  });
  const b = Float64Array.from(y);
  const v = new Float64Array(n);
  const r = new Float64Array(k * k);
  for (let j = 0; j < k; j++) {
    const col = a[j];
    // Norm by scaling with the largest entry, so squares of large prices cannot overflow or lose range.
    let scale = 0;
    for (let i = j; i < n; i++) scale = Math.max(scale, Math.abs(col[i]));
    let alpha = 0;
    if (scale > 0) {
      let s = 0;
      for (let i = j; i < n; i++) {
        const z = col[i] / scale;
        s += z * z;
      }
      alpha = (col[j] > 0 ? -1 : 1) * scale * Math.sqrt(s);
      // v = x - alpha e1, reflecting x onto alpha e1 (alpha has the sign opposite to x0: no cancellation).
      let vv = 0;
      for (let i = j; i < n; i++) {
        v[i] = col[i];
        if (i === j) v[i] -= alpha;
        vv += v[i] * v[i];
      }
      if (vv > 0) {
        for (let c = j + 1; c < k; c++) reflect(v, vv, a[c], j, n);
        reflect(v, vv, b, j, n);
      }
    }
    r[j * k + j] = alpha;
    for (let c = j + 1; c < k; c++) r[j * k + c] = a[c][j];
  }
  const tailSsr = new Float64Array(k + 1);
  let s = 0;
  for (let i = n - 1; i >= k; i--) s += b[i] * b[i];
  tailSsr[k] = s;
  for (let m = k - 1; m >= 0; m--) {
    s += b[m] * b[m];
    tailSsr[m] = s;
  }
  return { n, k, r, qty: b, tailSsr };
}

/** w -= 2 (v'w / v'v) v over rows j .. n-1. */
function reflect(v: Float64Array, vv: number, w: Float64Array, j: number, n: number): void {
  let d = 0;
  for (let i = j; i < n; i++) d += v[i] * w[i];
  const f = (2 * d) / vv;
  for (let i = j; i < n; i++) w[i] -= f * v[i];
}

export interface LinearFit {
  /** Coefficients, in the order of the columns. */
  readonly params: Float64Array;
  /** Standard errors: sqrt(scale * diag((X'X)^-1)), as statsmodels OLS `bse`. */
  readonly bse: Float64Array;
  readonly ssr: number;
  readonly nobs: number;
  /** nobs - k. */
  readonly dfResid: number;
  /** ssr / dfResid (statsmodels `scale`). */
  readonly scale: number;
}

/** OLS of y on the first m columns of a QR fit (m = k by default): coefficients and standard errors. */
export function linearFit(fit: QrFit, m = fit.k): LinearFit {
  const { k, r, qty, n } = fit;
  // Back substitution: R b = Q'y.
  const params = new Float64Array(m);
  for (let i = m - 1; i >= 0; i--) {
    let s = qty[i];
    for (let j = i + 1; j < m; j++) s -= r[i * k + j] * params[j];
    params[i] = s / r[i * k + i];
  }
  // (X'X)^-1 = R^-1 R^-T: its diagonal is the squared norms of the rows of R^-1.
  const inv = new Float64Array(m * m);
  for (let c = 0; c < m; c++) {
    inv[c * m + c] = 1 / r[c * k + c];
    for (let i = c - 1; i >= 0; i--) {
      let s = 0;
      for (let j = i + 1; j <= c; j++) s += r[i * k + j] * inv[j * m + c];
      inv[i * m + c] = -s / r[i * k + i];
    }
  }
  const ssr = fit.tailSsr[m];
  const dfResid = n - m;
  const scale = ssr / dfResid;
  const bse = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let s = 0;
    for (let j = i; j < m; j++) s += inv[i * m + j] * inv[i * m + j];
    bse[i] = Math.sqrt(scale * s);
  }
  return { params, bse, ssr, nobs: n, dfResid, scale };
}

/** Gaussian log-likelihood of an OLS fit with this SSR (statsmodels OLS `llf`). */
export function olsLogLikelihood(ssr: number, nobs: number): number {
  return -(nobs / 2) * (Math.log(2 * Math.PI) + Math.log(ssr / nobs) + 1);
}
