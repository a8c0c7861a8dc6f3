/**
 * The README's live dry run, as a test: graphs/sma-cross-live.yaml's own live bindings (candles
 * from the fake exchange, warm-started over REST, then its kline stream; the broker's orders to
 * the same server), only the url pointed at a fake on a free port with a manual clock, so the
 * market moves a minute at a time once the broker has settled the minute before. Every order
 * fills at the recorded open of the minute after the candle that decided it (read here from the
 * recorded file), which is the price a backtest of the same candles (the simulated broker,
 * fill: nextOpen) fills at: the graph and the exchange share one market and one clock.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultAdapters } from '../runtime/adapters/index.js';
import type { AdapterRegistry, BrokerAdapter } from '../runtime/adapters/contract.js';
import { readCandleCsv } from '../runtime/adapters/file/readCandleCsv.js';
import { runGraph } from '../runtime/exec/runGraph.js';
import { compileGraph } from '../runtime/graph/compileGraph.js';
import { defaultRegistry } from '../runtime/loadGraph.js';
import type { BrokerReport } from '../runtime/portfolio/simulatedBroker.js';
import { dataDir, dataFile, projectRoot } from '../runtime/testing/dataFile.js';
import { startFakeBinance } from '../runtime/testing/fakeBinance/fakeBinance.js';
import { MINUTE, RECORDED_FILES, loadMarketData, recordedPaths } from '../runtime/testing/fakeBinance/marketData.js';
import { waitUntil } from '../runtime/testing/waitUntil.js';

const LIVE = 150;
const graphFile = join(projectRoot, 'graphs', 'sma-cross-live.yaml');

/** The real exchange broker adapter, telling the test up to which event time it has settled its orders. */
function watchedBroker(settled: { time: number }): BrokerAdapter {
  const real = defaultAdapters.brokers![0];
  return {
    ...real,
    async open(params, binding, io) {
      const kernel = await real.open(params, binding, io);
      const step = kernel.step.bind(kernel);
      const settle = kernel.settle!.bind(kernel);
      let stepped = -Infinity;
      kernel.step = (n, t, inputs, outputs) => {
        step(n, t, inputs, outputs);
        if (n > 0) stepped = t[n - 1];
      };
      kernel.settle = async () => {
        await settle();
        settled.time = stepped;
      };
      return kernel;
    },
  };
}

test('graphs/sma-cross-live.yaml live against the fake exchange: every order fills at the price the graph saw (the backtest\'s nextOpen)', async () => {
  const file = await readCandleCsv(dataFile(RECORDED_FILES.candles), { timeframeMs: MINUTE });
  const first = 20_000;
  const start = file.time[first] + 20_000; // mid-minute: candle `first` is forming
  const account = { apiKey: randomBytes(32).toString('hex'), secret: randomBytes(32).toString('hex') };
  const fake = await startFakeBinance({ data: await loadMarketData(recordedPaths(dataDir())), manual: true, start, accounts: [{ ...account, balances: { USDT: 10_000 } }] });
  try {
    const text = readFileSync(graphFile, 'utf8');
    assert.equal(text.match(/url: "http:\/\/127\.0\.0\.1:8765"/g)?.length, 2, 'the live candles and the broker are bound to the fake exchange of the README');
    const settled = { time: -Infinity };
    const adapters: AdapterRegistry = { ...defaultAdapters, brokers: [watchedBroker(settled)] };
    const live = compileGraph(text.replaceAll('http://127.0.0.1:8765', fake.url), 'sma-cross-live.yaml', defaultRegistry, { mode: 'live', requireBindings: true, adapters });
    assert.ok(live.graph, JSON.stringify(live.diagnostics));
    const warmup = live.graph.warmupBars;
    const env = { HEAN_BINANCE_API_KEY: account.apiKey, HEAN_BINANCE_SECRET: account.secret };
    const running = runGraph(live.graph, { env, adapters, live: { maxEvents: warmup + LIVE } });
    await waitUntil(() => fake.stats.streams.includes('btcusdt@kline_1m'), 'the kline subscription');
    // A minute at a time, once the broker has settled the candle before (its orders meet this minute's market).
    for (let k = 0; k < LIVE; k++) {
      const close = file.time[first + k] + MINUTE;
      fake.advanceTo(close);
      if (k < LIVE - 1) await waitUntil(() => settled.time >= close, `the broker to settle the candle closing at ${new Date(close).toISOString()}`);
    }
    const result = await running;
    assert.deepEqual(result.warnings.filter((w) => w.code.startsWith('live/') || w.code.startsWith('feed/')), [], 'no order decided on history, no gap');

    // The backtest of the same candles (warm-up and live), from the recorded file.
    const iso = (ms: number) => new Date(ms).toISOString();
    const range = `params: { symbol: BTCUSDT, timeframe: 1m, start: "${iso(file.time[first - warmup])}", end: "${iso(file.time[first + LIVE])}" }`;
    const backtest = compileGraph(text.replace('params: { symbol: BTCUSDT, timeframe: 1m }', range), 'sma-cross-live.yaml', defaultRegistry, { mode: 'backtest', requireBindings: true });
    assert.ok(backtest.graph, JSON.stringify(backtest.diagnostics));
    const sim = (await runGraph(backtest.graph)).reports.broker as BrokerReport;
    assert.ok(sim.trades.length >= 3, `the window trades: ${sim.trades.length}`);
    assert.ok(sim.trades.every((t) => t.entryTime > start), 'every simulated trade is decided on live candles');
    const simFills = sim.trades.flatMap((t) => [{ time: t.entryTime, side: 'BUY', price: t.entryPrice }, ...(t.exitTime !== null ? [{ time: t.exitTime, side: 'SELL', price: t.exitPrice }] : [])]);

    const orders = fake.trading.accounts.get(account.apiKey)!.orders;
    // The price of an order's fills as the exchange recorded them (each fill's own price: its quote
    // total is kept to 8 decimals, as Binance's, so total / units is that price only to rounding).
    const fills = orders
      .filter((o) => o.executedQty > 0)
      .map((o) => {
        const fillPrices = [...new Set(o.fills.map((f) => f.price))];
        return { time: o.time, side: o.side, price: fillPrices.length === 1 ? fillPrices[0] : o.cummulativeQuoteQty / o.executedQty, fillPrices };
      });
    assert.equal(fills.length, orders.length, 'every order filled');
    for (const [i, f] of fills.entries()) {
      const r = file.time.indexOf(f.time);
      assert.ok(r >= 0, `order ${i} reached the exchange at a candle's open (${iso(f.time)}): the close of the candle that decided it`);
      assert.deepEqual(f.fillPrices, [file.open[r]], `order ${i} filled at the recorded open of ${iso(f.time)}`);
    }
    // An order decided at the last candle goes out at once live; the backtest has no next open for it.
    assert.equal(fills.length, simFills.length + sim.unfilledOrders, 'one exchange order per simulated fill');
    assert.deepEqual(fills.slice(0, simFills.length).map(({ time, side, price }) => ({ time, side, price })), simFills, "the backtest's fills: same minutes, sides and prices");
  } finally {
    await fake.close();
  }
});
