import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kelly } from './kelly.js';
import { compileParams } from '../../runtime/params.js';
import { runAllChunkings, near } from '../../runtime/testing/chunkings.js';

const f = (xs: number[]) => Float64Array.from(xs);
const N = NaN;

const signal = [N, 1, -1, 0, 1, -1, 1, 1];
const up = [0.7, 0.6, 0.3, 0.9, 0.5, 0.8, N, 1.2];

test('sizer.kelly model: half Kelly of p - (1 - p) / b, p = P(up) for a long and 1 - P(up) for a short', () => {
  const out = runAllChunkings(kelly, {}, { signal: f(signal), probability: f(up) }, 'orders');
  // defaults fraction 0.5, payoff 1, cap 1:
  // 1: long, p 0.6: f* = 0.6 - 0.4 = 0.2 -> 0.1
  // 2: short, P(up) 0.3 so p = 0.7: f* = 0.7 - 0.3 = 0.4 -> -0.2
  // 3: signal 0 -> 0 whatever the probability
  // 4: long, p 0.5: f* = 0 -> 0 (no edge: flat)
  // 5: short, p = 1 - 0.8 = 0.2: f* = 0.2 - 0.8 < 0 -> +0 (flat, not -0)
  // 6: NaN probability -> no order; 7: probability 1.2 is not one -> no order; 0: no signal
  near(out, [N, 0.1, -0.2, 0, 0, 0, N, N]);
});

test('sizer.kelly model: payoff param, full Kelly and cap', () => {
  const out = runAllChunkings(kelly, { payoff: 2, fraction: 1, cap: 0.3 }, { signal: f(signal), probability: f(up) }, 'orders');
  // b 2: 1: 0.6 - 0.4 / 2 = 0.4 -> cap 0.3; 2: 0.7 - 0.3 / 2 = 0.55 -> -0.3; 4: 0.5 - 0.5 / 2 = 0.25; 5: 0.2 - 0.8 / 2 < 0 -> 0
  near(out, [N, 0.3, -0.3, 0, 0.25, 0, N, N]);
});

test('sizer.kelly model: the payoff input replaces the param at each event', () => {
  const payoff = [1, 3, 0, 1, 4, N, 1, 1];
  const out = runAllChunkings(kelly, { payoff: 2 }, { signal: f(signal), probability: f(up), payoff: f(payoff) }, 'orders');
  // 1: b 3: (0.6 - 0.4 / 3) / 2 = 0.233333...; 2: b 0 is no payoff -> no order; 4: b 4: (0.5 - 0.5 / 4) / 2 = 0.1875
  // 5: b NaN -> no order (the param is not a fallback once the input is wired)
  near(out, [N, (0.6 - 0.4 / 3) / 2, N, 0, 0.1875, N, N, N]);
});

// The signal's paper round trips at the price, fee 0, over the last 3 trips, sizing from 2 trips on:
// i  signal price  trips                                          closed returns (last 3)      order
// 0   +1    100   open long @100                                 -                            fallback 0.1
// 1   NaN   110   -                                                                           NaN
// 2   +1    120   same side: the trip holds                      -                            0.1
// 3   -1    110   close long 110/100 - 1 = +0.1, open short @110 [+0.1]: 1 < 2 trips          -0.1
// 4   NaN    99   -                                                                           NaN
// 5    0     99   close short -(99/110 - 1) = +0.1               [+0.1, +0.1]                 0
// 6   +1    100   open long @100                                 no loss: b = inf, f* = p = 1 1
// 7    0     90   close long -0.1                                [+0.1, +0.1, -0.1]           0
// 8   -1     90   open short @90                                 p 2/3, b 1: f* = 1/3         -1/3
// 9   +1     99   close short -(99/90 - 1) = -0.1, open long @99 [+0.1, -0.1, -0.1]: p 1/3, b 1: f* = -1/3 -> 0
// 10  +1    NaN   (same side)                                    same                         0
// 11  -1    NaN   no price: sized, but no trip opens or closes   same                         +0 (flat, not -0)
// 12  -1    132   close long 132/99 - 1 = 1/3, open short @132   [-0.1, -0.1, 1/3]: p 1/3, b (1/3) / 0.1 = 10/3,
//                                                                f* = 1/3 - (2/3) / (10/3) = 2/15              -2/15
const tripSignal = [1, N, 1, -1, N, 0, 1, 0, -1, 1, 1, -1, -1];
const tripPrice = [100, 110, 120, 110, 99, 99, 100, 90, 90, 99, N, N, 132];
const realised = { source: 'realised', fraction: 1, trades: 3, minTrades: 2, fee: 0, fallback: 0.1 };

test('sizer.kelly realised: win rate and win/loss ratio of the signal\'s own last round trips', () => {
  const out = runAllChunkings(kelly, realised, { signal: f(tripSignal), price: f(tripPrice) }, 'orders');
  near(out, [0.1, N, 0.1, -0.1, N, 0, 1, 0, -1 / 3, 0, 0, 0, -2 / 15]);
});

test('sizer.kelly realised: half Kelly by default, and the fee per side comes off each trip', () => {
  const half = runAllChunkings(kelly, { ...realised, fraction: 0.5 }, { signal: f(tripSignal), price: f(tripPrice) }, 'orders');
  near(half, [0.1, N, 0.1, -0.1, N, 0, 0.5, 0, -1 / 6, 0, 0, 0, -1 / 15]);
  // fee 0.03 per side: trips +0.04, +0.04, -0.16: at 8 p 2/3, b 0.04 / 0.16 = 0.25: f* = 2/3 - (1/3) / 0.25 < 0 -> 0;
  // at 12: [-0.16, -0.16, 1/3 - 0.06]: p 1/3, b (0.27333...) / 0.16: f* = 1/3 - (2/3) * 0.16 / 0.273333 < 0 -> 0
  const fee = runAllChunkings(kelly, { ...realised, fee: 0.03 }, { signal: f(tripSignal), price: f(tripPrice) }, 'orders');
  near(fee, [0.1, N, 0.1, -0.1, N, 0, 1, 0, 0, 0, 0, 0, 0]);
});

test('sizer.kelly realised: a trip returning exactly 0 counts in n, but neither as a win nor as a loss', () => {
  // trips: long 100 -> 140 = +0.4; short 100 -> 100 = 0; long 100 -> 90 = -0.1 (closed by the short at 5)
  // at 5: n 3, p = 1/3, b = 0.4 / 0.1 = 4 (not 0.4 / 0.05: the 0 is no loss): f* = 1/3 - (2/3) / 4 = 1/6
  const out = runAllChunkings(kelly, { source: 'realised', fraction: 1, trades: 3, minTrades: 3, fee: 0 }, { signal: f([1, 0, -1, 0, 1, -1]), price: f([100, 140, 100, 100, 100, 90]) }, 'orders');
  near(out, [0, 0, 0, 0, 0, -1 / 6]);
});

test('sizer.kelly realised: fallback until minTrades trips have closed (default 0: flat)', () => {
  const out = runAllChunkings(kelly, { source: 'realised', fee: 0 }, { signal: f(tripSignal), price: f(tripPrice) }, 'orders');
  // defaults minTrades 20: never reached here, every pulse is sized at fallback 0
  near(out, [0, N, 0, 0, N, 0, 0, 0, 0, 0, 0, 0, 0]);
});

test('sizer.kelly: params schema and check()', () => {
  const v = compileParams(kelly).validate;
  const p: Record<string, unknown> = {};
  assert.deepEqual(v(p), []);
  assert.deepEqual(p, { source: 'model', fraction: 0.5, cap: 1, payoff: 1, trades: 50, minTrades: 20, fee: 0.001, fallback: 0 });
  for (const bad of [{ source: 'fixed' }, { fraction: 0 }, { fraction: 1.5 }, { cap: 0 }, { cap: 1.1 }, { payoff: 0 }, { trades: 0 }, { trades: 2.5 }, { minTrades: 0 }, { fee: -0.001 }, { fee: 0.2 }, { fallback: -0.1 }, { fallback: 1.5 }, { kelly: 1 }]) {
    assert.notDeepEqual(v(bad), [], JSON.stringify(bad));
  }
  const check = (x: Record<string, unknown>, wired: string[]) => kelly.check!(compileParams(kelly).parse(x) as never, { wiredInputs: new Set(wired) });
  assert.deepEqual(check({}, ['signal', 'probability']), []);
  assert.deepEqual(check({}, ['signal', 'probability', 'payoff']), []);
  assert.deepEqual(check({ source: 'realised' }, ['signal', 'price']), []);
  assert.match(check({ minTrades: 60 }, ['signal', 'probability'])[0].message, /found minTrades 60 above trades 50/);
  assert.match(check({ fallback: 0.5, cap: 0.25 }, ['signal', 'probability'])[0].message, /found fallback 0.5 above cap 0.25/);
  assert.match(check({}, ['signal'])[0].message, /wire it: in: \{ signal: \.\.\., probability:/);
  assert.match(check({}, ['signal', 'probability', 'price'])[0].message, /input price is only read by source realised/);
  assert.match(check({ source: 'realised' }, ['signal'])[0].message, /price: bars.close/);
  assert.match(check({ source: 'realised' }, ['signal', 'price', 'probability'])[0].message, /input probability is only read by source model/);
  assert.equal(kelly.warmup?.(p as never), 0);
});
