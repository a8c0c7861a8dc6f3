import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileGraph } from '../../runtime/graph/compileGraph.js';
import { defaultRegistry } from '../../runtime/loadGraph.js';
import { runGraph } from '../../runtime/exec/runGraph.js';
import { memorySinks } from '../../runtime/adapters/memory.js';
import { dataDir } from '../../runtime/testing/dataFile.js';
import { realTrades } from '../../runtime/testing/realOrderFlow.js';
import type { RecordReport } from './record.js';

const env = { ...process.env, HEAN_DATA_DIR: dataDir() };
const graphText = `
version: 1
name: tape
nodes:
  trades: { kind: source.trades, params: { symbol: BTCUSDT } }
  tape: { kind: sink.record, in: { series: [trades.price, trades.side] } }
modes:
  backtest:
    trades: { file: btcusdt_trades_binance_spot_2024-08-08.csv.gz }
    tape: { memory: record-test-tape }
`;

test('sink.record keeps the rows it wrote for the report in a backtest making a report, whatever the chunk size; nothing when bounded or without a report', async () => {
  const { t, trades } = realTrades();
  for (const chunkSize of [1, 7, 1024]) {
    const { graph, diagnostics } = compileGraph(graphText, 'tape.yaml', defaultRegistry, { requireBindings: true });
    assert.ok(graph, JSON.stringify(diagnostics));
    const result = await runGraph(graph, { chunkSize, env, report: true });
    const report = result.reports.tape as RecordReport;
    assert.equal(report.kind, 'record');
    assert.deepEqual(report.columns, ['trades.price', 'trades.side']);
    assert.equal(report.rows, t.length);
    assert.equal(report.truncated, false);
    assert.deepEqual(report.t, t, 'the event times of every trade (same-millisecond trades sequenced)');
    assert.deepEqual(report.values[0], trades.price);
    assert.deepEqual(report.values[1], trades.side);
    assert.equal(memorySinks.get('record-test-tape')!.rows.length, t.length, 'and wrote them all');
  }
  const { graph } = compileGraph(graphText, 'tape.yaml', defaultRegistry, { requireBindings: true });
  const bounded = await runGraph(graph!, { env, history: 'bounded', report: true });
  assert.equal(bounded.reports.tape, undefined, 'bounded history keeps no copy');
  const unreported = await runGraph(graph!, { env });
  assert.equal(unreported.reports.tape, undefined, 'a run without a report keeps no copy');
});
