/**
 * Books and trades in graphs: the real spot tape through aggregate.bars into a candle strategy
 * and the broker, at every chunk size and in paper mode; trades joined with bars and the book on
 * one timeline. Expectations come from the plain-parsed files (realOrderFlow.ts), not from the
 * readers under test.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileGraph } from '../runtime/graph/compileGraph.js';
import { defaultRegistry } from '../runtime/loadGraph.js';
import { OutputGuard } from '../runtime/adapters/outputGuard.js';
import { runGraph } from '../runtime/exec/runGraph.js';
import { memoryFeeds, memorySinks } from '../runtime/adapters/memory.js';
import { dataDir } from '../runtime/testing/dataFile.js';
import { REAL_BOOK_FILE, REAL_TRADES_FILE, realBook, realTrades } from '../runtime/testing/realOrderFlow.js';
import { summaryText } from '../runtime/cli/summary.js';
import type { BrokerReport } from '../runtime/portfolio/simulatedBroker.js';

const env = { ...process.env, HEAN_DATA_DIR: dataDir() };

const STRATEGY = `
version: 1
name: volume-bar-cross
nodes:
  tape: { kind: source.trades, params: { symbol: BTCUSDT } }
  bars: { kind: aggregate.bars, in: { trades: tape }, params: { type: volume, threshold: 2 } }
  fast: { kind: indicator.sma, in: { series: bars.close }, params: { timePeriod: 5 } }
  slow: { kind: indicator.sma, in: { series: bars.close }, params: { timePeriod: 20 } }
  cross: { kind: signal.crossover, in: { a: fast.value, b: slow.value } }
  size: { kind: sizer.fixedFraction, in: { signal: cross.signal }, params: { fraction: 1 } }
  broker: { kind: sink.broker, in: { orders: size.orders, market: bars.bars }, params: { cash: 10000, fill: nextOpen, fees: { taker: 0.001 } } }
  rec: { kind: sink.record, in: { series: [bars.close, bars.volume] } }
`;

async function run(text: string, options: { chunkSize?: number; mode?: 'backtest' | 'paper' } = {}) {
  const { graph, diagnostics } = compileGraph(text, 'orderflow.yaml', defaultRegistry, { mode: options.mode ?? 'backtest', requireBindings: true });
  assert.ok(graph, JSON.stringify(diagnostics));
  return runGraph(graph, { chunkSize: options.chunkSize, env, outputs: new OutputGuard({ dir: '.' }) });
}

/** Volume bars of 2 BTC from the plain-parsed tape: [close event time, close price, volume]. */
function expectedBars(): [number, number, number][] {
  const { t, trades } = realTrades();
  const out: [number, number, number][] = [];
  let volume = 0;
  for (let i = 0; i < t.length; i++) {
    volume += trades.size[i];
    if (volume >= 2) {
      out.push([t[i], trades.price[i], volume]);
      volume = 0;
    }
  }
  return out;
}

test('trades -> volume bars -> a candle strategy -> the broker: the bars close at their trades, the same at every chunk size', async () => {
  const runs = [];
  for (const chunkSize of [1, 7, 1024, 100_000]) {
    const sink = `bars-${chunkSize}`;
    const result = await run(`${STRATEGY}modes:\n  backtest:\n    tape: { file: ${REAL_TRADES_FILE} }\n    rec: { memory: ${sink} }\n`, { chunkSize });
    runs.push({ rows: memorySinks.get(sink)!, broker: result.reports.broker as BrokerReport, result });
  }
  const expected = expectedBars();
  const { rows } = runs[0];
  assert.deepEqual(rows.t, expected.map((b) => b[0]), 'one row per bar, at the event time of the trade that closed it');
  assert.deepEqual(rows.rows.map((r) => r[0]), expected.map((b) => b[1]));
  rows.rows.forEach((r, i) => assert.ok(Math.abs(r[1] - expected[i][2]) < 1e-9, `bar ${i} volume`));
  assert.equal(runs[0].broker.metrics.bars, expected.length, 'the broker steps on the bars');
  assert.ok(runs[0].broker.metrics.trades > 0, 'the strategy trades');
  for (const other of runs.slice(1)) {
    assert.deepEqual(other.rows, rows);
    assert.deepEqual(other.broker.trades, runs[0].broker.trades);
    assert.equal(other.broker.metrics.finalEquity, runs[0].broker.metrics.finalEquity);
  }
  assert.match(summaryText(runs[0].result), /19,904 trades \(9,093 buyer-, 10,811 seller-initiated\)/);
});

test('paper mode over a memory feed of the same trades gives the same bars and the same trades as the backtest', async () => {
  const { t, trades } = realTrades();
  memoryFeeds.set('tape', { t, columns: { ...trades }, batch: 997 });
  const backtest = await run(`${STRATEGY}modes:\n  backtest:\n    tape: { file: ${REAL_TRADES_FILE} }\n    rec: { memory: bt }\n`);
  const paper = await run(`${STRATEGY}modes:\n  paper:\n    tape: { memory: tape }\n    rec: { memory: paper }\n`, { mode: 'paper' });
  assert.deepEqual(memorySinks.get('paper'), memorySinks.get('bt'));
  assert.deepEqual((paper.reports.broker as BrokerReport).trades, (backtest.reports.broker as BrokerReport).trades);
});

test('bars joined with the tape: one row per trade, the latest bar as of it; a book source beside them loads its snapshots', async () => {
  const text = `
version: 1
name: joined
nodes:
  tape: { kind: source.trades, params: { symbol: BTCUSDT, end: 1723161315000 } }
  depth: { kind: source.book, params: { symbol: BTCUSDT, levels: 1, end: 1723161315000 } }
  bars: { kind: aggregate.bars, in: { trades: tape }, params: { type: tick, threshold: 50 } }
  rec: { kind: sink.record, in: { series: [tape.price, bars.count] } }
modes:
  backtest:
    tape: { file: ${REAL_TRADES_FILE} }
    depth: { file: ${REAL_BOOK_FILE} }
    rec: { memory: joined }
`;
  const result = await run(text, { chunkSize: 64 });
  const rows = memorySinks.get('joined')!;
  const tape = realTrades();
  const kept = Array.from(tape.t).filter((x) => x < 1723161315000);
  // bars close at trade events, so the union of the two timelines is the tape's.
  assert.deepEqual(rows.t, kept);
  rows.rows.forEach((r, i) => assert.equal(r[0], tape.trades.price[i], `trade ${i} price`));
  // bars.count is a level: NaN before the first bar, 50 from the 50th trade on.
  assert.ok(Number.isNaN(rows.rows[48][1]));
  assert.equal(rows.rows[49][1], 50);
  assert.equal(rows.rows[rows.rows.length - 1][1], 50);
  assert.equal(result.sources.depth.rows, realBook(1).t.filter((x) => x < 1723161315000).length);
});
