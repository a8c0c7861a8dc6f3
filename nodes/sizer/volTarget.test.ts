import { test } from 'node:test';
import assert from 'node:assert/strict';
import { volTarget } from './volTarget.js';
import { compileParams } from '../../runtime/params.js';
import { runAllChunkings } from '../../runtime/testing/chunkings.js';
import { testContext } from '../../runtime/testing/runKernel.js';

const N = NaN;
const HOUR = 3_600_000;
const DAY = 86_400_000;

/** Within 1e-12, NaN where NaN is expected. */
function near(actual: number[], expected: number[]): void {
  assert.equal(actual.length, expected.length);
  expected.forEach((e, i) => {
    const a = actual[i];
    if (Number.isNaN(e)) assert.ok(Number.isNaN(a), `row ${i}: got ${a}, expected NaN`);
    else assert.ok(Object.is(a, e) || Math.abs(a - e) < 1e-12, `row ${i}: got ${a}, expected ${e}`);
  });
}

/** Candles from times and closes (high = low = open = close unless given). */
function candles(time: number[], close: number[], high = close, low = close) {
  const f = (xs: number[]) => Float64Array.from(xs);
  return { time: f(time), open: f(close), high: f(high), low: f(low), close: f(close), volume: f(close.map(() => 1)) };
}

/** Closes whose log returns are the given ones, from 100. */
function closesFrom(returns: number[]): number[] {
  const out = [100];
  for (const r of returns) out.push(out[out.length - 1] * Math.exp(r));
  return out;
}

// log returns, bar by bar: r1 .01, r2 -.01, r3 .03, r4 .03, r5 -.01
const closes = closesFrom([0.01, -0.01, 0.03, 0.03, -0.01]);
const hourly = closes.map((_, i) => i * HOUR);

test('sizer.volTarget realised: targetVol / (sample std of the last window log returns * sqrt(periodsPerYear))', () => {
  const signal = Float64Array.from([1, 0, -1, 1, 1, -1]);
  const p = { targetVol: 0.01, window: 2, periodsPerYear: 2 };
  const out = runAllChunkings(volTarget, p, { signal, market: candles(hourly, closes) }, 'orders');
  // window 2: the std (ddof 1) of two returns a, b is |a - b| / sqrt(2); times sqrt(2 periods a year) = |a - b|
  // 0, 1: fewer than 3 bars: no order, the 0 too
  // 2: [.01, -.01] -> sigma .02 -> .01 / .02 = 0.5, short
  // 3: [-.01, .03] -> .04 -> 0.25
  // 4: [.03, .03] -> 0 -> targetVol / 0 -> capped at maxLeverage 1
  // 5: [.03, -.01] -> .04 -> 0.25, short
  near(out, [N, N, -0.5, 0.25, 1, -0.25]);
  const levered = runAllChunkings(volTarget, { ...p, maxLeverage: 2 }, { signal, market: candles(hourly, closes) }, 'orders');
  near(levered, [N, N, -0.5, 0.25, 2, -0.25]);
});

// Daily candles with a gap: time differences 1d, 3d, 1d, 1d, 1d.
const daily = [0, 1, 4, 5, 6, 7].map((d) => d * DAY);

test('sizer.volTarget: periods per year from the median spacing of the first window candle times (365.25 a year for daily)', () => {
  const signal = Float64Array.from([N, 1, N, 1, -1, 0]);
  const p = { targetVol: 0.5, window: 3, maxLeverage: 2 };
  const out = runAllChunkings(volTarget, p, { signal, market: candles(daily, closes) }, 'orders');
  // spacing: median of 1d, 3d, 1d = 1 day -> 365.25 periods a year (the mean, 5/3 d, would give fewer)
  // 3: returns [.01, -.01, .03]: mean .01, deviations 0, -.02, .02: variance .0008 / 2 = .0004, std .02
  //    -> 0.5 / (.02 * sqrt(365.25)) = 1.308...
  // 4: [-.01, .03, .03]: mean .05/3, deviations -.08/3, .04/3, .04/3: variance (.0096/9) / 2, std .04/sqrt(3)
  //    -> short 0.5 / (.04/sqrt(3) * sqrt(365.25)) = 1.132...
  // 5: signal 0 -> 0
  const s = Math.sqrt(365.25);
  near(out, [N, N, N, 0.5 / (0.02 * s), -0.5 / ((0.04 / Math.sqrt(3)) * s), 0]);
  // the param overrides the estimate: 365.25 gives the same bits, 8766 (hourly) does not
  const given = runAllChunkings(volTarget, { ...p, periodsPerYear: 365.25 }, { signal, market: candles(daily, closes) }, 'orders');
  given.forEach((v, i) => assert.ok(Object.is(v, out[i]), `row ${i}`));
  const hourlyYear = runAllChunkings(volTarget, { ...p, periodsPerYear: 8766 }, { signal, market: candles(daily, closes) }, 'orders');
  near(hourlyYear, [N, N, N, 0.5 / (0.02 * Math.sqrt(8766)), -0.5 / ((0.04 / Math.sqrt(3)) * Math.sqrt(8766)), 0]);
});

test('sizer.volTarget: with an even window the spacing is the mean of the two middle differences', () => {
  // window 2 on the daily times: differences 1d, 3d -> spacing 2d -> 182.625 periods a year
  // 2: returns [.01, -.01]: sigma .02 / sqrt(2) -> .01 / (.02 / sqrt(2) * sqrt(182.625)), short
  const out = runAllChunkings(volTarget, { targetVol: 0.01, window: 2 }, { signal: Float64Array.from([1, 0, -1]), market: candles(daily.slice(0, 3), closes.slice(0, 3)) }, 'orders');
  near(out, [N, N, -0.01 / ((0.02 / Math.SQRT2) * Math.sqrt(182.625))]);
});

test('sizer.volTarget: a candle seen again (same time, a shared timeline) is not a new bar', () => {
  // bar 3 repeated on its own row, with a pulse: sized like bar 3; no zero return, no zero spacing added
  const dup = (xs: number[]) => [...xs.slice(0, 4), xs[3], ...xs.slice(4)];
  const signal = Float64Array.from([N, 1, N, 1, -1, -1, 0]);
  const out = runAllChunkings(volTarget, { targetVol: 0.5, window: 3, maxLeverage: 2 }, { signal, market: candles(dup(daily), dup(closes)) }, 'orders');
  const s = Math.sqrt(365.25);
  near(out, [N, N, N, 0.5 / (0.02 * s), -0.5 / (0.02 * s), -0.5 / ((0.04 / Math.sqrt(3)) * s), 0]);
});

test('sizer.volTarget atr: ATR(window) / close as the per-bar volatility (Wilder ATR as TA-Lib)', () => {
  // bar  high low close  true range            ATR(2)             ATR / close   x sqrt(4)   0.2 / that
  //  0    10   8    9    -                     -
  //  1    11   9   10    2                     -
  //  2    12  10   11    2                     (2 + 2) / 2 = 2    2/11          4/11        0.55
  //  3    15  13   14    max(2, 4, 2) = 4      (2 * 1 + 4) / 2 = 3  3/14        6/14        0.4666..., short
  //  4    13  12   12    max(1, 1, 2) = 2      (3 * 1 + 2) / 2 = 2.5  2.5/12    5/12        0.48
  const market = candles(
    [0, 1, 2, 3, 4].map((i) => i * HOUR),
    [9, 10, 11, 14, 12],
    [10, 11, 12, 15, 13],
    [8, 9, 10, 13, 12],
  );
  const out = runAllChunkings(volTarget, { method: 'atr', window: 2, periodsPerYear: 4 }, { signal: Float64Array.from([1, 1, 1, -1, 1]), market }, 'orders');
  near(out, [N, N, 0.55, -(0.2 * 14) / 6, 0.48]);
  // bar 2 seen again on its own row: the ATR kernel gets only new bars, so nothing moves
  const again = Object.fromEntries(Object.entries(market).map(([k, v]) => [k, Float64Array.from([...v.slice(0, 3), v[2], ...v.slice(3)])]));
  const dup = runAllChunkings(volTarget, { method: 'atr', window: 2, periodsPerYear: 4 }, { signal: Float64Array.from([1, 1, 1, -1, -1, 1]), market: again }, 'orders');
  near(dup, [N, N, 0.55, -0.55, -(0.2 * 14) / 6, 0.48]);
});

test('sizer.volTarget: pulses before the estimate get no order, and the run says how many', () => {
  const warnings: string[] = [];
  const p = compileParams(volTarget).parse({ targetVol: 0.01, window: 2, periodsPerYear: 2 });
  const kernel = volTarget.create!(p as never, { ...testContext('size'), warn: (code, message) => void warnings.push(`${code}: ${message}`) });
  const orders = new Float64Array(6);
  const market = candles(hourly, closes);
  kernel.step(6, market.time, { signal: Float64Array.from([1, 0, -1, 1, 1, -1]), market }, { orders });
  kernel.end!();
  assert.deepEqual(warnings, ['sizer/unsized: sizer.volTarget: 2 signal pulses got no order: no volatility estimate yet (the first 3 bars) or a NaN close in the window']);
});

test('sizer.volTarget: params schema and warm-up', () => {
  const v = compileParams(volTarget).validate;
  const p: Record<string, unknown> = {};
  assert.deepEqual(v(p), []);
  assert.deepEqual(p, { targetVol: 0.2, method: 'realised', window: 20, maxLeverage: 1 });
  for (const bad of [{ targetVol: 0 }, { targetVol: 11 }, { method: 'garch' }, { window: 1 }, { window: 2.5 }, { maxLeverage: 0 }, { maxLeverage: 11 }, { periodsPerYear: 0 }, { periodsPerYear: -252 }, { leverage: 2 }]) {
    assert.notDeepEqual(v(bad), [], JSON.stringify(bad));
  }
  assert.deepEqual(v({ method: 'atr', window: 2, periodsPerYear: 252, maxLeverage: 3 }), []);
  assert.equal(volTarget.warmup?.(p as never), 20);
  assert.equal(volTarget.warmup?.({ ...(p as { window: number }), window: 5 } as never), 5);
});
