import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KalmanHedge, adfDefaultMaxlag, adfuller, coint, halfLife, linearFit, normCdf, ols, qrFit } from './index.js';

const f = (xs: number[]) => Float64Array.from(xs);
const near = (a: number, e: number, tol: number, what: string) => assert.ok(Math.abs(a - e) <= tol * Math.max(1, Math.abs(e)), `${what}: got ${a}, expected ${e}`);

test('KalmanHedge: two hand-worked steps (delta 0.5: Vw = I; ve = 1)', () => {
  const k = new KalmanHedge(0.5, 1);
  // Step 1, x = 1, y = 2: R = I, RF' = [1, 1], Q = 1 + 1 + 1 = 3, e = 2, K = [1/3, 1/3]
  // -> beta = alpha = 2/3; P = R - RF'(RF')'/Q = [[2/3, -1/3], [-1/3, 2/3]].
  k.step(1, 2);
  near(k.beta, 2 / 3, 1e-15, 'beta 1');
  near(k.alpha, 2 / 3, 1e-15, 'alpha 1');
  near(k.q, 3, 1e-15, 'Q 1');
  near(k.e, 2, 1e-15, 'e 1');
  // Step 2, x = 2, y = 1: R = P + I = [[5/3, -1/3], [-1/3, 5/3]], RF' = [3, 1], Q = 2*3 + 1 + 1 = 8,
  // e = 1 - (2/3 * 2 + 2/3) = -1, K = [3/8, 1/8] -> beta = 2/3 - 3/8 = 7/24, alpha = 2/3 - 1/8 = 13/24.
  k.step(2, 1);
  near(k.q, 8, 1e-15, 'Q 2');
  near(k.e, -1, 1e-15, 'e 2');
  near(k.beta, 7 / 24, 1e-15, 'beta 2');
  near(k.alpha, 13 / 24, 1e-15, 'alpha 2');
});

test('normCdf: scipy.stats.norm.cdf values, relative 1e-13, deep tail included', () => {
  const ref: [number, number][] = [
    [0, 0.5],
    [-1.96, 0.024997895148220435],
    [-5, 2.866515718791933e-7],
    [-10, 7.61985302416047e-24],
    [-20, 2.7536241186061556e-89],
    [1.5, 0.9331927987311419],
    [3, 0.9986501019683699],
  ];
  for (const [x, p] of ref) assert.ok(Math.abs(normCdf(x) - p) <= 1e-13 * p, `normCdf(${x}) = ${normCdf(x)}, expected ${p}`);
  assert.ok(Number.isNaN(normCdf(NaN)));
});

test('ols: exact line, hand-worked slope, intercept and residuals', () => {
  // y = 1 + 2x + e with e = [1, -1, -1, 1] orthogonal to [1, x]: beta 2, alpha 1, ssr 4, scale 4 / 2.
  const x = f([1, 2, 3, 4]);
  const y = f([4, 4, 6, 10]);
  const fit = ols(y, x, true);
  near(fit.beta, 2, 1e-15, 'beta');
  near(fit.alpha, 1, 1e-15, 'alpha');
  near(fit.ssr, 4, 1e-15, 'ssr');
  near(fit.scale, 2, 1e-15, 'scale');
  near(fit.seBeta, Math.sqrt(2 / 5), 1e-15, 'seBeta (Sxx = 5)');
  assert.deepEqual([...fit.resid].map((v) => Math.round(v * 1e12) / 1e12), [1, -1, -1, 1]);
  // Through the origin: beta = sum xy / sum x^2 = (4 + 8 + 18 + 40) / 30.
  near(ols(y, x, false).beta, 70 / 30, 1e-15, 'beta without intercept');
});

test('qrFit: nested SSRs equal separate fits; linearFit equals the closed form', () => {
  const x = f([1, 2, 3, 4, 5, 7]);
  const y = f([2, 1, 4, 3, 6, 5]);
  const one = new Float64Array(6).fill(1);
  const fit = qrFit([one, x], y);
  const mean = y.reduce((a, b) => a + b) / 6;
  near(fit.tailSsr[1], y.reduce((a, v) => a + (v - mean) ** 2, 0), 1e-13, 'SSR on the constant alone');
  const simple = ols(y, x, true);
  near(fit.tailSsr[2], simple.ssr, 1e-13, 'SSR on [1, x]');
  const lin = linearFit(fit);
  near(lin.params[1], simple.beta, 1e-13, 'beta');
  near(lin.params[0], simple.alpha, 1e-13, 'alpha');
  near(lin.bse[1], simple.seBeta, 1e-13, 'se beta');
  near(lin.bse[0], simple.seAlpha, 1e-13, 'se alpha');
});

test('adfuller: statsmodels default maxlag rule and its errors', () => {
  assert.equal(adfDefaultMaxlag(720), 20); // ceil(12 * 7.2^0.25) = ceil(19.71)
  assert.equal(adfDefaultMaxlag(100), 12);
  assert.equal(adfDefaultMaxlag(20, 'c'), 8); // capped at 20 / 2 - 1 - 1
  assert.throws(() => adfuller(f([1, 2])), /too few/);
  assert.throws(() => adfuller(f([1, 2, 4, 3, 5, 6, 5, 7, 8, 7]), { maxlag: 5 }), /maxlag 5/);
});

test('coint: perfectly collinear series give -Infinity and p-value 0, as statsmodels', () => {
  const x = Float64Array.from({ length: 50 }, (_, i) => 100 + Math.sin(i) * 5 + i);
  const y = x.map((v) => 3 * v + 2);
  const r = coint(y, x);
  assert.equal(r.stat, -Infinity);
  assert.equal(r.pvalue, 0);
  assert.equal(r.usedlag, -1);
});

test('halfLife: an AR(1) spread s_t = 0.5 s_{t-1} exactly has lambda = -0.5, half-life ln2 / 0.5', () => {
  const s = Float64Array.from({ length: 20 }, (_, i) => 1024 * 0.5 ** i);
  const h = halfLife(s);
  near(h.slope, -0.5, 1e-12, 'slope');
  near(h.halfLife, Math.LN2 / 0.5, 1e-12, 'half-life');
  // An explosive spread: no mean reversion.
  assert.equal(halfLife(Float64Array.from({ length: 20 }, (_, i) => 1.1 ** i)).halfLife, Infinity);
});
