/**
 * fill: book, worked by hand on a three-level book: bids 99 x 1, 98 x 2, 97 x 5; asks 101 x 1,
 * 102 x 2, 103 x 5 (mid 100, touch half-spread 1 = 100 bps of the mid).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SimulatedBroker, type BrokerReport, type SimulatedBrokerParams } from './simulatedBroker.js';
import { bookFields, type Book, type Candles } from '../ports.js';
import { compileGraph } from '../graph/compileGraph.js';
import { defaultRegistry } from '../loadGraph.js';

const params: SimulatedBrokerParams = { cash: 1000, fill: 'book', fees: { taker: 0 }, slippageBps: 0, latencyBars: 0, direction: 'longOnly' };
const LEVELS = [99, 1, 101, 1, 98, 2, 102, 2, 97, 5, 103, 5];

/** `bars` market events with flat 100 candles, the same book at each, and the given orders. */
function run(orders: number[], p: Partial<SimulatedBrokerParams> = {}, chunk = orders.length): { report: BrokerReport; warnings: string[] } {
  const n = orders.length;
  const flat = () => new Float64Array(n).fill(100);
  const market: Candles = { time: Float64Array.from({ length: n }, (_, i) => i * 60_000), open: flat(), high: flat(), low: flat(), close: flat(), volume: flat() };
  const book: Book = { names: bookFields(3), columns: LEVELS.map((v) => new Float64Array(n).fill(v)) };
  const warnings: string[] = [];
  const broker = new SimulatedBroker({ ...params, ...p }, { warn: (code) => warnings.push(code), history: 'full' });
  const t = Float64Array.from(market.time, (x) => x + 60_000);
  const out = { equity: new Float64Array(n), position: new Float64Array(n) };
  for (let from = 0; from < n; from += chunk) {
    const to = Math.min(n, from + chunk);
    const view = (a: Float64Array) => a.subarray(from, to);
    const m = { time: view(market.time), open: view(market.open), high: view(market.high), low: view(market.low), close: view(market.close), volume: view(market.volume) };
    broker.step(to - from, view(t), { orders: Float64Array.from(orders.slice(from, to)), market: m, book: { names: book.names, columns: book.columns.map(view) } }, { equity: out.equity.subarray(from, to), position: out.position.subarray(from, to) });
  }
  return { report: broker.report(), warnings };
}

test('fill: book, all-in buy: walks 1 @ 101, 2 @ 102, 5 @ 103; the depth runs out 1.90 units short of 1000 / 101', () => {
  const { report, warnings } = run([1, NaN, NaN, NaN]);
  const trade = report.trades[0];
  assert.equal(trade.qty, 8);
  assert.equal(trade.entryPrice, 820 / 8, 'vwap (101 + 204 + 515) / 8 = 102.5');
  const x = report.execution!;
  assert.equal(x.fills, 1);
  assert.equal(x.partialFills, 1);
  assert.ok(Math.abs(x.unitsShort - (1000 / 101 - 8)) < 1e-12);
  assert.ok(Math.abs(x.expectedSlippageBps - 100) < 1e-9, 'touch 101 vs mid 100');
  assert.ok(Math.abs(x.realisedSlippageBps - 250) < 1e-9, 'vwap 102.5 vs mid 100');
  assert.deepEqual(warnings, ['broker/depth-exhausted']);
});

test('fill: book, the exit sells 8 through the bids: 1 @ 99, 2 @ 98, 5 @ 97 (vwap 97.5), pnl 780 - 820', () => {
  for (const chunk of [1, 2, 5]) {
    const { report } = run([1, NaN, 0, NaN, NaN], {}, chunk);
    const trade = report.trades[0];
    assert.equal(trade.exitPrice, 97.5, `chunk ${chunk}`);
    assert.ok(Math.abs(trade.pnl - (780 - 820)) < 1e-9);
    assert.equal(report.execution!.fills, 2);
    // value-weighted: buy 820 at 250 bps, sell 780 at 250 bps (100 - 97.5) -> 250; touch: 100 both
    assert.ok(Math.abs(report.execution!.realisedSlippageBps - 250) < 1e-9);
  }
});

test('fill: book, a buy never spends more than the cash: with 300, 1 @ 101 then (300 - 101) / 102 @ 102, not partial', () => {
  const { report } = run([1, NaN, NaN], { cash: 300 });
  const trade = report.trades[0];
  assert.ok(Math.abs(trade.qty - (1 + 199 / 102)) < 1e-12);
  assert.equal(report.execution!.partialFills, 0);
  assert.ok(Math.abs(report.metrics.finalEquity - (300 - 300 + trade.qty * 100)) < 1e-9, 'all cash spent, position marked at the close');
});

test('fill: book, a small order fills at the touch: expected and realised slippage agree', () => {
  const { report } = run([0.05, NaN, NaN]);
  // 0.05 * 1000 / 101 = 0.495 units, all at 101
  assert.equal(report.trades[0].entryPrice, 101);
  assert.ok(Math.abs(report.execution!.realisedSlippageBps - report.execution!.expectedSlippageBps) < 1e-9);
});

test('sink.broker: fill: book without a book wired is a compile error; a book wired with another fill a warning', () => {
  const graph = (fill: string, book: boolean) => `
version: 1
name: g
nodes:
  bars: { kind: source.candles, params: { symbol: X, timeframe: 1m } }
  depth: { kind: source.book, params: { symbol: X } }
  sig: { kind: signal.crossover, in: { a: bars.close, b: bars.open } }
  size: { kind: sizer.fixedFraction, in: { signal: sig.signal } }
  broker: { kind: sink.broker, in: { orders: size.orders, market: bars${book ? ', book: depth' : ''} }, params: { fill: ${fill} } }
`;
  const missing = compileGraph(graph('book', false), 'g.yaml', defaultRegistry).diagnostics;
  assert.ok(missing.some((d) => d.severity === 'error' && /fill: book walks the recorded order book, and no book is wired/.test(d.message)), JSON.stringify(missing));
  const unused = compileGraph(graph('nextOpen', true), 'g.yaml', defaultRegistry).diagnostics;
  assert.ok(unused.some((d) => d.severity === 'warning' && /the book input is wired but fill is nextOpen/.test(d.message)));
  const ok = compileGraph(graph('book', true), 'g.yaml', defaultRegistry).diagnostics;
  assert.ok(!ok.some((d) => d.severity === 'error'), JSON.stringify(ok));
});

/**
 * fill: queue on the same book, with market events at 1, 2, 3, 4 minutes and a listed tape.
 * Trades are handed to the broker with the market event they precede (or the last), as the
 * replay driver cuts chunks by time.
 */
function runQueue(orders: number[], tape: [number, number, number, number][], chunk: number, p: Partial<SimulatedBrokerParams> = {}): BrokerReport {
  const n = orders.length;
  const t = Float64Array.from({ length: n }, (_, i) => (i + 1) * 60_000);
  const flat = () => new Float64Array(n).fill(100);
  const book: Book = { names: bookFields(3), columns: LEVELS.map((v) => new Float64Array(n).fill(v)) };
  const broker = new SimulatedBroker({ ...params, fill: 'queue', ...p }, { warn: () => {}, history: 'full' });
  for (let from = 0; from < n; from += chunk) {
    const to = Math.min(n, from + chunk);
    const view = (a: Float64Array) => a.subarray(from, to);
    const after = from === 0 ? -Infinity : t[from - 1];
    const until = to === n ? Infinity : t[to - 1];
    const mine = tape.filter(([time]) => time > after && time <= until);
    const col = (k: number) => Float64Array.from(mine, (r) => r[k]);
    const trades = { n: mine.length, t: col(0), value: { time: col(0), price: col(1), size: col(2), side: col(3) } };
    const market = { time: view(t).map((x) => x - 60_000), open: view(flat()), high: view(flat()), low: view(flat()), close: view(flat()), volume: view(flat()) };
    broker.step(to - from, view(t), { orders: Float64Array.from(orders.slice(from, to)), market, book: { names: book.names, columns: book.columns.map(view) }, trades }, { equity: new Float64Array(to - from), position: new Float64Array(to - from) });
  }
  return broker.report();
}

test('fill: queue, by hand: a buy rests at the bid behind 1 unit, sellers at 99 work through the queue, a trade through fills the rest; the exit rests at the ask', () => {
  const tape: [number, number, number, number][] = [
    [70_000, 99, 0.6, -1], // queue ahead 1 -> 0.4, no fill
    [80_000, 101, 0.3, 1], // a buyer: does not touch a resting bid
    [90_000, 99, 0.7, -1], // 0.4 ahead, then 0.3 fills the order (0.2 left)
    [100_000, 98, 0.1, -1], // through the bid: the last 0.2 fill at 99
    [190_000, 101, 1.5, 1], // the exit at 101: 1 ahead, then 0.5 fills it
  ];
  for (const chunk of [1, 2, 4]) {
    // 0.0495 of 1000 at the bid 99 = 0.5 units; then flat at the 3rd event.
    const report = runQueue([0.0495, NaN, 0, NaN], tape, chunk);
    assert.equal(report.trades.length, 1, `chunk ${chunk}`);
    const trade = report.trades[0];
    assert.equal(trade.entryPrice, 99);
    assert.equal(trade.exitPrice, 101);
    assert.ok(Math.abs(trade.qty - 0.5) < 1e-12);
    assert.ok(Math.abs(trade.pnl - 1) < 1e-9, `pnl ${trade.pnl}`);
    const q = report.queue!;
    assert.deepEqual({ placed: q.ordersPlaced, filled: q.filled, partly: q.partlyFilled, unfilled: q.unfilled, fills: q.fills }, { placed: 2, filled: 2, partly: 0, unfilled: 0, fills: 3 });
    assert.equal(q.meanQueueAhead, 1);
    assert.equal(q.meanWaitMs, (30_000 + 10_000) / 2, 'first fills 30 s and 10 s after placement');
    // equity at the 2nd event: cash 1000 - 49.5 + 0.5 * close 100
    assert.ok(Math.abs(report.equity[1] - 1000.5) < 1e-9);
  }
});

test('fill: queue: a maker fee is charged on resting fills; the next order replaces an unfilled one, counted as unfilled', () => {
  const tape: [number, number, number, number][] = [[130_000, 99, 5, -1]];
  // Order 1 (1st event) rests with no trade before order 2 (2nd event) replaces it; order 2 fills 0.5 behind 1 ahead.
  const report = runQueue([0.0495, 0.0495, NaN], tape, 1, { fees: { taker: 0.001, maker: 0.0002 } });
  const q = report.queue!;
  assert.equal(q.ordersPlaced, 2);
  assert.equal(q.unfilled, 1);
  assert.equal(q.filled, 1);
  // Sized with the maker fee: 49.5 / (99 * 1.0002) units, paying 0.02 % of their value.
  const units = 49.5 / (99 * 1.0002);
  assert.ok(Math.abs(report.trades[0].qty - units) < 1e-12);
  assert.ok(Math.abs(report.trades[0].fees - units * 99 * 0.0002) < 1e-12);
});
