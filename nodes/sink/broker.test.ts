import { test } from 'node:test';
import assert from 'node:assert/strict';
import { broker } from './broker.js';
import type { BrokerReport } from '../../runtime/portfolio/simulatedBroker.js';
import { compileParams } from '../../runtime/params.js';
import { testContext } from '../../runtime/testing/runKernel.js';
import type { Kernel } from '../../runtime/defineNode.js';

const H = 3_600_000;
/** Bars with given opens and closes (high/low irrelevant to the broker), one hour apart. */
function market(opens: number[], closes: number[]) {
  const n = opens.length;
  const time = Float64Array.from({ length: n }, (_, i) => i * H);
  return { time, open: Float64Array.from(opens), high: Float64Array.from(opens), low: Float64Array.from(opens), close: Float64Array.from(closes), volume: new Float64Array(n) };
}

function simulate(params: Record<string, unknown>, opens: number[], closes: number[], orders: number[], chunk = 1): BrokerReport & { equityOut: number[]; positionOut: number[] } {
  const kernel = broker.create!(compileParams(broker).parse(params) as never, testContext('broker')) as Kernel;
  const m = market(opens, closes);
  const o = Float64Array.from(orders);
  const equityOut: number[] = [];
  const positionOut: number[] = [];
  const out = { equity: new Float64Array(chunk), position: new Float64Array(chunk) };
  for (let s = 0; s < opens.length; s += chunk) {
    const n = Math.min(chunk, opens.length - s);
    const view = (a: Float64Array) => a.subarray(s, s + n);
    kernel.step(n, Float64Array.from({ length: n }, (_, i) => (s + i + 1) * H), { orders: view(o), market: Object.fromEntries(Object.entries(m).map(([k, v]) => [k, view(v)])) }, out);
    equityOut.push(...out.equity.subarray(0, n));
    positionOut.push(...out.position.subarray(0, n));
  }
  return { ...(kernel.report!() as BrokerReport), equityOut, positionOut };
}

const N = NaN;

test('all-in order fills at the next open, buying cash / (open * (1 + fee)); exit sells at the next open', () => {
  //            bar:   0    1    2    3    4
  const opens = [90, 100, 105, 120, 118];
  const closes = [95, 110, 115, 119, 121];
  const r = simulate({ cash: 10000, fees: { taker: 0.001 } }, opens, closes, [1, N, 0, N, N]);
  const qty = 10000 / (100 * 1.001); // filled at bar 1's open
  assert.equal(r.trades.length, 1);
  const t = r.trades[0];
  assert.equal(t.entryTime, 1 * H);
  assert.equal(t.entryPrice, 100);
  assert.equal(t.exitTime, 3 * H);
  assert.equal(t.exitPrice, 120);
  assert.ok(Math.abs(t.qty - qty) < 1e-12);
  const fees = qty * 100 * 0.001 + qty * 120 * 0.001;
  assert.ok(Math.abs(t.fees - fees) < 1e-9);
  assert.ok(Math.abs(t.pnl - (qty * 120 * 0.999 - 10000)) < 1e-9);
  // equity: bar 0 all cash; bar 1..2 long marked at the close; bar 3+ cash after the exit
  assert.equal(r.equityOut[0], 10000);
  assert.ok(Math.abs(r.equityOut[1] - qty * 110) < 1e-9);
  assert.ok(Math.abs(r.equityOut[2] - qty * 115) < 1e-9);
  assert.ok(Math.abs(r.equityOut[3] - qty * 120 * 0.999) < 1e-9);
  assert.equal(r.equityOut[4], r.equityOut[3]);
  assert.deepEqual(r.positionOut.map((q) => q !== 0), [false, true, true, false, false]);
  assert.equal(r.metrics.exposurePct, 40);
});

test('latency delays the fill by whole bars; slippage moves the price against the trader', () => {
  const opens = [100, 101, 102, 103, 104];
  const closes = [100, 101, 102, 103, 104];
  const r = simulate({ cash: 1000, fees: { taker: 0 }, latencyBars: 1, slippageBps: 10 }, opens, closes, [1, N, N, 0, N]);
  assert.equal(r.trades.length, 1);
  assert.equal(r.trades[0].entryTime, 2 * H, 'decided at bar 0, filled at the open of bar 0 + 1 + 1');
  assert.equal(r.trades[0].entryPrice, 102 * 1.001);
  assert.equal(r.trades[0].exitTime, null, 'the exit decided at bar 3 would fill at bar 5, after the data');
  assert.equal(r.unfilledOrders, 1);
  assert.equal(r.trades[0].exitPrice, 104, 'an open trade is valued at the last close');
  assert.ok(Math.abs(r.metrics.finalEquity - (1000 / (102 * 1.001)) * 104) < 1e-9);
});

test('fill: close trades at the deciding bar close (and the check warns that it is optimistic)', () => {
  const r = simulate({ cash: 1000, fees: { taker: 0 }, fill: 'close' }, [10, 20, 30], [11, 21, 31], [1, 0, N]);
  assert.equal(r.trades[0].entryPrice, 11);
  assert.equal(r.trades[0].exitPrice, 21);
  assert.ok(Math.abs(r.trades[0].pnl - (1000 / 11) * 10) < 1e-9);
  const problems = broker.check!(compileParams(broker).parse({ fill: 'close' }) as never);
  assert.equal(problems[0].severity, 'warning');
});

test('long-only ignores short targets; long-short goes short and marks the short at each close', () => {
  const opens = [100, 100, 80, 80];
  const closes = [100, 90, 80, 70];
  const longOnly = simulate({ cash: 1000, fees: { taker: 0 } }, opens, closes, [-1, N, N, N]);
  assert.equal(longOnly.trades.length, 0);
  assert.equal(longOnly.metrics.finalEquity, 1000);
  const ls = simulate({ cash: 1000, fees: { taker: 0 }, direction: 'longShort' }, opens, closes, [-1, N, 0, N]);
  // short 10 units at 100 (bar 1 open), covered at 80 (bar 3 open): +200
  assert.equal(ls.trades[0].qty, -10);
  assert.equal(ls.trades[0].pnl, 200);
  assert.equal(ls.equityOut[1], 1000 + 10 * (100 - 90));
  assert.equal(ls.metrics.finalEquity, 1200);
});

test('a reversal closes the long and opens a short of the same fraction in one order', () => {
  const r = simulate({ cash: 1000, fees: { taker: 0 }, direction: 'longShort' }, [100, 100, 125, 125], [100, 120, 125, 125], [1, -1, N, N]);
  assert.equal(r.trades.length, 2);
  assert.equal(r.trades[0].pnl, 10 * 25, 'long 10 from 100 to 125');
  assert.equal(r.trades[1].qty, -1250 / 125, 'then short all 1,250 of equity');
  assert.equal(r.trades[1].exitTime, null);
});

test('results do not depend on how the events are chunked', () => {
  const opens = Array.from({ length: 50 }, (_, i) => 100 + 10 * Math.sin(i / 3));
  const closes = opens.map((o, i) => o + Math.cos(i));
  const orders = opens.map((_, i) => (i % 7 === 0 ? 1 : i % 7 === 3 ? 0 : i % 11 === 5 ? -1 : NaN));
  const a = simulate({ direction: 'longShort', slippageBps: 3, latencyBars: 2 }, opens, closes, orders, 1);
  const b = simulate({ direction: 'longShort', slippageBps: 3, latencyBars: 2 }, opens, closes, orders, 50);
  assert.deepEqual(a.trades, b.trades);
  assert.deepEqual(a.equityOut, b.equityOut);
});

test('absurd money is a compile-time error: cash above 1e15, slippage above 1000 bps (10%)', () => {
  const errors = (p: Record<string, unknown>) => compileParams(broker).validate(p).map((e) => `${e.instancePath} ${e.keyword}`);
  assert.deepEqual(errors({ cash: 1e15, slippageBps: 1000 }), []);
  assert.deepEqual(errors({ cash: 1e308 }), ['/cash maximum']);
  assert.deepEqual(errors({ cash: 1.1e15 }), ['/cash maximum']);
  assert.deepEqual(errors({ slippageBps: 10000 }), ['/slippageBps maximum']);
});

test('equity beyond double range: the broker stops, warns, and every metric from equity or trades is n/a', () => {
  // Built past the params check (cash 1e308), as a hostile feed of prices could do with any cash.
  const warnings: [string, string][] = [];
  const kernel = broker.create!({ cash: 1e308, fill: 'nextOpen', fees: { taker: 0 }, slippageBps: 0, latencyBars: 0, direction: 'longOnly' }, { ...testContext('broker'), warn: (code, message) => warnings.push([code, message]) }) as Kernel;
  // all-in at 100 (bar 1), out at 110 (bar 2: a winning trade), all-in at 110 (bar 3), close 300: 1e306 units * 300 = Infinity
  const opens = [100, 100, 110, 110, 300];
  const closes = [100, 110, 110, 300, 300];
  const m = market(opens, closes);
  const out = { equity: new Float64Array(5), position: new Float64Array(5) };
  kernel.step(5, Float64Array.from({ length: 5 }, (_, i) => (i + 1) * H), { orders: Float64Array.from([1, 0, 1, N, N]), market: m }, out);
  const r = kernel.report!() as BrokerReport;
  assert.equal(out.equity[3], Infinity);
  assert.deepEqual(warnings.map(([code]) => code), ['broker/non-finite-equity']);
  assert.match(warnings[0][1], /equity became Infinity at 1970-01-01T04:00:00\.000Z .*every metric derived from equity or trades is n\/a/);
  assert.equal(r.ruined, true);
  // counts and times stay; nothing computed from the money does (a 100 % win rate here would be a lie)
  assert.deepEqual([r.metrics.bars, r.metrics.trades, r.metrics.closedTrades, r.metrics.initialCash], [5, 2, 1, 1e308]);
  for (const key of ['finalEquity', 'totalReturnPct', 'cagrPct', 'sharpe', 'maxDrawdownPct', 'winRatePct', 'profitFactor', 'avgTradePnl', 'exposurePct', 'feesPaid'] as const) {
    assert.ok(Number.isNaN(r.metrics[key]), `${key} is ${r.metrics[key]}, expected NaN (n/a)`);
  }
});
