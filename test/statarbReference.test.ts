/**
 * nodes/statarb/stats against statsmodels 0.13.5 on real hourly ETH and BTC closes
 * (test/reference/statsmodels/statarb.json.gz, made by generate.py in that directory: statistics
 * only; the windows are row ranges of the two data files inner-joined on time, re-read here).
 * Tolerances: 1e-9 relative on OLS, 1e-6 relative on test statistics, p-values, critical values
 * and information criteria, exact lags and sample sizes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { realPair, statarbFixture } from '../runtime/testing/realPair.js';
import { adfuller, coint, halfLife, mackinnoncrit, mackinnonp, ols, type Regression } from '../nodes/statarb/stats/index.js';

type Num = number | 'NaN' | 'Infinity' | '-Infinity';
const num = (v: Num): number => (typeof v === 'number' ? v : Number(v));

interface AdfRef { stat: Num; pvalue: Num; usedlag: number; nobs: number; crit: Num[]; icbest?: Num }
interface OlsRef { beta: Num; seBeta: Num; alpha?: Num; seAlpha?: Num; ssr: Num; scale: Num; residStd: Num; rsquared: Num; dfResid: Num; resid: Record<string, Num> }
interface Leg { olsC: OlsRef; olsN: OlsRef; adfSpread: Record<string, AdfRef>; adfX: Record<string, AdfRef>; adfSpreadFixedLag: AdfRef; coint: { stat: Num; pvalue: Num; crit: Num[] }; halfLife: { slope: Num; intercept: Num; halfLife: Num } }
interface Window { start: number; end: number; startTime: number; endTime: number; log: Leg; raw: Leg }
interface Fixture {
  files: { y: string; x: string };
  windows: Window[];
  mackinnonp: { stats: number[]; grid: { regression: Regression; N: number; p: Num[] }[] };
  mackinnoncrit: { regression: Regression; N: number; nobs: Num; crit: Num[] }[];
}

const STATARB_FIXTURE = statarbFixture<Fixture>();

/** Largest relative error seen per group, printed at the end (the README quotes them). */
const worst: Record<string, number> = {};
function close(actual: number, expected: Num, tol: number, group: string, what: string): void {
  const e = num(expected);
  if (!Number.isFinite(e)) {
    assert.ok(Object.is(actual, e), `${what}: got ${actual}, expected ${e}`);
    return;
  }
  const rel = e === 0 ? Math.abs(actual) : Math.abs(actual - e) / Math.abs(e);
  worst[group] = Math.max(worst[group] ?? 0, rel);
  // STATARB_DEBUG=1 lists every comparison off by more than 1e-11.
  if (process.env.STATARB_DEBUG && rel > 1e-11) console.log(what, rel);
  assert.ok(rel <= tol, `${what}: got ${actual}, expected ${e} (relative error ${rel.toExponential(2)} > ${tol})`);
}

function checkAdf(got: ReturnType<typeof adfuller>, ref: AdfRef, what: string): void {
  assert.equal(got.usedlag, ref.usedlag, `${what}: usedlag`);
  assert.equal(got.nobs, ref.nobs, `${what}: nobs`);
  close(got.stat, ref.stat, 1e-6, 'adf stat', `${what}: stat`);
  close(got.pvalue, ref.pvalue, 1e-6, 'adf p-value', `${what}: pvalue`);
  got.crit.forEach((c, i) => close(c, ref.crit[i], 1e-6, 'critical values', `${what}: crit[${i}]`));
  if (ref.icbest !== undefined) close(got.icbest, ref.icbest, 1e-6, 'adf icbest', `${what}: icbest`);
}

function checkOls(got: ReturnType<typeof ols>, ref: OlsRef, what: string): void {
  const g = 'ols';
  close(got.beta, ref.beta, 1e-9, g, `${what}: beta`);
  close(got.seBeta, ref.seBeta, 1e-9, g, `${what}: seBeta`);
  if (ref.alpha !== undefined) close(got.alpha, ref.alpha, 1e-9, g, `${what}: alpha`);
  if (ref.seAlpha !== undefined) close(got.seAlpha, ref.seAlpha!, 1e-9, g, `${what}: seAlpha`);
  close(got.ssr, ref.ssr, 1e-9, g, `${what}: ssr`);
  close(got.scale, ref.scale, 1e-9, g, `${what}: scale`);
  close(got.residStd, ref.residStd, 1e-9, g, `${what}: residStd`);
  close(got.rsquared, ref.rsquared, 1e-9, g, `${what}: rsquared`);
  assert.equal(got.dfResid, num(ref.dfResid), `${what}: dfResid`);
  for (const [i, v] of Object.entries(ref.resid)) close(got.resid[Number(i)], v, 1e-9, g, `${what}: resid[${i}]`);
}

const data = realPair(STATARB_FIXTURE.files.y, STATARB_FIXTURE.files.x);

for (const w of STATARB_FIXTURE.windows) {
  test(`statarb stats vs statsmodels: rows ${w.start}..${w.end - 1} of the joined ETH/BTC closes`, () => {
    assert.equal(data.time[w.start], w.startTime, 'the window starts at the time generate.py saw');
    assert.equal(data.time[w.end - 1], w.endTime, 'the window ends at the time generate.py saw');
    for (const form of ['log', 'raw'] as const) {
      const tf = (a: Float64Array) => (form === 'log' ? a.map(Math.log) : a.slice());
      const y = tf(data.y.slice(w.start, w.end));
      const x = tf(data.x.slice(w.start, w.end));
      const ref = w[form];
      const what = `${form} ${w.start}`;
      const c = ols(y, x, true);
      checkOls(c, ref.olsC, `${what} ols with intercept`);
      checkOls(ols(y, x, false), ref.olsN, `${what} ols without intercept`);
      for (const r of ['c', 'n', 'ct'] as const) {
        checkAdf(adfuller(c.resid, { regression: r }), ref.adfSpread[r], `${what} adfuller(spread, ${r})`);
        checkAdf(adfuller(x, { regression: r }), ref.adfX[r], `${what} adfuller(x, ${r})`);
      }
      checkAdf(adfuller(c.resid, { regression: 'c', maxlag: 5, autolag: null }), ref.adfSpreadFixedLag, `${what} adfuller(spread, maxlag 5, no autolag)`);
      const co = coint(y, x);
      close(co.stat, ref.coint.stat, 1e-6, 'coint stat', `${what} coint stat`);
      close(co.pvalue, ref.coint.pvalue, 1e-6, 'coint p-value', `${what} coint pvalue`);
      co.crit.forEach((v, i) => close(v, ref.coint.crit[i], 1e-6, 'critical values', `${what} coint crit[${i}]`));
      const hl = halfLife(c.resid);
      close(hl.slope, ref.halfLife.slope, 1e-9, 'half-life', `${what} half-life slope`);
      close(hl.intercept, ref.halfLife.intercept, 1e-6, 'half-life', `${what} half-life intercept`);
      close(hl.halfLife, ref.halfLife.halfLife, 1e-9, 'half-life', `${what} half-life`);
    }
  });
}

test('mackinnonp vs statsmodels on a grid of statistics, N = 1..6, regressions n, c, ct, ctt', () => {
  const { stats, grid } = STATARB_FIXTURE.mackinnonp;
  let checked = 0;
  for (const row of grid) {
    stats.forEach((s, i) => {
      close(mackinnonp(s, row.regression, row.N), row.p[i], 1e-6, 'mackinnonp', `mackinnonp(${s}, ${row.regression}, ${row.N})`);
      checked++;
    });
  }
  assert.ok(checked > 2000);
  assert.equal(mackinnonp(-Infinity, 'c', 2), 0);
  assert.ok(Number.isNaN(mackinnonp(NaN, 'c', 1)));
});

test('mackinnoncrit vs statsmodels: N = 1..12 (n: 1), nobs Infinity, 50, 300, 719', () => {
  for (const row of STATARB_FIXTURE.mackinnoncrit) {
    const got = mackinnoncrit(row.N, row.regression, num(row.nobs));
    got.forEach((v, i) => close(v, row.crit[i], 1e-6, 'critical values', `mackinnoncrit(${row.N}, ${row.regression}, ${row.nobs})[${i}]`));
  }
});

test('statarb stats: largest relative errors against statsmodels', () => {
  // Runs last (node:test runs a file's tests in order): every group above was compared.
  for (const g of ['ols', 'adf stat', 'adf p-value', 'adf icbest', 'coint stat', 'coint p-value', 'critical values', 'half-life', 'mackinnonp']) assert.ok(g in worst, `${g} compared`);
  console.log('statarb vs statsmodels, max relative error:', Object.entries(worst).map(([k, v]) => `${k} ${v.toExponential(1)}`).join(', '));
});
