import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bars } from './bars.js';
import { compileParams } from '../../runtime/params.js';
import { EVENT_TIMES, runKernel } from '../../runtime/testing/runKernel.js';
import { realTrades } from '../../runtime/testing/realOrderFlow.js';
import type { Trades } from '../../runtime/ports.js';

const N = NaN;
const MIN = 60_000;

/** A tape from [time, price, size, side] rows; event times = the times (distinct in these cases). */
function tape(rows: [number, number, number, number][]): { trades: Trades; t: Float64Array } {
  const col = (k: number) => Float64Array.from(rows, (r) => r[k]);
  return { trades: { time: col(0), price: col(1), size: col(2), side: col(3) }, t: col(0) };
}

/** The bars made, the same at every chunk size (1, 2, 3, whole). */
function made(params: Record<string, unknown>, input: { trades: Trades; t: Float64Array }): Record<string, number[]> {
  const runs = [1, 2, 3, 1024].map((chunkSize) => runKernel(bars, params, { trades: input.trades }, { chunkSize, t: input.t }));
  for (const run of runs.slice(1)) assert.deepEqual(run, runs[0], 'same bars at every chunk size');
  return Object.fromEntries(Object.entries(runs[0]).map(([k, v]) => [k, Array.from(v)]));
}

test('aggregate.bars volume: a bar closes at the trade that brings its size to the threshold (trades not split)', () => {
  const input = tape([
    [1000, 100, 4, 1],
    [2000, 101, 5, -1],
    [3000, 99, 2, 1], // 11 >= 10: closes bar 1 at t=3000
    [4000, 98, 10, -1], // 10: closes bar 2 alone
    [5000, 97, 3, 1], // open bar, never closed
  ]);
  const out = made({ type: 'volume', threshold: 10 }, input);
  assert.deepEqual(out[EVENT_TIMES], [3000, 4000]);
  assert.deepEqual(out['bars.time'], [1000, 4000], 'open time = first trade time');
  assert.deepEqual(out['bars.open'], [100, 98]);
  assert.deepEqual(out['bars.high'], [101, 98]);
  assert.deepEqual(out['bars.low'], [99, 98]);
  assert.deepEqual(out['bars.close'], [99, 98]);
  assert.deepEqual(out['bars.volume'], [11, 10]);
  assert.deepEqual(out.close, out['bars.close']);
  assert.deepEqual(out.buyVolume, [6, 0]);
  assert.deepEqual(out.count, [3, 1]);
  // vwap = (100*4 + 101*5 + 99*2) / 11
  assert.deepEqual(out.vwap, [(400 + 505 + 198) / 11, 98]);
});

test('aggregate.bars time: aligned to the interval, closed by the first trade of a later interval (its event time), gaps make no bar', () => {
  const input = tape([
    [10 * MIN + 5_000, 100, 1, 1],
    [10 * MIN + 59_999, 102, 1, -1],
    [11 * MIN + 1, 101, 2, 1], // closes [10m, 11m) at its own time
    [14 * MIN + 30_000, 105, 1, N], // closes [11m, 12m); 12m and 13m had no trades: no bars
  ]);
  const out = made({ type: 'time', interval: '1m' }, input);
  assert.deepEqual(out[EVENT_TIMES], [11 * MIN + 1, 14 * MIN + 30_000]);
  assert.deepEqual(out['bars.time'], [10 * MIN, 11 * MIN]);
  assert.deepEqual(out['bars.open'], [100, 101]);
  assert.deepEqual(out['bars.high'], [102, 101]);
  assert.deepEqual(out['bars.close'], [102, 101]);
  assert.deepEqual(out['bars.volume'], [2, 2]);
});

test('aggregate.bars tick and dollar thresholds; a trade with unknown side makes buyVolume NaN', () => {
  const input = tape([
    [1, 10, 1, 1],
    [2, 20, 1, N],
    [3, 30, 1, -1],
    [4, 40, 1, 1],
  ]);
  const ticks = made({ type: 'tick', threshold: 2 }, input);
  assert.deepEqual(ticks[EVENT_TIMES], [2, 4]);
  assert.deepEqual(ticks.buyVolume, [N, 1]);
  // dollar 50: 10 + 20 = 30, + 30 = 60 >= 50 closes at t=3; then 40 < 50 stays open
  const dollars = made({ type: 'dollar', threshold: 50 }, input);
  assert.deepEqual(dollars[EVENT_TIMES], [3]);
  assert.deepEqual(dollars['bars.volume'], [3]);
});

test('aggregate.bars tickImbalance: the first bar after expectedTicks trades, then |sum b| >= E[T] * |E[b]| (AFML 2.3.2.1), by hand', () => {
  // span 1 (alpha = 1): E[T] = the last bar's trade count, E[b] = the last bar's mean b.
  const input = tape([
    [1, 100, 1, 1],
    [2, 100, 1, 1],
    [3, 100, 1, -1],
    [4, 100, 1, 1], // 4 trades = expectedTicks: bar 1 closes; E[T] = 4, E[b] = (1+1-1+1)/4 = 0.5 -> threshold 2
    [5, 100, 1, -1], // theta -1
    [6, 100, 1, 1], // 0
    [7, 100, 1, 1], // 1
    [8, 100, 1, 1], // 2 >= 2: bar 2 closes (4 trades, mean b 0.5 -> threshold stays 2)
    [9, 100, 1, -1], // -1
    [10, 100, 1, -1], // -2: closes
  ]);
  const out = made({ type: 'tickImbalance', expectedTicks: 4, span: 1 }, input);
  assert.deepEqual(out[EVENT_TIMES], [4, 8, 10]);
  assert.deepEqual(out.count, [4, 4, 2]);
});

test('aggregate.bars: the tick rule signs trades without a side in imbalance bars', () => {
  // Sides unknown: up-tick +1, down-tick -1, unchanged repeats the previous sign.
  const input = tape([
    [1, 100, 1, N], // no previous price, no previous sign: 0
    [2, 101, 1, N], // +1
    [3, 101, 1, N], // +1 (unchanged)
    [4, 100, 2, N], // -1, size 2 -> volume imbalance -2
  ]);
  // expectedTicks 4: the first bar closes at trade 4 either way; its mean per trade gives E[b x v] = (0 + 1 + 1 - 2) / 4 = 0.
  const out = made({ type: 'volumeImbalance', expectedTicks: 4, span: 1 }, input);
  assert.deepEqual(out[EVENT_TIMES], [4]);
  assert.deepEqual(out.buyVolume, [N]);
});

test('aggregate.bars on the real spot tape: volume bars partition the tape exactly', () => {
  const { t, trades } = realTrades();
  const out = runKernel(bars, { type: 'volume', threshold: 5 }, { trades }, { chunkSize: 4096, t });
  // Independent count: walk the sizes.
  let closes = 0;
  let acc = 0;
  let closedVolume = 0;
  for (let i = 0; i < trades.size.length; i++) {
    acc += trades.size[i];
    if (acc >= 5) {
      closes++;
      closedVolume += acc;
      acc = 0;
    }
  }
  assert.equal(out.count.length, closes);
  assert.ok(closes > 20, `${closes} bars`);
  const volume = out.volume.reduce((s, v) => s + v, 0);
  assert.ok(Math.abs(volume - closedVolume) < 1e-9, `${volume} vs ${closedVolume}`);
  for (let i = 0; i < closes; i++) assert.ok(out.low[i] <= Math.min(out.open[i], out.close[i]) && out.high[i] >= Math.max(out.open[i], out.close[i]));
});

test('aggregate.bars: params checked (a time bar needs an interval, a volume bar a threshold)', () => {
  const check = (p: Record<string, unknown>) => bars.check!(compileParams(bars).parse(p) as never);
  assert.match(check({ type: 'time' })[0].message, /needs an interval/);
  assert.match(check({ type: 'volume' })[0].message, /needs a threshold/);
  assert.match(check({ type: 'tick', threshold: 2.5 })[0].message, /whole number/);
  assert.deepEqual(check({ type: 'volume', threshold: 10 }), []);
});
