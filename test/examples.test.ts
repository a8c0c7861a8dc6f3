/**
 * Every example graph, on the real data: it validates cleanly, runs, gives the same results for
 * any chunk size (1 = event by event, as live mode runs), is causal and deterministic; and
 * sma-cross and trend-confirm make exactly the trades of independent hand-written loops of the
 * same rules.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { smaCrossHandLoop } from '../bench/smaCrossHandLoop.js';
import { trendConfirmHandLoop } from '../bench/trendConfirmHandLoop.js';
import type { BrokerReport } from '../runtime/portfolio/simulatedBroker.js';
import { tradesCsv, summaryJson } from '../runtime/cli/summary.js';
import { runGraph } from '../runtime/exec/runGraph.js';
import { OutputGuard } from '../runtime/adapters/outputGuard.js';
import { loadGraph } from '../runtime/loadGraph.js';
import { dataDir, projectRoot } from '../runtime/testing/dataFile.js';
import { realCandles } from '../runtime/testing/realCandles.js';

const env = { ...process.env, HEAN_DATA_DIR: dataDir() };
const graphFiles = readdirSync(join(projectRoot, 'graphs')).filter((f) => f.endsWith('.yaml')).map((f) => join(projectRoot, 'graphs', f));

function compile(file: string, set: Record<string, unknown> = {}) {
  const { graph, diagnostics } = loadGraph(file, { set });
  assert.ok(graph, diagnostics.map((d) => `${d.line}:${d.col} ${d.code} ${d.message}`).join('\n'));
  return graph;
}

/** Where the examples' row sinks write (orderflow.yaml records its book-derived series): a fresh directory, replaced run after run. */
const outDir = mkdtempSync(join(tmpdir(), 'hean-examples-'));

async function run(file: string, chunkSize: number, tweak?: (g: ReturnType<typeof compile>) => void) {
  const graph = compile(file);
  tweak?.(graph);
  const result = await runGraph(graph, { chunkSize, env, outputs: new OutputGuard({ dir: outDir, overwrite: true }) });
  const broker = Object.values(result.reports).find((r) => (r as BrokerReport).kind === 'broker') as BrokerReport;
  return { result, broker, fingerprint: JSON.stringify(summaryJson(result)) + tradesCsv(broker.trades) + Buffer.from(broker.equity.buffer, broker.equity.byteOffset, broker.equity.byteLength).toString('base64') };
}

test('the examples are there: sma-cross, rsi-reversion and a signal.combine graph', () => {
  const names = graphFiles.map((f) => f.split('/').pop());
  for (const name of ['sma-cross.yaml', 'rsi-reversion.yaml']) assert.ok(names.includes(name), name);
  assert.ok(graphFiles.some((f) => readFileSync(f, 'utf8').includes('signal.combine')));
});

for (const file of graphFiles) {
  const name = file.split('/').pop()!;
  test(`${name}: validates with no errors and no warnings`, () => {
    const { diagnostics } = loadGraph(file);
    assert.deepEqual(diagnostics.map((d) => `${d.line}:${d.col} ${d.code} ${d.message}`), []);
  });

  test(`${name}: chunk size never changes a result (1, 7, 1024, whole)`, async () => {
    const reference = await run(file, 1_000_000);
    // The order-flow example has 11 minutes of book and trades: 206 volume bars.
    // The pairs example runs on the 2024-12 .. 2026-02 files (the funding records' span); portfolio-live on the hourly 2024-09 .. 2026-02 ones.
    assert.ok(reference.broker.metrics.bars > (name === 'orderflow.yaml' ? 200 : name === 'pairs-btc-eth.yaml' || name === 'portfolio-live.yaml' ? 10_000 : name === 'sma-cross-exchange.yaml' || name === 'sma-cross-live.yaml' ? 40_000 : 50_000));
    assert.ok(reference.broker.trades.length > 5, 'the example trades');
    const recorded = name === 'orderflow.yaml' ? readFileSync(join(outDir, 'orderflow-series.csv'), 'utf8') : '';
    for (const chunk of [1, 7, 1024]) {
      const other = await run(file, chunk);
      assert.equal(other.fingerprint, reference.fingerprint, `chunk ${chunk}`);
      if (recorded) assert.equal(readFileSync(join(outDir, 'orderflow-series.csv'), 'utf8'), recorded, `recorded series at chunk ${chunk}`);
    }
  });
}

test('sma-cross makes exactly the trades of an independent hand-written loop', async () => {
  const { broker } = await run(join(projectRoot, 'graphs', 'sma-cross.yaml'), 1024);
  const bars = realCandles(Infinity);
  const hand = smaCrossHandLoop(bars.time, bars.open, bars.close, 10, 30, 10_000, 0.001);
  assert.equal(broker.metrics.bars, bars.close.length);
  assert.equal(broker.trades.length, hand.trades.length);
  assert.deepEqual(broker.trades, hand.trades);
  assert.equal(broker.metrics.finalEquity, hand.finalEquity);
  assert.equal(broker.equity.reduce((s, e) => s + e, 0), hand.equitySum);
});

// trend-confirm on its own file, and on 5m and 1m bars of other periods (bound in place of it).
for (const [file, timeframe] of [
  ['btcusdt_1h_binance_2017-08_2024-04.csv.gz', '1h'],
  ['btcusdt_5m_binance_2024-12_2026-02.csv.gz', '5m'],
  ['btcusdt_1m_binance_2026-03_2026-04.csv.gz', '1m'],
]) {
  test(`trend-confirm makes exactly the trades of an independent hand-written loop (${file})`, async () => {
    const { broker } = await run(join(projectRoot, 'graphs', 'trend-confirm.yaml'), 1024, (g) => {
      const bars = g.byId.get('bars')!;
      bars.binding = { file };
      bars.params.timeframe = timeframe;
    });
    const bars = realCandles(Infinity, file);
    const hand = trendConfirmHandLoop(bars.time, bars.open, bars.close, 20, 50, 10_000, 0.001, 2);
    assert.equal(broker.metrics.bars, bars.close.length);
    assert.ok(hand.trades.length > 20, `the strategy trades (${hand.trades.length} round trips)`);
    assert.equal(broker.trades.length, hand.trades.length);
    assert.deepEqual(broker.trades, hand.trades);
    assert.equal(broker.metrics.finalEquity, hand.finalEquity);
    assert.equal(broker.equity.reduce((s, e) => s + e, 0), hand.equitySum);
  });
}

test('causal: a run on the first n bars decides exactly what a run on n + k bars decides up to n', async () => {
  const file = join(projectRoot, 'graphs', 'sma-cross.yaml');
  const bars = realCandles(30_000);
  const cut = bars.time[20_000];
  const short = await run(file, 1024, (g) => (g.byId.get('bars')!.params.end = cut));
  const long = await run(file, 1024, (g) => (g.byId.get('bars')!.params.end = bars.time[29_999] + 1));
  assert.equal(short.broker.metrics.bars, 20_000);
  const closedBefore = (trades: BrokerReport['trades']) => trades.filter((t) => t.exitTime !== null && t.exitTime < cut);
  assert.deepEqual(closedBefore(short.broker.trades), closedBefore(long.broker.trades));
  assert.deepEqual(Array.from(short.broker.equity), Array.from(long.broker.equity.subarray(0, 20_000)));
});

test('deterministic: two CLI runs print byte-identical summaries and trade files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hean-determinism-'));
  const outputs = [1, 2].map((i) => {
    const trades = join(dir, `trades${i}.csv`);
    const r = spawnSync(process.execPath, ['bin/hean.js', 'run', 'graphs/rsi-reversion.yaml', '--json', '--trades', trades], { cwd: projectRoot, env, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout + readFileSync(trades, 'utf8');
  });
  assert.equal(outputs[0], outputs[1]);
  const summary = JSON.parse(outputs[0].split('\n')[0]);
  for (const key of ['bars', 'trades', 'finalEquity', 'totalReturnPct', 'maxDrawdownPct', 'sharpe', 'sortino', 'cagrPct', 'calmar', 'winRatePct', 'profitFactor', 'exposurePct']) {
    assert.ok(key in summary, `--json has ${key}`);
  }
});
