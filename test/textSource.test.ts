/**
 * source.text in a graph: a text port is delivered to the node that reads it at the text's own
 * events (never sampled onto another timeline), as a Texts bundle whose indices pick the right
 * strings, for any chunk size; the compiler refuses a text wire into an input that would sample
 * it. No node reads text yet, so a test-only node (below) collects what a kernel receives. The
 * expectations come from the CSV text alone (split, Date.parse), not from hean's readers.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Type } from '@sinclair/typebox';
import { compileGraph } from '../runtime/graph/compileGraph.js';
import { defaultRegistry } from '../runtime/loadGraph.js';
import { createRegistry } from '../runtime/registry.js';
import { allNodes } from '../nodes/index.js';
import { defineNode } from '../runtime/defineNode.js';
import { port } from '../runtime/ports.js';
import { runGraph } from '../runtime/exec/runGraph.js';
import { OutputGuard } from '../runtime/adapters/outputGuard.js';
import { dataDir } from '../runtime/testing/dataFile.js';
import { TRADE_TIME_STEP } from '../runtime/records/sourceSpec.js';
import { summaryText } from '../runtime/cli/summary.js';
import { realCandles } from '../runtime/testing/realCandles.js';

const env = { ...process.env, HEAN_DATA_DIR: dataDir() };
const dir = mkdtempSync(join(tmpdir(), 'hean-text-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const BTC = 'btcusdt_1h_binance_2024-09_2026-02.csv.gz';
const HOUR = 3_600_000;

/** Per run: [time the kernel's row had, event time, text] for every text the kernel was handed, and its rows' times. */
let seen: [number, string][] = [];
let rows: number[] = [];

/** Test-only: reads text at its own events (as sentiment nodes will), optionally beside a price series. */
const collect = defineNode({
  kind: 'test.collectText',
  summary: 'Collects the texts it is handed, for tests.',
  params: Type.Object({}, { additionalProperties: false }),
  inputs: { text: port.text({ ownTimes: true }), price: port.number({ optional: true }) },
  outputs: { count: port.number() },
  warmup: () => 0,
  create: () => {
    let count = 0;
    return {
      step(n, t, inputs, outputs) {
        const events = inputs.text;
        for (let i = 0; i < events.n; i++) seen.push([events.t[i], events.value.strings[events.value.index[i]]]);
        // The events of this chunk lie within its rows' span: a consumer can merge them by time.
        if (events.n) assert.ok(events.t[0] >= t[0] && events.t[events.n - 1] <= t[n - 1], 'texts within the chunk');
        for (let r = 0; r < n; r++) rows.push(t[r]);
        count += events.n;
        outputs.count.fill(count, 0, n);
      },
    };
  },
});
/** Test-only: a text input that would be sampled (no ownTimes), which the compiler must refuse. */
const sampled = defineNode({
  kind: 'test.sampledText',
  summary: 'Reads text sampled onto its timeline (refused).',
  params: Type.Object({}, { additionalProperties: false }),
  inputs: { text: port.text() },
  outputs: { count: port.number() },
  create: () => ({ step() {} }),
});
const registry = createRegistry([...allNodes, collect, sampled]);

// Texts of 2025-01-01 with the hazards of real headlines: commas, quotes, a line break, ties in one millisecond, an empty text.
const T = (iso: string) => Date.parse(iso);
const CSV = [
  'time,source,headline',
  `${T('2025-01-01T00:30:00Z')},wire,"Bitcoin tops $94,000 as ETF flows return"`,
  `${T('2025-01-01T00:30:00Z')},wire,"Analyst: ""a quiet start"" to 2025"`,
  `${T('2025-01-01T00:30:00Z')},blog,`,
  `${T('2025-01-01T00:30:00Z')},blog,"Two lines:`,
  `first, then second"`,
  `2025-01-01T03:00:00+01:00,wire,Exchange outage resolved`,
  `2025-01-01T05:59:59.999Z,wire,Funding turns negative`,
  ...Array.from({ length: 40 }, (_, k) => `${T('2025-01-01T06:00:00Z') + k * 97_000},feed,Update ${k}`),
].join('\n');
const textFile = join(dir, 'headlines.csv');
writeFileSync(textFile, CSV + '\n');

/** What the kernel must receive: every non-empty text at stamp + lag (+ k/2048 ms for the k-th of a millisecond). */
function expected(lagMs: number): [number, string][] {
  const out: [number, string][] = [];
  const add = (stamp: number, text: string) => {
    const k = out.filter(([t]) => Math.floor(t) === stamp + lagMs).length;
    out.push([stamp + lagMs + k * TRADE_TIME_STEP, text]);
  };
  add(T('2025-01-01T00:30:00Z'), 'Bitcoin tops $94,000 as ETF flows return');
  add(T('2025-01-01T00:30:00Z'), 'Analyst: "a quiet start" to 2025');
  add(T('2025-01-01T00:30:00Z'), 'Two lines:\nfirst, then second');
  add(T('2025-01-01T02:00:00Z'), 'Exchange outage resolved');
  add(T('2025-01-01T05:59:59.999Z'), 'Funding turns negative');
  for (let k = 0; k < 40; k++) add(T('2025-01-01T06:00:00Z') + k * 97_000, `Update ${k}`);
  return out;
}

function graphText(options: { lag?: string; withPrice?: boolean; reader?: string } = {}): string {
  return `
version: 1
name: headlines
nodes:
  news: { kind: source.text, params: { column: headline, publicationLag: ${JSON.stringify(options.lag ?? '0')} } }
${options.withPrice ? '  bars: { kind: source.candles, params: { symbol: BTCUSDT, timeframe: 1h, start: "2025-01-01", end: "2025-01-01T12:00:00Z" } }\n' : ''}  read: { kind: ${options.reader ?? 'test.collectText'}, in: { text: news${options.withPrice ? ', price: bars.close' : ''} } }
modes:
  backtest:
    news: { file: ${JSON.stringify(textFile)} }
${options.withPrice ? `    bars: { file: ${BTC} }\n` : ''}`;
}

async function run(chunkSize: number, options: { lag?: string; withPrice?: boolean } = {}) {
  const { graph, diagnostics } = compileGraph(graphText(options), 'headlines.yaml', registry, { requireBindings: true });
  assert.ok(graph, JSON.stringify(diagnostics));
  seen = [];
  rows = [];
  const result = await runGraph(graph, { chunkSize, env, outputs: new OutputGuard({ dir, overwrite: true }) });
  return { result, seen, rows };
}

test('a kernel reading text gets each text at its publication time, the right string, for chunk sizes 1, 7 and whole', async () => {
  for (const chunkSize of [1, 7, 100_000]) {
    const { result, seen: got, rows: times } = await run(chunkSize);
    assert.deepEqual(got, expected(0), `chunk size ${chunkSize}`);
    assert.deepEqual(times, expected(0).map(([t]) => t), 'the reader steps on the texts: one row per text');
    assert.equal(result.sources.news.missingTexts, 1, 'the empty text is counted as missing');
    assert.equal(result.sources.news.rows, 45);
  }
});

test('publicationLag delays every text; the run summary names the file, the texts and the missing one', async () => {
  const { result, seen: got } = await run(7, { lag: '5m' });
  assert.deepEqual(got, expected(5 * 60_000));
  const summary = summaryText(result);
  assert.match(summary, /data news: text headline \(lag 5m\) .*headlines\.csv/);
  assert.match(summary, /stamps 2025-01-01 00:30 \.\. 2025-01-01 07:03 UTC, 45 texts published 2025-01-01 00:35 \.\. 2025-01-01 07:08 UTC, 1 empty text left out/);
});

test('beside real hourly candles, texts still arrive at their own times (not sampled onto the bars), same for any chunk size', async () => {
  const bars = realCandles(Infinity, BTC);
  const barTimes: number[] = [];
  for (let i = 0; i < bars.time.length; i++) if (bars.time[i] >= T('2025-01-01T00:00:00Z') && bars.time[i] < T('2025-01-01T12:00:00Z')) barTimes.push(bars.time[i] + HOUR);
  const union = [...new Set([...barTimes, ...expected(0).map(([t]) => t)])].sort((a, b) => a - b);
  for (const chunkSize of [1, 7, 100_000]) {
    const { seen: got, rows: times } = await run(chunkSize, { withPrice: true });
    assert.deepEqual(got, expected(0), `chunk size ${chunkSize}`);
    assert.deepEqual(times, union, 'rows: the union of bar closes and texts');
  }
});

test('the compiler refuses text into an input that would sample it, or into sink.record, saying why', () => {
  const sampledGraph = compileGraph(graphText({ reader: 'test.sampledText' }), 'headlines.yaml', registry);
  assert.equal(sampledGraph.graph, undefined);
  const e = sampledGraph.diagnostics.find((d) => d.severity === 'error')!;
  assert.equal(e.code, 'wire/type-mismatch');
  assert.match(e.message, /"news" is a text output, read only at its own events, but input "text" of test.sampledText samples it onto its timeline \(not ownTimes\)/);
  assert.match(e.hint ?? '', /port\.text\(\{ ownTimes: true \}\)/);

  const record = `
version: 1
name: headlines
nodes:
  news: { kind: source.text, params: { column: headline } }
  out: { kind: sink.record, in: { series: [news.text] } }
`;
  const refused = compileGraph(record, 'record.yaml', defaultRegistry);
  assert.equal(refused.graph, undefined);
  const r = refused.diagnostics.find((d) => d.severity === 'error')!;
  assert.match(r.message, /"news\.text" is a text output, read only at its own events, but input "series" of sink\.record takes columns of numbers/);
});

test('the memory adapter does not carry text: binding one is refused when the graph compiles', () => {
  const text = graphText().replace(`news: { file: ${JSON.stringify(textFile)} }`, 'news: { memory: headlines }');
  const { graph, diagnostics } = compileGraph(text, 'headlines.yaml', registry, { requireBindings: true });
  assert.equal(graph, undefined);
  assert.ok(diagnostics.some((d) => d.code === 'mode/records' && /the memory adapter carries candles, series, book, trades, not text/.test(d.message)), JSON.stringify(diagnostics));
});
