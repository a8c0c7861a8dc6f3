/**
 * source.series in a graph: a value is never visible before its publication time. Real hourly
 * BTC candles joined as-of with the real daily Fear & Greed index (stamped with the day's start,
 * so day D's value is knowable at D+1 00:00 UTC, plus any publication lag). The expectations
 * come from the CSV text alone (split, Date.parse), not from hean's readers.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { compileGraph } from '../runtime/graph/compileGraph.js';
import { defaultRegistry } from '../runtime/loadGraph.js';
import { OutputGuard } from '../runtime/adapters/outputGuard.js';
import { runGraph } from '../runtime/exec/runGraph.js';
import { memoryFeeds, memorySinks } from '../runtime/adapters/memory.js';
import { dataDir, dataFile } from '../runtime/testing/dataFile.js';
import { realCandles } from '../runtime/testing/realCandles.js';
import { summaryJson, summaryText } from '../runtime/cli/summary.js';

const env = { ...process.env, HEAN_DATA_DIR: dataDir() };
const FG = 'crypto_fear_greed_index_daily_2018-02_2025-01.csv';
const BTC = 'btcusdt_1h_binance_2017-08_2024-04.csv.gz';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
// The candles: before the first F&G day is known (2018-02-02), across its missing days 2018-04-14..16, to 2018-09-01.
const START = Date.parse('2018-01-25T00:00:00Z');
const END = Date.parse('2018-09-01T00:00:00Z');

/** The F&G days as the file says: [day start (UTC midnight), value]. */
const fgDays: [number, number][] = readFileSync(dataFile(FG), 'utf8')
  .split('\n')
  .slice(1)
  .filter((l) => l.trim() !== '')
  .map((l) => {
    const [date, value] = l.split(',');
    return [Date.parse(`${date}T00:00:00Z`), Number(value)];
  });

function graphText(lag: string, sink: string): string {
  return `
version: 1
name: fear-greed-causality
nodes:
  btc: { kind: source.candles, params: { symbol: BTCUSDT, timeframe: 1h, start: "2018-01-25", end: "2018-09-01" } }
  fg: { kind: source.series, params: { name: fearGreed, timeColumn: date, timestamp: periodStart, period: 1d, publicationLag: ${lag}, end: "2018-09-02" } }
  out: { kind: sink.record, in: { series: [btc.close, fg.value] } }
modes:
  backtest:
    btc: { file: ${BTC} }
    fg: { file: ${FG} }
    out: { memory: ${sink} }
`;
}

async function record(lag: string, chunkSize: number) {
  const name = `fg-${lag}-${chunkSize}`;
  const { graph, diagnostics } = compileGraph(graphText(lag, name), 'fg.yaml', defaultRegistry);
  assert.ok(graph, JSON.stringify(diagnostics));
  const result = await runGraph(graph, { chunkSize, env, outputs: new OutputGuard({ dir: '.' }) });
  return { rows: memorySinks.get(name)!, result };
}

for (const [lag, lagMs] of [
  ['0', 0],
  ['6h', 6 * HOUR],
] as const) {
  test(`source.series with publicationLag ${lag}: every row sees the F&G value of the latest day published by then, never earlier`, async () => {
    const { rows, result } = await record(lag, 1024);
    assert.deepEqual(rows.columns, ['btc.close', 'fg.value']);
    const published = (day: number) => day + DAY + lagMs;
    // Rows: one per distinct event time, candle closes and F&G publications (up to the series' end).
    const closes = Array.from(realCandles(Infinity, BTC).time).filter((t) => t >= START && t < END).map((t) => t + HOUR);
    const publications = fgDays.map(([day]) => published(day)).filter((t) => t < Date.parse('2018-09-02T00:00:00Z'));
    assert.deepEqual(rows.t, [...new Set([...closes, ...publications])].sort((a, b) => a - b), 'row times are the union of both timelines');
    let before = 0;
    rows.t.forEach((t, r) => {
      let latest = -1;
      for (let d = 0; d < fgDays.length && published(fgDays[d][0]) <= t; d++) latest = d;
      const seen = rows.rows[r][1];
      if (latest < 0) {
        assert.ok(Number.isNaN(seen), `row ${new Date(t).toISOString()}: no F&G day is published yet, saw ${seen}`);
        before++;
      } else assert.equal(seen, fgDays[latest][1], `row ${new Date(t).toISOString()}: expected the value of ${new Date(fgDays[latest][0]).toISOString().slice(0, 10)}`);
    });
    // Closes from 2018-01-25 01:00 up to the first publication (2018-02-02 00:00 + lag), hourly, no gaps there.
    assert.equal(before, 8 * 24 - 1 + lagMs / HOUR, 'candles before the first publication see no value');

    // The edge itself: where a day's value differs from the day before, the row one hour before its
    // publication still shows the previous day's value, and the row at the publication shows the new one.
    const at = new Map(rows.t.map((t, r) => [t, rows.rows[r][1]]));
    let edges = 0;
    for (let d = 1; d < fgDays.length; d++) {
      const [day, value] = fgDays[d];
      const pub = published(day);
      if (value === fgDays[d - 1][1] || pub - HOUR < START + HOUR || pub >= END) continue;
      if (fgDays[d - 1][0] !== day - DAY) continue; // after a missing day the previous value is older
      if (!at.has(pub - HOUR)) continue; // no candle closed that hour (an exchange outage)
      assert.equal(at.get(pub - HOUR), fgDays[d - 1][1], `${new Date(day).toISOString().slice(0, 10)}'s value must not be visible at ${new Date(pub - HOUR).toISOString()}`);
      assert.equal(at.get(pub), value, `${new Date(day).toISOString().slice(0, 10)}'s value is visible at its publication ${new Date(pub).toISOString()}`);
      edges++;
    }
    assert.ok(edges > 150, `checked ${edges} day changes`);

    const info = result.sources.fg as Record<string, unknown>;
    assert.equal(info.rule, lag === '0' ? 'periodStart 1d' : 'periodStart 1d + lag 6h');
    assert.equal(info.firstTime, Date.parse('2018-02-01T00:00:00Z'));
    assert.equal(info.firstEventTime, Date.parse('2018-02-02T00:00:00Z') + lagMs);
  });
}

test('source.series joined with candles: the same rows for any chunk size', async () => {
  const whole = (await record('6h', 1024)).rows;
  for (const size of [1, 7]) {
    const chunked = (await record('6h', size)).rows;
    assert.deepEqual(chunked.t, whole.t, `times at chunk ${size}`);
    assert.deepEqual(chunked.rows, whole.rows, `rows at chunk ${size}`);
  }
});

test('a series bound to a Redis stream is refused when the graph compiles: the stream adapter carries candles only', () => {
  const text = graphText('0', 'unused').replace(`fg: { file: ${FG} }`, 'fg: { stream: fear-greed }');
  const { graph, diagnostics } = compileGraph(text, 'fg.yaml', defaultRegistry);
  assert.equal(graph, undefined);
  const d = diagnostics.find((x) => x.code === 'mode/records');
  assert.ok(d, JSON.stringify(diagnostics));
  assert.match(d.message, /modes\.backtest\.fg: the redisStream adapter carries candles, not series \(what source\.series emits\)/);
});

test('a period-stamped series needs its period; published stamps need none', () => {
  const text = graphText('0', 'unused').replace('timestamp: periodStart, period: 1d', 'timestamp: periodEnd');
  const { graph, diagnostics } = compileGraph(text, 'fg.yaml', defaultRegistry);
  assert.equal(graph, undefined);
  assert.ok(diagnostics.some((d) => /timestamp: periodEnd needs the period a value covers/.test(d.message)), JSON.stringify(diagnostics));
});

test('a memory series feed: event time from the rule, checked against the feed, in a backtest', async () => {
  // Three 8-hourly funding-like values stamped at publication, plus a 30m lag; one empty (NaN) value.
  const time = [Date.parse('2024-01-01T00:00:00Z'), Date.parse('2024-01-01T08:00:00Z'), Date.parse('2024-01-01T16:00:00Z')];
  const lag = 30 * 60_000;
  memoryFeeds.set('funding', { t: Float64Array.from(time, (x) => x + lag), columns: { time: Float64Array.from(time), value: Float64Array.of(0.0001, NaN, -0.0002) } });
  const text = `
version: 1
name: funding
nodes:
  f: { kind: source.series, params: { publicationLag: 30m } }
  out: { kind: sink.record, in: { series: [f.value] } }
modes:
  backtest:
    f: { memory: funding }
    out: { memory: funding-rows }
`;
  const { graph, diagnostics } = compileGraph(text, 'funding.yaml', defaultRegistry);
  assert.ok(graph, JSON.stringify(diagnostics));
  const result = await runGraph(graph, { env, outputs: new OutputGuard({ dir: '.' }) });
  const rows = memorySinks.get('funding-rows')!;
  assert.deepEqual(rows.t, [time[0] + lag, time[2] + lag]);
  assert.deepEqual(rows.rows, [[0.0001], [-0.0002]]);
  assert.equal((result.sources.f as Record<string, unknown>).missingValues, 1);

  // A feed whose t says a value arrived before the rule allows is refused.
  memoryFeeds.set('funding', { t: Float64Array.from(time), columns: { time: Float64Array.from(time), value: Float64Array.of(1, 2, 3) } });
  const early = compileGraph(text, 'funding.yaml', defaultRegistry).graph!;
  await assert.rejects(runGraph(early, { env, outputs: new OutputGuard({ dir: '.' }) }), /memory feed funding event 0: t is 2024-01-01T00:00:00.000Z, but the value stamped 2024-01-01T00:00:00.000Z becomes knowable at 2024-01-01T00:30:00.000Z/);
});

test('the run summary shows a series source: its rule, stamps, values and when they were published', async () => {
  const { result } = await record('0', 1024);
  const lines = summaryText(result).split('\n');
  const at = lines.findIndex((l) => l.startsWith('data fg: '));
  // 2018-02-01 .. 2018-08-31 is 212 days; the file lacks 2018-04-14..16: 209 values.
  assert.equal(lines[at], `data fg: series fearGreed (column value, periodStart 1d) ${dataFile(FG)}`);
  assert.equal(lines[at + 1], '     stamps 2018-02-01 00:00 .. 2018-08-31 00:00 UTC, 209 values published 2018-02-02 00:00 .. 2018-09-01 00:00 UTC');
  const json = summaryJson(result).sources as Record<string, Record<string, unknown>>;
  assert.deepEqual(
    { ...json.fg, file: 'F' },
    { record: 'series', name: 'fearGreed', column: 'value', rule: 'periodStart 1d', file: 'F', rows: 209, firstTime: day('2018-02-01'), lastTime: day('2018-08-31'), firstEventTime: day('2018-02-02'), lastEventTime: day('2018-09-01'), missingValues: 0, rowsDropped: 0 },
  );
});

function day(date: string): number {
  return Date.parse(`${date}T00:00:00Z`);
}

test('paper mode: a series fed live one value at a time joins the candles exactly as the replay does', async () => {
  // Real hourly candles 2018-02-01 .. 2018-03-01 and the F&G days stamped 2018-01-31 .. 2018-02-28, as memory feeds.
  const c = realCandles(Infinity, BTC);
  const from = Date.parse('2018-02-01T00:00:00Z');
  const to = Date.parse('2018-03-01T00:00:00Z');
  const keep = Array.from(c.time.keys()).filter((i) => c.time[i] >= from && c.time[i] < to);
  const pick = (col: Float64Array) => Float64Array.from(keep, (i) => col[i]);
  memoryFeeds.set('btc-live', {
    t: Float64Array.from(keep, (i) => c.time[i] + HOUR),
    columns: { time: pick(c.time), open: pick(c.open), high: pick(c.high), low: pick(c.low), close: pick(c.close), volume: pick(c.volume) },
    batch: 5,
  });
  const days = fgDays.filter(([d]) => d < to);
  memoryFeeds.set('fg-live', { t: Float64Array.from(days, ([d]) => d + DAY), columns: { time: Float64Array.from(days, ([d]) => d), value: Float64Array.from(days, ([, v]) => v) }, batch: 1 });
  const text = (mode: string) => `
version: 1
name: fg-live
nodes:
  btc: { kind: source.candles, params: { symbol: BTCUSDT, timeframe: 1h } }
  fg: { kind: source.series, params: { timeColumn: date, timestamp: periodStart, period: 1d } }
  out: { kind: sink.record, in: { series: [btc.close, fg.value] } }
modes:
  ${mode}:
    btc: { memory: btc-live }
    fg: { memory: fg-live }
    out: { memory: fg-${mode} }
`;
  const rows: Record<string, string[]> = {};
  for (const mode of ['backtest', 'paper'] as const) {
    const { graph, diagnostics } = compileGraph(text(mode), 'fg-live.yaml', defaultRegistry, { mode, requireBindings: true });
    assert.ok(graph, JSON.stringify(diagnostics));
    // maxWaitMs: how long the driver waits for a feed before moving on; generous, so a loaded machine cannot make events late.
    await runGraph(graph, { env, outputs: new OutputGuard({ dir: '.' }), live: { maxWaitMs: 2000 } });
    const sink = memorySinks.get(`fg-${mode}`)!;
    rows[mode] = sink.t.map((t, i) => [t, ...sink.rows[i]].join(','));
  }
  assert.ok(rows.backtest.length > 600, `${rows.backtest.length} rows`); // 672 hours less the 33-hour outage of 2018-02-08
  assert.deepEqual(rows.paper, rows.backtest);
  // Spot check by hand: the close at 2018-02-10 00:00 sees 2018-02-09's value (published then), not 2018-02-10's.
  const at = rows.backtest.find((r) => r.startsWith(`${Date.parse('2018-02-10T00:00:00Z')},`))!;
  const value = (date: string) => fgDays.find(([d]) => d === Date.parse(`${date}T00:00:00Z`))![1];
  assert.equal(at.split(',')[2], String(value('2018-02-09')));
});
