import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pair } from './pair.js';
import { KalmanHedge } from './stats/kalman.js';
import { compileParams } from '../../runtime/params.js';
import { runKernel } from '../../runtime/testing/runKernel.js';
import { runEveryChunking } from '../../runtime/testing/chunkings.js';
import { realPair, statarbFixture } from '../../runtime/testing/realPair.js';

const N = NaN;
const near = (a: number, e: number, tol: number, what: string) =>
  assert.ok(Math.abs(a - e) <= tol * Math.max(Math.abs(e), 1e-300), `${what}: got ${a}, expected ${e} (relative ${tol})`);

/**
 * A synthetic pair on raw prices: x = 100 + floor(i / 2) (each price twice), y = 2 x + 1 + s_i. Over the first
 * 30 events s alternates +1, -1: orthogonal to [1, x] on every pair-aligned window, so the OLS of the first
 * window is exactly beta 2, alpha 1, its residuals are s, and their ADF statistic is far below MacKinnon's
 * table (p-value 0: the gate is open). Then s takes the values of `after`.
 */
function synthetic(after: number[]): { y: Float64Array; x: Float64Array; s: number[] } {
  const s = [...Array.from({ length: 30 }, (_, i) => (i % 2 ? -1 : 1)), ...after];
  const x = Float64Array.from(s, (_, i) => 100 + Math.floor(i / 2));
  const y = Float64Array.from(s, (v, i) => 2 * x[i] + 1 + v);
  return { y, x, s };
}

/** The z-score by its definition: the last value against the mean and sd (n - 1) of the last `w` values. */
function zOf(s: number[], i: number, w: number): number {
  const win = s.slice(i - w + 1, i + 1);
  const mean = win.reduce((a, b) => a + b) / w;
  const sd = Math.sqrt(win.reduce((a, b) => a + (b - mean) ** 2, 0) / (w - 1));
  return (s[i] - mean) / sd;
}

const SYNTH = { window: 30, zWindow: 30, recomputeEvery: 1000, logPrices: false };

test('statarb.pair: the state machine, hand-worked (entry, hold, exit, entry, stop, blocked re-entry, re-entry, exit)', () => {
  // events:          30  31   32    33  34  35  36  37  38  39  40  41
  const { y, x, s } = synthetic([1, -1, -3, -2.5, 0, 3, 15, 9, 1, 10, 2, 1]);
  const out = runEveryChunking(pair, SYNTH, { y, x });
  const z = s.map((_, i) => (i >= 29 ? zOf(s, i, 30) : N));
  // The z-scores that decide (from the definition above), each well clear of the thresholds 0.5, 2, 4:
  //   32: -2.52 (<= -2: enter long)   33: -1.92 (hold)          34: 0.18 (>= -0.5: exit)
  //   35: 2.35 (>= 2: enter short)    36: 4.79 (> 4: stop)      37: 2.42 (>= 2 but short is blocked)
  //   38: 0.08 (|z| < 2: unblocked)   39: 2.35 (enter short)    40: 0.29 (<= 0.5: exit)
  const expectedZ: Record<number, [number, number]> = { 32: [-2.6, -2.4], 33: [-2, -1.8], 34: [0, 0.3], 35: [2.2, 2.5], 36: [4.6, 5], 37: [2.2, 2.6], 38: [0, 0.2], 39: [2.2, 2.5], 40: [0.1, 0.45] };
  for (const [i, [lo, hi]] of Object.entries(expectedZ)) assert.ok(z[+i] > lo && z[+i] < hi, `z[${i}] = ${z[+i]}`);
  for (let i = 29; i < s.length; i++) {
    near(out.hedgeRatio[i], 2, 1e-12, `hedgeRatio[${i}]`);
    near(out.intercept[i], 1, 1e-12, `intercept[${i}]`);
    near(out.spread[i] + 10, s[i] + 10, 1e-12, `spread[${i}]`);
    near(out.zscore[i], z[i], 1e-9, `zscore[${i}]`);
    assert.equal(out.pValue[i], 0, `pValue[${i}]`);
  }
  for (let i = 0; i < 29; i++) for (const k of Object.keys(out)) assert.ok(Number.isNaN(out[k][i]), `${k}[${i}] in the warm-up`);
  assert.deepEqual([...out.state].slice(29), [0, 0, 0, 1, 1, 0, -1, 0, 0, 0, -1, 0, 0]);
  // Long the spread at 32: y = 2*116 + 1 - 3 = 230 against beta * x = 232: weights 230 : -232 (raw prices), gross 1.
  const orders = (a: Float64Array) => [...a].slice(29).map((v) => (Number.isNaN(v) ? 'NaN' : Math.round(v * 1e12) / 1e12));
  const r = (v: number) => Math.round(v * 1e12) / 1e12;
  assert.deepEqual(orders(out.ordersY), ['NaN', 'NaN', 'NaN', r(230 / 462), 'NaN', 0, r(-238 / 472), 0, 'NaN', 'NaN', r(-249 / 487), 0, 'NaN']);
  // Short at 35: x = 117, y = 2*117 + 1 + 3 = 238: weights -238 : +234; at 39: x = 119, y = 2*119 + 1 + 10 = 249: -249 : +238.
  assert.deepEqual(orders(out.ordersX), ['NaN', 'NaN', 'NaN', r(-232 / 462), 'NaN', 0, r(234 / 472), 0, 'NaN', 'NaN', r(238 / 487), 0, 'NaN']);
});

/** A seeded uniform in [0, 1) (a 32-bit LCG, Numerical Recipes' constants): reproducible random walks. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

test('statarb.pair: the cointegration gate keeps it flat on two independent random walks; maxPValue 1 lets the same spikes trade', () => {
  const u = lcg(7);
  const n = 200;
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  x[0] = 100;
  y[0] = 50;
  for (let i = 1; i < n; i++) {
    x[i] = x[i - 1] + (u() - 0.5) * 2;
    y[i] = y[i - 1] + (u() - 0.5) * 2 + (i % 40 === 0 ? 8 : i % 40 === 20 ? -8 : 0);
  }
  const params = { window: 60, zWindow: 30, recomputeEvery: 10, logPrices: false };
  const gated = runKernel(pair, params, { y, x });
  const open = runKernel(pair, { ...params, maxPValue: 1 }, { y, x });
  let closed = 0;
  for (let i = 59; i < n; i++) {
    if (gated.pValue[i] > 0.05) closed++;
    // Entries happen only where the gate is open.
    if (gated.state[i] !== 0 && gated.state[i - 1] !== gated.state[i]) assert.ok(gated.pValue[i] <= 0.05, `entry at ${i} with p ${gated.pValue[i]}`);
  }
  assert.ok(closed > 100, `the gate is closed at most events (${closed})`);
  const entries = (o: Record<string, Float64Array>) => [...o.state].filter((v, i) => i > 0 && v !== 0 && !Number.isNaN(v) && v !== o.state[i - 1]).length;
  assert.ok(entries(open) >= 3, `the spikes trade with the gate open (${entries(open)} entries)`);
  assert.ok(entries(gated) < entries(open));
});

const fixture = statarbFixture<{ windows: { start: number; end: number; log: { olsC: { beta: number; alpha: number }; olsN: { beta: number }; coint: { stat: number; pvalue: number }; halfLife: { halfLife: number } } }[] }>();
const real = realPair();

test('statarb.pair: at a re-estimation its hedge ratio, intercept, p-value, ADF statistic and half-life are statsmodels\' on that window', () => {
  const w = fixture.windows[1];
  assert.equal(w.end - w.start, 720);
  // 24 events more than the window: re-estimations at the 720th event and 24 events later, whose window is the fixture's.
  const rows = [w.start - 24, w.end] as const;
  const y = real.y.slice(...rows);
  const x = real.x.slice(...rows);
  const last = y.length - 1;
  const out = runKernel(pair, {}, { y, x });
  near(out.hedgeRatio[last], w.log.olsC.beta, 1e-9, 'hedgeRatio vs OLS beta');
  near(out.intercept[last], w.log.olsC.alpha, 1e-9, 'intercept vs OLS alpha');
  near(out.pValue[last], w.log.coint.pvalue, 1e-6, 'pValue vs coint');
  near(out.adfStat[last], w.log.coint.stat, 1e-6, 'adfStat vs coint');
  near(out.halfLife[last], w.log.halfLife.halfLife, 1e-9, 'halfLife');
  // Held in between: the event before still has the estimate of 24 events earlier.
  assert.ok(Math.abs(out.hedgeRatio[last - 1] - w.log.olsC.beta) > 1e-6);
  assert.equal(out.hedgeRatio[last - 1], out.hedgeRatio[719]);
  assert.ok(Number.isNaN(out.hedgeRatio[718]) && !Number.isNaN(out.hedgeRatio[719]));
  // Through the origin.
  const noIntercept = runKernel(pair, { hedge: 'olsNoIntercept' }, { y, x });
  near(noIntercept.hedgeRatio[last], w.log.olsN.beta, 1e-9, 'olsNoIntercept hedgeRatio');
  assert.equal(noIntercept.intercept[last], 0);
  near(noIntercept.pValue[last], w.log.coint.pvalue, 1e-6, 'the gate is the same coint test');
});

/** The transition rules, restated over the node's own z-score and p-value outputs. */
function replayRules(o: Record<string, Float64Array>, p: { entryZ: number; exitZ: number; stopZ: number; maxPValue: number }, from: number) {
  let state = 0;
  let blockLong = false;
  let blockShort = false;
  const seen = { entries: 0, exits: 0, stops: 0, gateCloses: 0 };
  for (let i = from; i < o.state.length; i++) {
    const z = o.zscore[i];
    const open = o.pValue[i] <= p.maxPValue;
    if (Math.abs(z) < p.entryZ) blockLong = blockShort = false;
    let next = state;
    if (state !== 0 && !open) {
      next = 0;
      seen.gateCloses++;
    } else if (state === 1 && z < -p.stopZ) {
      next = 0;
      blockLong = true;
      seen.stops++;
    } else if (state === -1 && z > p.stopZ) {
      next = 0;
      blockShort = true;
      seen.stops++;
    } else if ((state === 1 && z >= -p.exitZ) || (state === -1 && z <= p.exitZ)) {
      next = 0;
      seen.exits++;
    } else if (state === 0 && open && z <= -p.entryZ && z >= -p.stopZ && !blockLong) next = 1;
    else if (state === 0 && open && z >= p.entryZ && z <= p.stopZ && !blockShort) next = -1;
    if (next !== state && next !== 0) seen.entries++;
    assert.equal(o.state[i], next, `state[${i}] (z ${z}, p ${o.pValue[i]})`);
    assert.equal(Number.isNaN(o.ordersY[i]), next === state, `ordersY[${i}] is a pulse at changes only`);
    if (next !== state) {
      if (next === 0) assert.ok(o.ordersY[i] === 0 && o.ordersX[i] === 0);
      else assert.ok(Math.sign(o.ordersY[i]) === next && Math.abs(Math.abs(o.ordersY[i]) + Math.abs(o.ordersX[i]) - 0.5) < 1e-12, `orders at ${i}`);
    }
    state = next;
  }
  return seen;
}

test('statarb.pair on 4,000 real ETH/BTC hours: every transition follows the rules, gate closings and stops included', () => {
  const y = real.y.slice(0, 4000);
  const x = real.x.slice(0, 4000);
  const params = { window: 240, zWindow: 48, recomputeEvery: 12, entryZ: 1.5, exitZ: 0.25, stopZ: 2.5, maxPValue: 0.2, gross: 0.5 };
  const out = runKernel(pair, params, { y, x });
  const seen = replayRules(out, params, 239);
  console.log('real-data transitions', JSON.stringify(seen));
  assert.ok(seen.entries >= 10 && seen.exits >= 3 && seen.stops >= 1 && seen.gateCloses >= 1, JSON.stringify(seen));
  // hedgeRatio weighting on log prices: ordersX / ordersY = -beta.
  for (let i = 239; i < 4000; i++) if (out.ordersY[i] !== 0 && !Number.isNaN(out.ordersY[i])) near(out.ordersX[i] / out.ordersY[i], -out.hedgeRatio[i], 1e-12, `leg ratio at ${i}`);
});

test('statarb.pair: same outputs for any chunking, every hedge and weighting, on real prices', () => {
  const y = real.y.slice(5000, 5400);
  const x = real.x.slice(5000, 5400);
  for (const extra of [{}, { hedge: 'olsNoIntercept', weighting: 'dollarNeutral' }, { hedge: 'kalman', logPrices: false }, { hedge: 'kalman' }]) {
    const out = runEveryChunking(pair, { window: 100, zWindow: 40, recomputeEvery: 7, entryZ: 1, exitZ: 0.2, stopZ: 3, maxPValue: 0.5, ...extra }, { y, x });
    assert.ok(out.state.some((v) => v !== 0 && !Number.isNaN(v)), `${JSON.stringify(extra)} trades`);
  }
});

test('statarb.pair kalman: the hedge ratio is the filter run from the first event on log prices; dollarNeutral legs are half the gross each', () => {
  const y = real.y.slice(100, 400);
  const x = real.x.slice(100, 400);
  const out = runKernel(pair, { hedge: 'kalman', window: 50, zWindow: 50, weighting: 'dollarNeutral', maxPValue: 1, entryZ: 1, exitZ: 0, stopZ: 5 }, { y, x });
  const k = new KalmanHedge(0.0001, 0.001);
  for (let i = 0; i < y.length; i++) {
    k.step(Math.log(x[i]), Math.log(y[i]));
    if (i < 49) continue;
    assert.equal(out.hedgeRatio[i], k.beta);
    assert.equal(out.intercept[i], k.alpha);
    near(out.spread[i], Math.log(y[i]) - k.beta * Math.log(x[i]) - k.alpha, 1e-12, `spread[${i}]`);
    if (!Number.isNaN(out.ordersY[i]) && out.ordersY[i] !== 0) {
      assert.equal(Math.abs(out.ordersY[i]), 0.5);
      assert.equal(out.ordersX[i], -out.ordersY[i] * Math.sign(k.beta));
    }
  }
  assert.ok(out.ordersY.some((v) => Math.abs(v) === 0.5));
});

test('statarb.pair: an event with a missing or non-positive price is skipped (all outputs NaN, nothing updated)', () => {
  const y = real.y.slice(0, 200);
  const x = real.x.slice(0, 200);
  // Row 120: y missing; row 151: x = 0 (no log). The other rows are the original 200, in order.
  const xh = Float64Array.from([...x.slice(0, 120), x[120], ...x.slice(120, 150), 0, ...x.slice(150)]);
  const yh = Float64Array.from([...y.slice(0, 120), NaN, ...y.slice(120, 150), y[150], ...y.slice(150)]);
  const params = { window: 60, zWindow: 30, recomputeEvery: 5 };
  const clean = runKernel(pair, params, { y, x });
  const holed = runKernel(pair, params, { y: yh, x: xh });
  assert.equal(holed.state.length, 202);
  for (const k of Object.keys(clean)) {
    assert.ok(Number.isNaN(holed[k][120]) && Number.isNaN(holed[k][151]), `${k} NaN at the holes`);
    const kept = [...holed[k]].filter((_, i) => i !== 120 && i !== 151);
    kept.forEach((v, i) => assert.ok(Object.is(v, clean[k][i]), `${k}[${i}]: ${v} vs ${clean[k][i]}`));
  }
});

test('statarb.pair: params, cross-checks and warm-up', () => {
  const { validate } = compileParams(pair);
  const p: Record<string, unknown> = {};
  assert.deepEqual(validate(p), []);
  assert.deepEqual(p, { window: 720, recomputeEvery: 24, hedge: 'ols', logPrices: true, zWindow: 168, entryZ: 2, exitZ: 0.5, stopZ: 4, maxPValue: 0.05, gross: 1, weighting: 'hedgeRatio', delta: 0.0001, ve: 0.001 });
  assert.notDeepEqual(validate({ window: 10 }), []);
  assert.notDeepEqual(validate({ hedge: 'tls' }), []);
  assert.notDeepEqual(validate({ gross: 2 }), []);
  const check = (q: Record<string, unknown>) => pair.check!({ ...p, ...q } as never).map((e) => e.path[0]);
  assert.deepEqual(check({}), []);
  assert.deepEqual(check({ exitZ: 2 }), ['exitZ']);
  assert.deepEqual(check({ stopZ: 1.5 }), ['stopZ']);
  assert.equal(pair.warmup!(p as never), 719);
  assert.equal(pair.warmup!({ ...p, zWindow: 1000 } as never), 999);
});
