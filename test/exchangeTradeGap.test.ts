/**
 * Missed trades fetched back, end to end: a paper graph reading the fake Binance's trade stream
 * through ccxt loses its socket (the fake's fault hook cuts it while trades go on being traded);
 * after the reconnect the trade feed fetches the missed ids over REST (the old-trade lookup) and
 * the graph sees exactly the recorded trades of the window, read independently from the fake's
 * recorded file: every one, once, in order, at the event times a backtest of the file gives.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memorySinks } from '../runtime/adapters/memory.js';
import { readTrades } from '../runtime/adapters/file/readTrades.js';
import { runGraph } from '../runtime/exec/runGraph.js';
import { compileGraph } from '../runtime/graph/compileGraph.js';
import { defaultRegistry } from '../runtime/loadGraph.js';
import { dataDir, dataFile } from '../runtime/testing/dataFile.js';
import { startFakeBinance, type FakeBinance } from '../runtime/testing/fakeBinance/fakeBinance.js';
import { RECORDED_FILES, loadMarketData, recordedPaths, upperBound } from '../runtime/testing/fakeBinance/marketData.js';
import { waitUntil } from '../runtime/testing/waitUntil.js';

/** Moves the fake's market time to `to` in small steps, letting each step's messages go out. */
async function stepTo(fake: FakeBinance, to: number, stepMs = 500): Promise<void> {
  while (fake.now() < to) {
    fake.advance(Math.min(stepMs, to - fake.now()));
    await new Promise((r) => setTimeout(r, 5));
  }
}

test('a dropped trade socket: the graph still sees every recorded trade of the window, once and in order (missed ids fetched back)', async () => {
  const trades = await readTrades(dataFile(RECORDED_FILES.trades), { record: 'trades', symbol: 'BTCUSDT', onBadRow: 'error' }, () => {});
  const [start, beforeDrop, reconnect, end] = [4000, 4300, 4900, 5400].map((i) => trades.time[i]);
  const first = upperBound(trades.time, start); // trades after market time at start
  const last = upperBound(trades.time, end);
  const lost = upperBound(trades.time, reconnect) - upperBound(trades.time, beforeDrop);
  const fake = await startFakeBinance({ data: await loadMarketData(recordedPaths(dataDir())), manual: true, start });
  const sink = `exchange-trade-gap-${process.pid}`;
  try {
    const text = `version: 1
name: trade-gap
nodes:
  tape: { kind: source.trades, params: { symbol: BTCUSDT } }
  rec:  { kind: sink.record, in: { series: [tape.price, tape.size, tape.side] } }
modes:
  paper:
    tape: { exchange: binance, symbol: BTC/USDT, url: "${fake.url}" }
    rec: { memory: ${sink} }
`;
    const { graph, diagnostics } = compileGraph(text, 'trade-gap.yaml', defaultRegistry, { mode: 'paper', requireBindings: true });
    assert.ok(graph, JSON.stringify(diagnostics));
    // Idle for 20 s: trades are missing (the run would otherwise wait for them forever).
    const running = runGraph(graph, { live: { maxEvents: last - first, exitWhenIdleMs: 20_000 } });
    await waitUntil(() => fake.stats.streams.includes('btcusdt@trade'), 'the trade subscription');
    await stepTo(fake, beforeDrop);
    const seen = upperBound(trades.time, beforeDrop) - first;
    await waitUntil(() => (memorySinks.get(sink)?.rows.length ?? 0) >= seen, `the first ${seen} trades through the graph`);
    assert.equal(fake.faults.dropConnections(), 1);
    fake.advanceTo(reconnect); // traded while the socket is down: lost on the wire
    await waitUntil(() => fake.stats.streams.includes('btcusdt@trade'), 'the resubscription');
    await stepTo(fake, end);
    const result = await running;

    const rec = memorySinks.get(sink)!;
    assert.deepEqual(rec.columns, ['tape.price', 'tape.size', 'tape.side']);
    assert.equal(rec.rows.length, last - first, 'every trade of the window, none twice');
    assert.deepEqual(rec.rows.map((r) => r[0]), Array.from(trades.price.subarray(first, last)), 'prices');
    assert.deepEqual(rec.rows.map((r) => r[1]), Array.from(trades.size.subarray(first, last)), 'sizes');
    assert.deepEqual(rec.rows.map((r) => r[2]), Array.from(trades.side.subarray(first, last)), 'sides');
    assert.deepEqual(rec.t, Array.from(trades.t.subarray(first, last)), 'event times as the file source gives them');
    const info = result.sources.tape as Record<string, number>;
    assert.ok(lost > 100, `the window loses trades on the wire: ${lost}`);
    assert.equal(info.backfilled, lost, 'the trades lost on the wire came over REST');
    assert.equal(info.missingTrades, 0);
    assert.ok(info.reconnects >= 1, JSON.stringify(info));
    assert.equal(info.lastTradeId, trades.id[last - 1]);
    assert.deepEqual(result.warnings.filter((w) => w.code.startsWith('feed/')), []);
    assert.equal(fake.stats.keyedRequests, 0, 'the old-trade lookup needs no API key');
  } finally {
    memorySinks.delete(sink);
    await fake.close();
  }
});
