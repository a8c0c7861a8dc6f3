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
