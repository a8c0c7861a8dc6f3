/**
 * Half-life of mean reversion of a spread (the Ornstein-Uhlenbeck reading of an AR(1), as in
 * E. Chan, "Algorithmic Trading" (2013), ch. 2): OLS of ds_t = s_t - s_{t-1} on [1, s_{t-1}],
 * slope lambda, half-life = -ln 2 / lambda in events. lambda >= 0 means no mean reversion: the
 * half-life is Infinity; NaN when the slope is undefined (a constant spread).
 */
import { ols } from './ols.js';

export interface HalfLife {
  readonly halfLife: number;
  readonly slope: number;
  readonly intercept: number;
}

export function halfLife(spread: Float64Array): HalfLife {
  const n = spread.length - 1;
  const ds = new Float64Array(Math.max(n, 0));
  for (let i = 0; i < n; i++) ds[i] = spread[i + 1] - spread[i];
  const fit = ols(ds, spread.subarray(0, Math.max(n, 0)), true);
  const slope = fit.beta;
  const value = Number.isNaN(slope) ? NaN : slope < 0 ? -Math.LN2 / slope : Infinity;
  return { halfLife: value, slope, intercept: fit.alpha };
}
