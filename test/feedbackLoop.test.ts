/**
 * The one cycle a graph may hold: a node reading a broker's output as of the previous event
 * (`book.equity@prev`). The reader, the broker and the nodes between them run event by event;
 * the delayed value at event i is the broker's at event i - 1 (NaN before the first), whatever
 * the chunk size; any other cycle is still an error, and so is a delay from a non-broker.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { compileGraph } from '../runtime/graph/compileGraph.js';
import { defaultRegistry } from '../runtime/loadGraph.js';
import { OutputGuard } from '../runtime/adapters/outputGuard.js';
import { runGraph } from '../runtime/exec/runGraph.js';
import { memorySinks } from '../runtime/adapters/memory.js';
import type { RiskReport } from '../nodes/risk/limits.js';
import { dataDir, projectRoot } from '../runtime/testing/dataFile.js';

const env = { ...process.env, HEAN_DATA_DIR: dataDir() };
const file = join(projectRoot, 'graphs', 'sma-cross-risk.yaml');

async function runRecorded(doc: Record<string, any>, name: string, chunkSize: number) {
  const { graph, diagnostics } = compileGraph(stringify(doc), file, defaultRegistry, { mode: 'backtest', requireBindings: true });
  assert.ok(graph, JSON.stringify(diagnostics.filter((d) => d.severity === 'error')));
  const result = await runGraph(graph, { env, chunkSize, outputs: new OutputGuard({ dir: '.' }) });
  return { result, rows: memorySinks.get(name)! };
}

function withRecorder(name: string) {
  const doc = parse(readFileSync(file, 'utf8'));
  doc.nodes.bars.params = { ...doc.nodes.bars.params, end: '2019-01-01' };
  doc.nodes.rec = { kind: 'sink.record', in: { series: ['book.equity', 'book.equity@prev', 'risk.orders', 'risk.blocked', 'size.orders'] } };
  doc.modes.backtest.rec = { memory: name };
  return doc;
}

test('a delayed wire reads the broker\'s previous event: equity@prev at event i is equity at i - 1, at every chunk size; the risk node decides on it', async () => {
  const whole = await runRecorded(withRecorder('loop-whole'), 'loop-whole', 1_000_000);
  const { rows } = whole;
  assert.ok(rows.t.length > 10_000);
  assert.ok(Number.isNaN(rows.rows[0][1]), 'nothing before the first event');
  for (let i = 1; i < rows.t.length; i++) assert.ok(Object.is(rows.rows[i][1], rows.rows[i - 1][0]), `row ${i}: equity@prev ${rows.rows[i][1]} vs equity ${rows.rows[i - 1][0]}`);
  for (const chunk of [1, 7, 1024]) {
    const other = await runRecorded(withRecorder(`loop-${chunk}`), `loop-${chunk}`, chunk);
    assert.deepEqual(other.rows.rows, rows.rows, `chunk ${chunk}`);
  }
  // Every breach is decided on the equity of the event before it, and flattens what was on.
  const risk = whole.result.reports.risk as RiskReport;
  assert.ok(risk.breaches.length >= 2, `${risk.breaches.length} breaches before 2019`);
  for (const b of risk.breaches) {
    const i = rows.t.indexOf(b.time);
    assert.ok(i > 0);
    assert.ok(b.detail.startsWith(`equity ${rows.rows[i - 1][0].toFixed(2)} `), `${b.detail} vs ${rows.rows[i - 1][0]}`);
    assert.equal(rows.rows[i][3], 1, 'blocked from the breach');
  }
});

test('feedback errors: a delay from a non-broker, a loop across timelines, and a cycle without @prev, each named', () => {
  const compile = (mutate: (doc: any) => void) => {
    const doc = parse(readFileSync(file, 'utf8'));
    mutate(doc);
    return compileGraph(stringify(doc), file, defaultRegistry, { mode: 'backtest' }).diagnostics.filter((d) => d.severity === 'error');
  };
  const notBroker = compile((doc) => (doc.nodes.risk.in.orders = 'size.orders@prev'));
  assert.equal(notBroker[0]?.code, 'wire/delayed');
  assert.match(notBroker[0].message, /only a broker's outputs/);
  const cycle = compile((doc) => (doc.nodes.risk.in.equity = 'book.equity'));
  assert.equal(cycle[0]?.code, 'graph/cycle');
  assert.match(cycle[0].message, /risk -> book -> risk/);
  const timelines = compile((doc) => {
    doc.nodes.eth = { kind: 'source.candles', params: { symbol: 'ETHUSDT', timeframe: '1h' } };
    doc.nodes.book.in = { orders: [doc.nodes.book.in.orders[0], 'size.orders'], markets: ['bars', 'eth'] };
    doc.modes.backtest.eth = { file: 'ethusdt_1h_binance_2024-09_2026-02.csv.gz' };
  });
  assert.ok(timelines.some((d) => d.code === 'wire/delayed-timeline'), JSON.stringify(timelines));
});
