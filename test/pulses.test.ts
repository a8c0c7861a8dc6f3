/**
 * Pulses across timelines: a 5-minute crossover drives an hourly broker. Every order the sizer
 * decides is accounted for: delivered to the broker, superseded by a later one before the
 * broker's next event (the latest target wins), or after the broker's last event. Nothing is
 * dropped without a count.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileGraph } from '../runtime/graph/compileGraph.js';
import { defaultRegistry } from '../runtime/loadGraph.js';
import { runGraph } from '../runtime/exec/runGraph.js';
import { memorySinks } from '../runtime/adapters/memory.js';
import { dataDir } from '../runtime/testing/dataFile.js';
import type { BrokerReport } from '../runtime/portfolio/simulatedBroker.js';

const env = { ...process.env, HEAN_DATA_DIR: dataDir() };

const graphText = `
version: 1
name: five-minute-orders-hourly-broker
nodes:
  hourly: { kind: source.candles, params: { symbol: BTCUSDT, timeframe: 1h, start: "2025-01-01", end: "2025-03-01" } }
  fiveMin: { kind: source.candles, params: { symbol: BTCUSDT, timeframe: 5m, start: "2025-01-01", end: "2025-03-01" } }
  fast: { kind: indicator.sma, in: { series: fiveMin.close }, params: { timePeriod: 5 } }
  slow: { kind: indicator.sma, in: { series: fiveMin.close }, params: { timePeriod: 20 } }
  cross: { kind: signal.crossover, in: { a: fast.value, b: slow.value } }
  size: { kind: sizer.fixedFraction, in: { signal: cross.signal }, params: { fraction: 1 } }
  broker: { kind: sink.broker, in: { orders: size.orders, market: hourly } }
  decided: { kind: sink.record, in: { series: [size.orders] }, params: { skipEmpty: true } }
modes:
  backtest:
    hourly: { file: btcusdt_1h_binance_2024-09_2026-02.csv.gz }
    fiveMin: { file: btcusdt_5m_binance_2024-12_2026-02.csv.gz }
    decided: { memory: decided-orders }
`;

test('orders from a 5m crossover into an hourly broker: delivered + superseded + after the end = decided', async () => {
  for (const chunkSize of [1, 1024]) {
    const { graph, diagnostics } = compileGraph(graphText, 'pulses.yaml', defaultRegistry, { requireBindings: true });
    assert.ok(graph, JSON.stringify(diagnostics));
    const result = await runGraph(graph, { chunkSize, env });
    const decided = memorySinks.get('decided-orders')!.rows.length;
    const broker = result.reports.broker as BrokerReport;
    const count = result.pulses.find((p) => p.wire === 'size.orders -> broker.orders');
    assert.ok(count, JSON.stringify(result.pulses));
    assert.ok(decided > 500, `the 5m crossover decides many orders (${decided})`);
    assert.ok(count.superseded > 100, `several orders fall within one hour: ${count.superseded} superseded`);
    assert.equal(count.delivered + count.superseded + count.undelivered, decided, 'every decided order is accounted for');
    assert.equal(broker.ordersReceived, count.delivered, 'the broker received exactly the delivered orders');
  }
});
