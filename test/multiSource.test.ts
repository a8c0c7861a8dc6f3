/**
 * Several sources merged by time: a node fed by two timelines steps once per distinct time
 * (union), sees each input "as of" that time, never twice per tick (no diamond glitch), and the
 * result does not depend on the chunk size.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileGraph } from '../runtime/graph/compileGraph.js';
import { defaultRegistry } from '../runtime/loadGraph.js';
import { OutputGuard } from '../runtime/adapters/outputGuard.js';
import { runGraph } from '../runtime/exec/runGraph.js';
import { dataDir } from '../runtime/testing/dataFile.js';
import { realCandles } from '../runtime/testing/realCandles.js';

const env = { ...process.env, HEAN_DATA_DIR: dataDir() };
const dir = mkdtempSync(join(tmpdir(), 'hean-multi-'));

function graphText(out: string): string {
  return `
version: 1
name: two-timeframes
nodes:
  hourly: { kind: source.candles, params: { symbol: BTCUSDT, timeframe: 1h, start: "2025-01-01", end: "2025-03-01" } }
  fiveMin: { kind: source.candles, params: { symbol: BTCUSDT, timeframe: 5m, start: "2025-01-01", end: "2025-03-01" } }
  fast: { kind: indicator.sma, in: { series: hourly.close }, params: { timePeriod: 3 } }
  slow: { kind: indicator.sma, in: { series: hourly.close }, params: { timePeriod: 5 } }
  out: { kind: sink.record, in: { series: [hourly.close, fiveMin.close, fast.value, slow.value] } }
modes:
  backtest:
    hourly: { file: btcusdt_1h_binance_2024-09_2026-02.csv.gz }
    fiveMin: { file: btcusdt_5m_binance_2024-12_2026-02.csv.gz }
    out: { file: ${JSON.stringify(out)} }
`;
}

async function record(chunkSize: number): Promise<string> {
  const out = `rec-${chunkSize}.csv`;
  const { graph, diagnostics } = compileGraph(graphText(out), 'two-timeframes.yaml', defaultRegistry);
  assert.ok(graph, JSON.stringify(diagnostics));
  await runGraph(graph, { chunkSize, env, outputs: new OutputGuard({ dir, overwrite: true }) });
  return readFileSync(join(dir, out), 'utf8');
}

test('two timelines: one row per distinct time, inputs as of that time, same for any chunk size', async () => {
  const text = await record(1024);
  const rows = text.trim().split('\n').slice(1).map((line) => line.split(','));
  const start = Date.parse('2025-01-01T00:00:00Z');
  const end = Date.parse('2025-03-01T00:00:00Z');
  const inRange = (c: ReturnType<typeof realCandles>, tf: number) => {
    const out: { t: number; close: number }[] = [];
    for (let i = 0; i < c.time.length; i++) if (c.time[i] >= start && c.time[i] < end) out.push({ t: c.time[i] + tf, close: c.close[i] });
    return out;
  };
  const hourly = inRange(realCandles(Infinity, 'btcusdt_1h_binance_2024-09_2026-02.csv.gz'), 3_600_000);
  const five = inRange(realCandles(Infinity, 'btcusdt_5m_binance_2024-12_2026-02.csv.gz'), 300_000);
  const times = [...new Set([...hourly.map((h) => h.t), ...five.map((f) => f.t)])].sort((a, b) => a - b);
  assert.equal(rows.length, times.length, 'one row per distinct event time');
  let h = -1;
  let f = -1;
  let sameTick = 0;
  rows.forEach((row, r) => {
    assert.equal(Date.parse(row[0]), times[r]);
    while (h + 1 < hourly.length && hourly[h + 1].t <= times[r]) h++;
    while (f + 1 < five.length && five[f + 1].t <= times[r]) f++;
    assert.equal(row[1], h < 0 ? '' : String(hourly[h].close), `hourly close as of row ${r}`);
    assert.equal(row[2], f < 0 ? '' : String(five[f].close), `5m close as of row ${r}`);
    if (h >= 0 && hourly[h].t === times[r] && five[f]?.t === times[r]) sameTick++;
  });
  assert.ok(sameTick > 1000, 'the hourly closes coincide with 5m closes and are merged into one row');
  for (const chunk of [1, 5, 77]) assert.equal(await record(chunk), text, `chunk ${chunk}`);
});

test('a diamond (one source, two indicators, one consumer) fires once per event with both inputs updated', async () => {
  const text = graphText('diamond.csv').replace(/ {2}fiveMin:.*\n/, '').replace(', fiveMin.close', '').replace(/ {4}fiveMin:.*\n/, '');
  const { graph, diagnostics } = compileGraph(text, 'diamond.yaml', defaultRegistry);
  assert.ok(graph, JSON.stringify(diagnostics));
  await runGraph(graph, { chunkSize: 1, env, outputs: new OutputGuard({ dir }) });
  const rows = readFileSync(join(dir, 'diamond.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').map((cell, i) => (i === 0 ? Date.parse(cell) : Number(cell))));
  const closes = rows.map((r) => r[1]);
  assert.equal(new Set(rows.map((r) => r[0])).size, rows.length, 'no time appears twice');
  for (let i = 4; i < rows.length; i++) {
    const sma = (p: number) => closes.slice(i - p + 1, i + 1).reduce((s, x) => s + x, 0) / p;
    assert.ok(Math.abs(rows[i][2] - sma(3)) < 1e-9 * sma(3) && Math.abs(rows[i][3] - sma(5)) < 1e-9 * sma(5), `row ${i} sees both SMAs of the same bar`);
  }
});
