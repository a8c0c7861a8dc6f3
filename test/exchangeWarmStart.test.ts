/**
 * Warm start, end to end: graphs/sma-cross.yaml's nodes (on 1m bars) in paper mode bound to the
 * fake Binance through ccxt start from the closed candles REST gives for the graph's warm-up,
 * then trade on the websocket candles. The run makes exactly the decisions a backtest of the
 * same bars, read from the recorded file by the file adapter, makes: the same equity at every
 * bar (so the first live decision is the same), and the same trades.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runGraph } from '../runtime/exec/runGraph.js';
import { compileGraph } from '../runtime/graph/compileGraph.js';
import { defaultRegistry } from '../runtime/loadGraph.js';
import type { BrokerReport } from '../runtime/portfolio/simulatedBroker.js';
import { dataDir, dataFile, projectRoot } from '../runtime/testing/dataFile.js';
import { startFakeBinance } from '../runtime/testing/fakeBinance/fakeBinance.js';
import { RECORDED_FILES, loadMarketData, recordedPaths } from '../runtime/testing/fakeBinance/marketData.js';
import { readCandleCsv } from '../runtime/adapters/file/readCandleCsv.js';
import { waitUntil as until } from '../runtime/testing/waitUntil.js';

const M = 60_000;
const LIVE = 240;

/** sma-cross's nodes with 1m bars (and start/end when given), bound as `modes`. */
function graphText(modes: string, range = ''): string {
  const text = readFileSync(join(projectRoot, 'graphs', 'sma-cross.yaml'), 'utf8').replace(/modes:[\s\S]*$/, modes);
  return text.replace('params: { symbol: BTCUSDT, timeframe: 1h }', `params: { symbol: BTCUSDT, timeframe: 1m${range} }`);
}

test('a warm-started paper run on exchange candles makes the backtest\'s decisions on the same bars', async () => {
  const file = await readCandleCsv(dataFile(RECORDED_FILES.candles), { timeframeMs: M });
  const start = file.time[20_000] + 15_000; // mid-minute: candle 20000 is forming
  const fake = await startFakeBinance({ data: await loadMarketData(recordedPaths(dataDir())), manual: true, start });
  try {
    const paper = compileGraph(graphText(`modes:\n  paper:\n    bars: { exchange: binance, symbol: BTC/USDT, url: "${fake.url}" }\n`), 'sma-cross (exchange)', defaultRegistry, { mode: 'paper', requireBindings: true });
    assert.ok(paper.graph, JSON.stringify(paper.diagnostics));
    const warmup = paper.graph.warmupBars;
    assert.ok(warmup >= 30, `sma-cross needs the slow SMA's bars: ${warmup}`);
    const running = runGraph(paper.graph, { history: 'full', live: { maxEvents: warmup + LIVE } });
    await until(() => fake.stats.streams.includes('btcusdt@kline_1m'), 'the kline subscription');
    for (let i = 0; i < LIVE; i++) {
      fake.advance(M);
      if (i % 10 === 0) await new Promise((r) => setTimeout(r, 1));
    }
    const live = await running;
    const source = live.sources.bars as Record<string, number>;
    assert.equal(source.warmupReceived, warmup);
    assert.equal(source.backfilled, 0, 'live candles came over the websocket');
    assert.equal(source.duplicatesDropped, 0);

    // The same bars from the recorded file: the warm-up ones (before candle 20000) and the live ones.
    const first = file.time[20_000 - warmup];
    const end = file.time[20_000 + LIVE];
    const iso = (ms: number) => new Date(ms).toISOString();
    const backtest = compileGraph(graphText(`modes:\n  backtest:\n    bars: { file: ${RECORDED_FILES.candles} }\n`, `, start: "${iso(first)}", end: "${iso(end)}"`), 'sma-cross (file)', defaultRegistry, { mode: 'backtest', requireBindings: true });
    assert.ok(backtest.graph, JSON.stringify(backtest.diagnostics));
    const replayed = await runGraph(backtest.graph);
    const a = live.reports.broker as BrokerReport;
    const b = replayed.reports.broker as BrokerReport;
    assert.equal(live.events, warmup + LIVE);
    assert.deepEqual(Array.from(a.eventTimes), Array.from(b.eventTimes), 'the same bars');
    // The first live bar's decision: equity and everything after it.
    assert.equal(a.equity[warmup], b.equity[warmup]);
    assert.deepEqual(Array.from(a.equity), Array.from(b.equity));
    assert.ok(b.trades.length >= 3, `the span has trades to compare: ${b.trades.length}`);
    assert.ok(b.trades.every((t) => t.entryTime >= file.time[20_000]), 'every trade is decided on live bars (none during the warm-up)');
    assert.deepEqual(a.trades, b.trades);
    assert.equal(a.ordersReceived, b.ordersReceived);
  } finally {
    await fake.close();
  }
});
