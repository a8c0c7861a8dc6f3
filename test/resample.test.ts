/**
 * aggregate.resample on real data. The references are Binance's own 1h candles (for 5m -> 1h
 * through a graph) and a plain grouping written here (1h -> 4h, 1d, 1w); inputs are the files
 * parsed the plain way (realCandles.ts), not by the readers under test.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileGraph } from '../runtime/graph/compileGraph.js';
import { defaultRegistry } from '../runtime/loadGraph.js';
import { OutputGuard } from '../runtime/adapters/outputGuard.js';
import { runGraph } from '../runtime/exec/runGraph.js';
import { memorySinks } from '../runtime/adapters/memory.js';
import { dataDir } from '../runtime/testing/dataFile.js';
import { realCandles } from '../runtime/testing/realCandles.js';
import { EVENT_TIMES, runKernel } from '../runtime/testing/runKernel.js';
import { resample } from '../nodes/aggregate/resample.js';
import type { Candles } from '../runtime/ports.js';

const env = { ...process.env, HEAN_DATA_DIR: dataDir() };
const H = 3_600_000;
const DAY = 24 * H;
const FILE_1H = 'btcusdt_1h_binance_2024-09_2026-02.csv.gz';
const FILE_5M = 'btcusdt_5m_binance_2024-12_2026-02.csv.gz';
const FILE_1H_GAPS = 'btcusdt_1h_binance_2017-08_2024-04.csv.gz';
const hourly = realCandles(Infinity, FILE_1H);

async function run(text: string, chunkSize?: number) {
  const { graph, diagnostics } = compileGraph(text, 'resample.yaml', defaultRegistry, { mode: 'backtest', requireBindings: true });
  assert.ok(graph, JSON.stringify(diagnostics));
  return runGraph(graph, { chunkSize, env, outputs: new OutputGuard({ dir: '.' }) });
}

interface Bar {
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  /** Event time: when the last bar of the bucket closed. */
  at: number;
}

/** The straightforward grouping: consecutive bars with the same key, first open, max high, min low, last close, summed volume. */
function group(c: Candles, tf: number, keyOf: (time: number) => number): Bar[] {
  const out: Bar[] = [];
  for (let i = 0; i < c.time.length; i++) {
    const key = keyOf(c.time[i]);
    const last = out[out.length - 1];
    if (last && last.time === key) {
      last.high = Math.max(last.high, c.high[i]);
      last.low = Math.min(last.low, c.low[i]);
      last.close = c.close[i];
      last.volume += c.volume[i];
      last.at = c.time[i] + tf;
    } else out.push({ time: key, open: c.open[i], high: c.high[i], low: c.low[i], close: c.close[i], volume: c.volume[i], at: c.time[i] + tf });
  }
  return out;
}

/** Runs the kernel over candles whose events are at their closes (open time + tf), at several chunk sizes; all must agree. */
function resampled(c: Candles, tf: number, timeframe: string): Bar[] {
  const t = Float64Array.from(c.time, (x) => x + tf);
  const runs = [1, 7, c.time.length].map((chunkSize) => runKernel(resample, { timeframe }, { candles: c }, { chunkSize, t }));
  for (const other of runs.slice(1)) assert.deepEqual(other, runs[0], 'same bars at every chunk size');
  const r = runs[0];
  return Array.from(r[EVENT_TIMES], (at, i) => ({ time: r['candles.time'][i], open: r['candles.open'][i], high: r['candles.high'][i], low: r['candles.low'][i], close: r['candles.close'][i], volume: r['candles.volume'][i], at }));
}

function slice(c: Candles, from: number, to: number): Candles {
  return Object.fromEntries(Object.entries(c).map(([k, v]) => [k, v.slice(from, to)])) as Candles;
}

function closeTo(a: number, b: number, what: string): void {
  assert.ok(Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b)), `${what}: ${a} vs ${b}`);
}

test("5m -> 1h through a graph equals Binance's own 1h candles bar for bar (OHLC exact, volume to 1e-9), events at the bar closes", async () => {
  const result = await run(`
version: 1
name: resample-5m
nodes:
  five: { kind: source.candles, params: { symbol: BTCUSDT, timeframe: 5m } }
  hour: { kind: aggregate.resample, in: { candles: five }, params: { timeframe: 1h } }
  rec: { kind: sink.record, in: { series: [hour.open, hour.high, hour.low, hour.close, hour.volume] } }
modes:
  backtest:
    five: { file: ${FILE_5M} }
    rec: { memory: resample-5m }
`);
  assert.deepEqual(result.warnings, [], 'the 5m file has no gaps');
  const { t, rows } = memorySinks.get('resample-5m')!;
  const five = realCandles(Infinity, FILE_5M);
  const first = five.time[0];
  const lastClosed = Math.floor((five.time[five.time.length - 1] + 300_000) / H) * H; // the end of the last complete hour
  const expected: number[] = [];
  for (let i = 0; i < hourly.time.length; i++) if (hourly.time[i] >= first && hourly.time[i] + H <= lastClosed) expected.push(i);
  assert.ok(expected.length > 9000, `${expected.length} overlapping hours`);
  // The 1h file ends before the 5m file: compare over the overlap, and check the 5m file's later hours are there too.
  assert.equal(t.length, (lastClosed - first) / H, 'one bar per complete hour of the 5m file, the partial last hour not emitted');
  expected.forEach((i, k) => {
    const at = hourly.time[i] + H;
    assert.equal(t[k], at, `bar ${k}: event at its close`);
    const [o, h, l, c, v] = rows[k];
    assert.equal(o, hourly.open[i], `open at ${new Date(hourly.time[i]).toISOString()}`);
    assert.equal(h, hourly.high[i], `high at ${new Date(hourly.time[i]).toISOString()}`);
    assert.equal(l, hourly.low[i], `low at ${new Date(hourly.time[i]).toISOString()}`);
    assert.equal(c, hourly.close[i], `close at ${new Date(hourly.time[i]).toISOString()}`);
    closeTo(v, hourly.volume[i], `volume at ${new Date(hourly.time[i]).toISOString()}`);
  });
});

test('1h -> 4h, 1d and 1w equal a plain grouping (UTC epoch multiples; weeks from Monday 00:00 UTC), the same at chunk sizes 1, 7, whole', () => {
  const weekOf = (time: number) => {
    const day = Math.floor(time / DAY) * DAY;
    return day - ((new Date(day).getUTCDay() + 6) % 7) * DAY; // back to Monday
  };
  const cases: [string, number, (time: number) => number][] = [
    ['4h', 4 * H, (time) => time - (time % (4 * H))],
    ['1d', DAY, (time) => time - (time % DAY)],
    ['1w', 7 * DAY, weekOf],
  ];
  for (const [timeframe, tf, keyOf] of cases) {
    const got = resampled(hourly, H, timeframe);
    let expected = group(hourly, H, keyOf);
    // The 1h file has no gaps; its first and last buckets may be partial: the first is emitted (incomplete), the last (still open) is not.
    const last = expected[expected.length - 1];
    if (last.at < last.time + tf) expected = expected.slice(0, -1);
    assert.equal(got.length, expected.length, `${timeframe}: bars`);
    got.forEach((bar, k) => {
      const e = expected[k];
      assert.deepEqual([bar.time, bar.open, bar.high, bar.low, bar.close, bar.at], [e.time, e.open, e.high, e.low, e.close, e.at], `${timeframe} bar ${k}`);
      closeTo(bar.volume, e.volume, `${timeframe} bar ${k} volume`);
      if (k > 0) assert.equal(bar.at, bar.time + tf, `${timeframe} bar ${k}: event at the bucket's close`);
    });
    if (timeframe === '1w') assert.ok(got.every((b) => new Date(b.time).getUTCDay() === 1 && b.time % DAY === 0), 'weeks open on Mondays 00:00 UTC');
  }
});

test('causal: a prefix ending inside a bucket yields the complete bars before it and not the partial one; no event before its bucket closes', () => {
  const whole = resampled(hourly, H, '4h');
  // Find the first row of a 4h bucket well into the file, then stop two hours into it.
  let i = 1000;
  while (hourly.time[i] % (4 * H) !== 0) i++;
  const prefix = resampled(slice(hourly, 0, i + 2), H, '4h');
  assert.deepEqual(prefix, whole.slice(0, prefix.length), 'the prefix gives the same first bars');
  assert.equal(prefix[prefix.length - 1].time, hourly.time[i] - 4 * H, 'the last bar is the bucket before the partial one');
  for (const bar of whole) assert.ok(bar.at >= bar.time + 4 * H, 'never before the bucket closes');
  // Ending on the bar that closes the bucket emits it, at that bar's event.
  const upToClose = resampled(slice(hourly, 0, i + 4), H, '4h');
  assert.deepEqual(upToClose[upToClose.length - 1], whole[prefix.length]);
});

test('gaps in real data: a bucket missing its last bars closes at the next bar after the gap (never earlier), is counted, and a superseded one is dropped', async () => {
  const gappy = realCandles(12_000, FILE_1H_GAPS);
  const at = (iso: string) => Date.parse(iso);
  const index = (iso: string) => gappy.time.indexOf(at(iso));
  // 2018-06-27 13:00 is missing (PROVENANCE.md): the 2h bucket [12:00, 14:00) lacks its last bar.
  assert.equal(index('2018-06-27T13:00:00Z'), -1);
  const from = index('2018-06-27T08:00:00Z');
  const to = index('2018-06-27T20:00:00Z');
  const two = resampled(slice(gappy, from, to), H, '2h');
  const noon = two.find((b) => b.time === at('2018-06-27T12:00:00Z'))!;
  const i12 = index('2018-06-27T12:00:00Z');
  assert.deepEqual([noon.open, noon.high, noon.low, noon.close, noon.volume], [gappy.open[i12], gappy.high[i12], gappy.low[i12], gappy.close[i12], gappy.volume[i12]]);
  assert.equal(noon.at, at('2018-06-27T15:00:00Z'), 'closed when the 14:00 bar (the first of a later bucket) closed');
  assert.equal(two.find((b) => b.time === at('2018-06-27T14:00:00Z'))!.at, at('2018-06-27T16:00:00Z'));
  // 2017-09-06 17:00 - 22:00 are missing: the 4h bucket [16:00, 20:00) has only its first bar, and the 23:00 bar that would
  // close it also ends its own bucket [20:00, 24:00): two bars at one event time, so the incomplete one is dropped.
  const four = resampled(slice(gappy, index('2017-09-06T08:00:00Z'), index('2017-09-07T04:00:00Z')), H, '4h');
  assert.deepEqual(four.map((b) => new Date(b.time).toISOString().slice(11, 16)), ['08:00', '12:00', '20:00', '00:00']);
  assert.equal(four[2].close, gappy.close[index('2017-09-06T23:00:00Z')]);
  assert.equal(four[2].at, at('2017-09-07T00:00:00Z'));
  // Through a graph, the run says how many buckets were incomplete.
  const result = await run(`
version: 1
name: resample-gaps
nodes:
  bars: { kind: source.candles, params: { symbol: BTCUSDT, timeframe: 1h, start: "2017-09-06T08:00:00Z", end: "2017-09-07T04:00:00Z" } }
  four: { kind: aggregate.resample, in: { candles: bars }, params: { timeframe: 4h } }
  rec: { kind: sink.record, in: { series: [four.close] } }
modes:
  backtest:
    bars: { file: ${FILE_1H_GAPS} }
    rec: { memory: resample-gaps }
`);
  const warning = result.warnings.find((w) => w.code === 'resample/incomplete');
  assert.ok(warning, JSON.stringify(result.warnings));
  assert.match(warning.message, /1 4h bar built from incomplete buckets.*1 incomplete bucket dropped/);
  assert.deepEqual(memorySinks.get('resample-gaps')!.t, four.map((b) => b.at));
});

test('a 4h SMA joined into the 1h timeline as of: it changes only at 4h closes, to the SMA of the 4h closes so far', async () => {
  const result = await run(`
version: 1
name: mtf
nodes:
  bars: { kind: source.candles, params: { symbol: BTCUSDT, timeframe: 1h, start: "2025-01-01", end: "2025-04-01" } }
  four: { kind: aggregate.resample, in: { candles: bars }, params: { timeframe: 4h } }
  trend: { kind: indicator.sma, in: { series: four.close }, params: { timePeriod: 5 } }
  above: { kind: signal.compare, in: { a: bars.close, b: trend.value } }
  rec: { kind: sink.record, in: { series: [bars.close, trend.value, above.signal] } }
modes:
  backtest:
    bars: { file: ${FILE_1H} }
    rec: { memory: mtf }
`);
  assert.deepEqual(result.warnings, []);
  const { t, rows } = memorySinks.get('mtf')!;
  const start = Date.parse('2025-01-01T00:00:00Z');
  const hours: number[] = [];
  for (let i = 0; i < hourly.time.length; i++) if (hourly.time[i] >= start && hourly.time[i] < Date.parse('2025-04-01T00:00:00Z')) hours.push(i);
  assert.equal(t.length, hours.length, 'one row per 1h event (the 4h events coincide with them)');
  // The plain 4h closes and their 5-bar SMA.
  const closes4h: { at: number; sma: number }[] = [];
  const window: number[] = [];
  for (let k = 3; k < hours.length; k += 4) {
    window.push(hourly.close[hours[k]]);
    if (window.length > 5) window.shift();
    closes4h.push({ at: hourly.time[hours[k]] + H, sma: window.length === 5 ? window.reduce((a, b) => a + b, 0) / 5 : NaN });
  }
  let j = -1;
  let changes = 0;
  rows.forEach(([close, trend], r) => {
    assert.equal(close, hourly.close[hours[r]]);
    while (j + 1 < closes4h.length && closes4h[j + 1].at <= t[r]) j++;
    const expected = j < 0 ? NaN : closes4h[j].sma;
    if (Number.isNaN(expected)) assert.ok(Number.isNaN(trend), `row ${r}: no 4h SMA yet`);
    else closeTo(trend, expected, `row ${r}: the 4h SMA as of ${new Date(t[r]).toISOString()}`);
    if (r > 0 && !Object.is(trend, rows[r - 1][1])) {
      changes++;
      assert.equal(t[r] % (4 * H), 0, `the 4h SMA changes only at a 4h close (${new Date(t[r]).toISOString()})`);
    }
  });
  assert.ok(changes > 500, `${changes} changes`);
});

test('the input timeframe must divide the output timeframe: an error when the graph compiles, naming both', () => {
  const text = (input: string, output: string) => `
version: 1
name: bad
nodes:
  bars: { kind: source.candles, params: { symbol: BTCUSDT, timeframe: ${input} } }
  r: { kind: aggregate.resample, in: { candles: bars }, params: { timeframe: ${output} } }
  rec: { kind: sink.record, in: { series: [r.close] } }
`;
  for (const [input, output] of [['1h', '90m'], ['3h', '4h'], ['2d', '1w'], ['4h', '1h']]) {
    const { graph, diagnostics } = compileGraph(text(input, output), 'bad.yaml', defaultRegistry);
    assert.equal(graph, undefined, `${input} -> ${output}`);
    assert.ok(diagnostics.some((d) => d.severity === 'error' && d.message.includes(`timeframe ${output}`) && d.message.includes(input)), JSON.stringify(diagnostics));
  }
  for (const [input, output] of [['1h', '4h'], ['1d', '1w'], ['1w', '2w'], ['5m', '1h']]) {
    const { graph, diagnostics } = compileGraph(text(input, output), 'ok.yaml', defaultRegistry);
    assert.ok(graph, `${input} -> ${output}: ${JSON.stringify(diagnostics)}`);
  }
});

test('at run time, when no producer says the input timeframe: input bars whose spacing does not divide the timeframe stop the run', () => {
  const three = group(hourly, H, (time) => time - (time % (3 * H))).slice(1, 40);
  const c: Candles = { time: Float64Array.from(three, (b) => b.time), open: Float64Array.from(three, (b) => b.open), high: Float64Array.from(three, (b) => b.high), low: Float64Array.from(three, (b) => b.low), close: Float64Array.from(three, (b) => b.close), volume: Float64Array.from(three, (b) => b.volume) };
  assert.throws(() => runKernel(resample, { timeframe: '4h' }, { candles: c }, { t: Float64Array.from(c.time, (x) => x + 3 * H) }), /bars are 10800s apart.*does not divide timeframe 4h/);
});
