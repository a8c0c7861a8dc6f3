import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cvd } from './cvd.js';
import { compileParams } from '../../runtime/params.js';
import { runKernel } from '../../runtime/testing/runKernel.js';
import { closeTo, runEveryChunking } from '../../runtime/testing/chunkings.js';
import { listedTrades, realOrderFlow, realTrades } from '../../runtime/testing/realOrderFlow.js';
import type { Trades } from '../../runtime/ports.js';

const N = NaN;

/** The whole run, checked bit for bit at chunk sizes 1, 2, 3, 7 (or `sizes`). */
const runChunked = (params: Record<string, unknown>, trades: Trades, sizes?: number[]) => runEveryChunking(cvd, params, { trades }, sizes);

// [price, size, side]; null = an event of another source on the shared timeline (no trade).
const HAND = listedTrades([
  null, //             0  before any trade
  [100, 1, N], //      1  no side, no price change yet: unclassifiable (skipped by both modes)
  [101, 2, 1], //      2  buy 2 (uptick: the tick test's last change is now +)
  [101, 1, N], //      3  zero tick after an uptick: +1
  [100.5, 3, N], //    4  downtick: -1
  null, //             5
  [100.5, 0.5, -1], // 6  sell 0.5
  [100.5, 2, N], //    7  zero tick, last change down: -1
  [100.5, 1, 1], //    8  buy 1 (its real side does not change the tick test's memory)
  [100.5, 1, N], //    9  zero tick, last change still the downtick at row 4: -1 (not the +1 of row 8's side)
  [102, 4, N], //     10  uptick: +1
]);

test('orderflow.cvd tickRule: unsided trades signed by the tick test, levels held and pulses NaN between trades (hand-worked)', () => {
  const out = runChunked({ window: 3 }, HAND);
  closeTo(out.delta, [N, N, 2, 1, -3, N, -0.5, -2, 1, -1, 4], 'delta');
  closeTo(out.buyVolume, [N, 0, 2, 3, 3, 3, 3, 3, 4, 4, 8], 'buyVolume');
  closeTo(out.sellVolume, [N, 0, 0, 0, 3, 3, 3.5, 5.5, 5.5, 6.5, 6.5], 'sellVolume');
  closeTo(out.cvd, [N, 0, 2, 3, 0, 0, -0.5, -2.5, -1.5, -2.5, 1.5], 'cvd');
  // Last 3 classified trades: {2, 1, -3} 0; {1, -3, -0.5} (1 - 3.5) / 4.5; {-3, -0.5, -2} -1; {-0.5, -2, 1} -1.5 / 3.5;
  // {-2, 1, -1} -2 / 4; {1, -1, 4} 4 / 6
  closeTo(out.flowImbalance, [N, N, N, N, 0, 0, -2.5 / 4.5, -1, -1.5 / 3.5, -0.5, 4 / 6], 'flowImbalance');
});

test('orderflow.cvd skip: unsided trades add no volume and do not count in the window (hand-worked)', () => {
  const out = runChunked({ window: 3, unknownSide: 'skip' }, HAND);
  closeTo(out.delta, [N, N, 2, N, N, N, -0.5, N, 1, N, N], 'delta');
  closeTo(out.cvd, [N, 0, 2, 2, 2, 2, 1.5, 1.5, 2.5, 2.5, 2.5], 'cvd');
  closeTo(out.buyVolume, [N, 0, 2, 2, 2, 2, 2, 2, 3, 3, 3], 'buyVolume');
  closeTo(out.sellVolume, [N, 0, 0, 0, 0, 0, 0.5, 0.5, 0.5, 0.5, 0.5], 'sellVolume');
  // The third classified trade is row 8: {2, -0.5, 1}: (3 - 0.5) / 3.5
  closeTo(out.flowImbalance, [N, N, N, N, N, N, N, N, 2.5 / 3.5, 2.5 / 3.5, 2.5 / 3.5], 'flowImbalance');
});

test('orderflow.cvd on the real spot trades: final cvd = sum of buy sizes - sum of sell sizes; flowImbalance = a direct window sum', () => {
  const { trades } = realTrades();
  const out = runChunked({}, trades, [1, 7, 256]);
  let buys = 0;
  let sells = 0;
  for (let i = 0; i < trades.size.length; i++) {
    if (trades.side[i] === 1) buys += trades.size[i];
    else if (trades.side[i] === -1) sells += trades.size[i];
  }
  const last = trades.size.length - 1;
  assert.ok(Math.abs(out.buyVolume[last] - buys) < 1e-9);
  assert.ok(Math.abs(out.sellVolume[last] - sells) < 1e-9);
  assert.ok(Math.abs(out.cvd[last] - (buys - sells)) < 1e-9, `${out.cvd[last]} vs ${buys - sells}`);
  assert.ok(Math.abs(buys - 204.49112) < 1e-6 && Math.abs(sells - 233.4244) < 1e-6, 'the file\'s totals (awk over the CSV)');
  // Every trade of this file has its side: flowImbalance is sum(side x size) / sum(size) over the last 100 trades.
  for (let i = 0; i <= last; i++) {
    if (i < 99) {
      assert.ok(Number.isNaN(out.flowImbalance[i]), `row ${i}: fewer than 100 trades`);
      continue;
    }
    let signed = 0;
    let total = 0;
    for (let k = i - 99; k <= i; k++) {
      signed += trades.side[k] * trades.size[k];
      total += trades.size[k];
    }
    assert.ok(Math.abs(out.flowImbalance[i] - signed / total) < 1e-9, `row ${i}`);
  }
});

test('orderflow.cvd on real book and trades on one timeline: book events hold the levels and have no delta', () => {
  const flow = realOrderFlow(3000);
  const out = runKernel(cvd, {}, { trades: flow.trades }, { t: flow.t, chunkSize: 64 });
  let bookEvents = 0;
  for (let i = 1; i < flow.t.length; i++) {
    if (!Number.isNaN(flow.trades.price[i])) {
      assert.equal(out.delta[i], flow.trades.side[i] * flow.trades.size[i]);
      continue;
    }
    bookEvents++;
    assert.ok(Number.isNaN(out.delta[i]), `row ${i}: no trade, no delta`);
    for (const level of ['cvd', 'buyVolume', 'sellVolume', 'flowImbalance']) assert.ok(Object.is(out[level][i], out[level][i - 1]), `row ${i}: ${level} held`);
  }
  assert.ok(bookEvents > 500, `${bookEvents} book events`);
});

test('orderflow.cvd: params schema', () => {
  const { validate } = compileParams(cvd);
  const p: Record<string, unknown> = {};
  assert.deepEqual(validate(p), []);
  assert.deepEqual(p, { window: 100, unknownSide: 'tickRule' });
  assert.notDeepEqual(validate({ window: 0 }), []);
  assert.notDeepEqual(validate({ window: 1.5 }), []);
  assert.notDeepEqual(validate({ unknownSide: 'quote' }), []);
  assert.equal(cvd.warmup, undefined);
});
