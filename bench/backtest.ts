/**
 * sma-cross on >= 1,000,000 real bars: the graph runtime against the fused hand loop
 * (bench/smaCrossHandLoop.ts) measured in the same process, plus the whole `hean run` command.
 *
 * Input: the real BTCUSDT files chained end to end, repeated until there are enough bars. Each
 * segment's prices are multiplied by one factor so its first open continues the previous
 * segment's last close (bar-to-bar returns are the real ones), and times are re-spaced at exactly
 * 1h per bar, so the result is a valid gap-free 1h series. It is written as plain CSV to a temp
 * dir (numbers via String(), the shortest text that round-trips) and kept as Float64Arrays.
 *
 * HEAN_BENCH_BARS overrides the 1,000,000-bar minimum (for quick runs while developing);
 * HEAN_BENCH_KEEP=1 keeps the temp CSV (for profiling) and prints where it is.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { BrokerReport } from '../runtime/portfolio/simulatedBroker.js';
import { runGraph, type RunResult } from '../runtime/exec/runGraph.js';
import { defaultRegistry, loadGraph } from '../runtime/loadGraph.js';
import { compileGraph } from '../runtime/graph/compileGraph.js';
import { parse, stringify } from 'yaml';
import { dataDir, projectRoot } from '../runtime/testing/dataFile.js';
import { realCandles } from '../runtime/testing/realCandles.js';
import { bestOf, int, mega, peakRssMiB, round, type BenchContext, type BenchOutcome, type Benchmark } from './harness.js';
import { smaCrossHandLoop, type HandLoopResult } from './smaCrossHandLoop.js';
import { readCandleCsv, type CandleColumns } from '../runtime/adapters/file/readCandleCsv.js';
import { readCandleParquet } from '../runtime/adapters/file/readCandleParquet.js';
import { candleParquet } from '../runtime/data/candleParquet.js';

const FILES = [
  'btcusdt_1h_binance_2017-08_2024-04.csv.gz',
  'btcusdt_1h_binance_2024-09_2026-02.csv.gz',
  'btcusdt_5m_binance_2024-12_2026-02.csv.gz',
  'btcusdt_1m_binance_2026-03_2026-04.csv.gz',
];
const HOUR = 3_600_000;
const GRAPH = 'graphs/sma-cross.yaml';
/** The strategy as graphs/sma-cross.yaml states it (checked against the compiled graph). */
const FAST = 10;
const SLOW = 30;
const CASH = 10_000;
const FEE = 0.001;
const CHUNKS = [1, 1024, 4096];
const MAIN_CHUNK = 1024;
const HAND_RUNS = 5;
const GRAPH_RUNS = 3;
const CLI_RUNS = 3;
const TARGET_RATIO = 0.5;
const TARGET_E2E = 1.5e6;

interface Columns {
  time: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
}

interface Construction {
  files: { file: string; bars: number }[];
  segments: number;
  fullCycles: number;
  extraFiles: number;
  bars: number;
  minFactor: number;
  maxFactor: number;
  firstTime: number;
  lastTime: number;
}

/** The chained input (see the file comment). */
export function buildInput(minBars: number): { columns: Columns; construction: Construction } {
  const sources = FILES.map((file) => ({ file, candles: realCandles(Infinity, file) }));
  // Whole files in order until there are enough bars.
  const order: number[] = [];
  let bars = 0;
  while (bars < minBars) {
    const k = order.length % sources.length;
    order.push(k);
    bars += sources[k].candles.close.length;
  }
  const columns: Columns = {
    time: new Float64Array(bars),
    open: new Float64Array(bars),
    high: new Float64Array(bars),
    low: new Float64Array(bars),
    close: new Float64Array(bars),
    volume: new Float64Array(bars),
  };
  const t0 = sources[0].candles.time[0];
  let at = 0;
  let prevClose = NaN;
  let minFactor = Infinity;
  let maxFactor = -Infinity;
  for (const k of order) {
    const c = sources[k].candles;
    const f = at === 0 ? 1 : prevClose / c.open[0];
    minFactor = Math.min(minFactor, f);
    maxFactor = Math.max(maxFactor, f);
    // Scaled prices are rounded to the cent, the exchange's tick, as real quotes are.
    const tick = (x: number) => Math.round(x * f * 100) / 100;
    for (let i = 0; i < c.close.length; i++, at++) {
      columns.time[at] = t0 + at * HOUR;
      columns.open[at] = tick(c.open[i]);
      columns.high[at] = tick(c.high[i]);
      columns.low[at] = tick(c.low[i]);
      columns.close[at] = tick(c.close[i]);
      columns.volume[at] = c.volume[i];
    }
    prevClose = columns.close[at - 1];
  }
  return {
    columns,
    construction: {
      files: sources.map((s) => ({ file: s.file, bars: s.candles.close.length })),
      segments: order.length,
      fullCycles: Math.floor(order.length / sources.length),
      extraFiles: order.length % sources.length,
      bars,
      minFactor,
      maxFactor,
      firstTime: columns.time[0],
      lastTime: columns.time[bars - 1],
    },
  };
}

/** Significant digits of a decimal text (the candle reader parses at most 15 on its fast path). */
function significantDigits(text: string): number {
  let digits = 0;
  let leading = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) continue;
    if (leading && c === 48) continue;
    leading = false;
    digits++;
  }
  return digits;
}

/**
 * Plain CSV, numbers as String() gives them (the shortest text that parses back to the same
 * double). Returns the file size and how many price fields need more than 15 significant digits.
 */
export function writeCsv(path: string, c: Columns): { bytes: number; priceFields: number; longPriceFields: number } {
  const fd = openSync(path, 'w');
  let longPriceFields = 0;
  try {
    writeSync(fd, 'time,open,high,low,close,volume\n');
    const block = 65_536;
    for (let from = 0; from < c.close.length; from += block) {
      const to = Math.min(c.close.length, from + block);
      let text = '';
      for (let i = from; i < to; i++) {
        const prices = [String(c.open[i]), String(c.high[i]), String(c.low[i]), String(c.close[i])];
        for (const p of prices) if (significantDigits(p) > 15) longPriceFields++;
        text += `${String(c.time[i])},${prices.join(',')},${String(c.volume[i])}\n`;
      }
      writeSync(fd, text);
    }
  } finally {
    closeSync(fd);
  }
  return { bytes: statSync(path).size, priceFields: 4 * c.close.length, longPriceFields };
}

function brokerOf(result: RunResult): BrokerReport {
  const broker = Object.values(result.reports).find((r) => (r as { kind?: string })?.kind === 'broker') as BrokerReport | undefined;
  if (!broker) throw new Error(`${GRAPH} produced no broker report`);
  return broker;
}

const iso = (ms: number) => new Date(ms).toISOString().slice(0, 16) + 'Z';

type GraphDoc = { nodes: Record<string, { kind: string; in?: Record<string, unknown>; params?: Record<string, unknown> }> };
const asPortfolio = (doc: GraphDoc) => {
  const broker = doc.nodes.broker;
  doc.nodes.broker = { kind: 'sink.portfolio', in: { orders: [broker.in!.orders], markets: [broker.in!.market] }, params: broker.params };
};
/** sma-cross variants timed beside it: through sink.portfolio, and with a feedback loop. */
const VARIANTS: [string, (doc: GraphDoc) => void][] = [
  ['sink.portfolio (1 market)', asPortfolio],
  [
    'feedback loop (risk.limits on broker.equity@prev)',
    (doc) => {
      asPortfolio(doc);
      doc.nodes.risk = { kind: 'risk.limits', in: { orders: 'size.orders', equity: 'broker.equity@prev' }, params: { drawdownPct: 100 } };
      (doc.nodes.broker.in as { orders: string[] }).orders = ['risk.orders'];
    },
  ],
];
const ratioText = (r: number) => `${r >= 0.1 ? r.toFixed(2) : r.toPrecision(2)}x`;
const met = (ok: boolean) => (ok ? 'met' : 'NOT met');

async function run(ctx: BenchContext): Promise<BenchOutcome> {
  const failures: string[] = [];
  const minBars = process.env.HEAN_BENCH_BARS ? Number(process.env.HEAN_BENCH_BARS) : 1_000_000;
  if (!(Number.isInteger(minBars) && minBars > SLOW)) throw new Error(`HEAN_BENCH_BARS is "${process.env.HEAN_BENCH_BARS}"; expected a whole number of bars > ${SLOW}`);

  // 1. The input.
  ctx.progress(`building the input from ${dataDir()}`);
  const { columns, construction: k } = buildInput(minBars);
  const dir = mkdtempSync(join(tmpdir(), 'hean-bench-'));
  const csv = join(dir, 'sma-cross-input.csv');
  const keep = process.env.HEAN_BENCH_KEEP === '1';
  try {
    ctx.progress(`writing ${csv}`);
    const { bytes, priceFields, longPriceFields } = writeCsv(csv, columns);
    const bars = k.bars;

    const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
    const cycles = [k.fullCycles ? plural(k.fullCycles, 'full cycle') : '', k.extraFiles ? `the first ${plural(k.extraFiles, 'file')}${k.fullCycles ? ` of cycle ${k.fullCycles + 1}` : ''}` : ''].filter(Boolean).join(' + ');
    ctx.print(`input: ${int(bars)} bars, the real files below chained end to end in this order: ${cycles} (${plural(k.segments, 'segment')}):`);
    const width = Math.max(...k.files.map((f) => f.file.length));
    for (const f of k.files) ctx.print(`  ${f.file.padEnd(width)}  ${int(f.bars).padStart(9)} bars`);
    ctx.print(`  prices: real, each segment multiplied by one factor so its first open continues the previous segment's last close (returns preserved; factors ${k.minFactor.toPrecision(4)} .. ${k.maxFactor.toPrecision(4)})`);
    ctx.print(`  times: re-spaced at exactly 1h per bar, ${iso(k.firstTime)} .. ${iso(k.lastTime)} (a gap-free 1h series)`);
    ctx.print(`  written as plain CSV: ${csv} (${(bytes / 1e6).toFixed(1)} MB${keep ? ', kept' : ', removed afterwards'}); ${((100 * longPriceFields) / priceFields).toFixed(0)}% of the price fields have more than 15 significant digits (scaled prices), which the candle reader parses on its slow path`);

    // 2a. The hand loop.
    const hand = (): HandLoopResult => smaCrossHandLoop(columns.time, columns.open, columns.close, FAST, SLOW, CASH, FEE);
    ctx.progress(`hand loop: 1 warm-up + ${HAND_RUNS} timed runs`);
    const handTimed = await bestOf(HAND_RUNS, 1, hand);
    const handResult = handTimed.best;
    const handRate = bars / (handTimed.bestMs / 1000);

    // 2b. The graph.
    const { graph, diagnostics } = loadGraph(join(projectRoot, GRAPH), { bind: { bars: { file: csv } }, requireBindings: true });
    if (!graph) throw new Error(`${GRAPH} does not compile:\n${diagnostics.map((d) => `${d.line}:${d.col} ${d.code} ${d.message}`).join('\n')}`);
    const p = graph.params as Record<string, unknown>;
    if (p.fast !== FAST || p.slow !== SLOW) failures.push(`${GRAPH} has params fast ${String(p.fast)}, slow ${String(p.slow)}; this benchmark's hand loop uses ${FAST}/${SLOW}`);
    // The column cache off: these runs time parsing, and write nothing outside the temp dir.
    const parseEnv = { ...process.env, HEAN_CACHE_DIR: 'off' };
    const runOnce = (chunkSize: number) => runGraph(graph, { chunkSize, env: parseEnv });

    const graphFigures: Record<string, { stepMs: number; barsPerSec: number; ratio: number; loadMs: number; allStepMs: number[] }> = {};
    let bestLoadMs = Infinity;
    const sameTrades: Record<string, boolean> = {};
    for (const chunk of CHUNKS) {
      ctx.progress(`graph, chunk ${chunk}: 1 warm-up + ${GRAPH_RUNS} timed runs`);
      let loadMs = Infinity;
      let checked = false;
      const timed = await bestOf(
        GRAPH_RUNS,
        1,
        async () => {
          const result = await runOnce(chunk);
          loadMs = Math.min(loadMs, result.timings.loadMs);
          if (!checked) {
            // Check the first run's trades (timing does not depend on it; one check per chunk size).
            checked = true;
            const broker = brokerOf(result);
            const same = broker.metrics.bars === bars && broker.trades.length === handResult.trades.length && broker.metrics.finalEquity === handResult.finalEquity && isDeepStrictEqual(broker.trades, handResult.trades);
            sameTrades[chunk] = same;
            if (!same) {
              failures.push(
                `chunk ${chunk}: the graph made different trades from the hand loop (graph: ${broker.metrics.bars} bars, ${broker.trades.length} trades, final equity ${broker.metrics.finalEquity}; hand loop: ${bars} bars, ${handResult.trades.length} trades, final equity ${handResult.finalEquity})`,
              );
            }
          }
          return result.timings.stepMs;
        },
        (stepMs) => stepMs,
      );
      bestLoadMs = Math.min(bestLoadMs, loadMs);
      const rate = bars / (timed.bestMs / 1000);
      graphFigures[chunk] = { stepMs: round(timed.bestMs), barsPerSec: Math.round(rate), ratio: round(rate / handRate), loadMs: round(loadMs), allStepMs: timed.allMs.map((x) => round(x)) };
    }
    const loadRate = bars / (bestLoadMs / 1000);

    // 2b'. The candle readers alone on the same bars: the CSV above, and the same columns as Parquet.
    const parquet = join(dir, 'sma-cross-input.parquet');
    writeFileSync(parquet, candleParquet(columns));
    const parquetBytes = statSync(parquet).size;
    const readers: Record<string, { barsPerSec: number; ms: number; bytes: number }> = {};
    for (const [name, path, read] of [
      ['csv', csv, readCandleCsv],
      ['parquet', parquet, readCandleParquet],
    ] as const) {
      ctx.progress(`${name} reader: 1 warm-up + ${GRAPH_RUNS} timed runs`);
      const timed = await bestOf(GRAPH_RUNS, 1, async (): Promise<CandleColumns> => {
        const data = await read(path, { timeframeMs: HOUR });
        if (data.rows !== bars) throw new Error(`${path}: the ${name} reader read ${data.rows} rows; the input has ${bars}`);
        return data;
      });
      readers[name] = { barsPerSec: Math.round(bars / (timed.bestMs / 1000)), ms: round(timed.bestMs), bytes: name === 'csv' ? bytes : parquetBytes };
    }

    // 2c. The same strategy through sink.portfolio (one market), and through a feedback loop: a
    // risk.limits node reading the portfolio's equity@prev with a rule that never fires (drawdown
    // 100 %), so the loop steps event by event while the trades stay the hand loop's.
    const variants: Record<string, { barsPerSec: number; ratio: number; vsBroker: number; stepMs: number; sameTrades: boolean }> = {};
    for (const [name, mutate] of VARIANTS) {
      const doc = parse(readFileSync(join(projectRoot, GRAPH), 'utf8'));
      mutate(doc);
      const compiled = compileGraph(stringify(doc), join(projectRoot, GRAPH), defaultRegistry, { mode: 'backtest', bind: { bars: { file: csv } }, requireBindings: true });
      if (!compiled.graph) throw new Error(`${name}: ${compiled.diagnostics.map((d) => d.message).join('; ')}`);
      const variant = compiled.graph;
      ctx.progress(`${name}, chunk ${MAIN_CHUNK}: 1 warm-up + ${GRAPH_RUNS} timed runs`);
      let same = false;
      let checked = false;
      const timed = await bestOf(GRAPH_RUNS, 1, async () => {
        const result = await runGraph(variant, { chunkSize: MAIN_CHUNK, env: parseEnv });
        if (!checked) {
          checked = true;
          const trades = brokerOf(result).trades.map(({ instrument: _i, exitReason: _r, ...t }) => t);
          same = isDeepStrictEqual(trades, handResult.trades);
          if (!same) failures.push(`${name}: different trades from the hand loop`);
        }
        return result.timings.stepMs;
      }, (stepMs) => stepMs);
      const rate = bars / (timed.bestMs / 1000);
      variants[name] = { barsPerSec: Math.round(rate), ratio: round(rate / handRate), vsBroker: round(rate / graphFigures[MAIN_CHUNK].barsPerSec), stepMs: round(timed.bestMs), sameTrades: same };
    }

    // 2d. Loading through the column cache (columnCache.ts), in a cache directory inside the temp dir:
    // the first run parses and stores, the later ones map the stored columns in.
    const cacheEnv = { ...process.env, HEAN_CACHE_DIR: join(dir, 'cache') };
    ctx.progress(`column cache: 1 storing + ${GRAPH_RUNS} cached runs`);
    const storeMs = (await runGraph(graph, { chunkSize: MAIN_CHUNK, env: cacheEnv })).timings.loadMs;
    let cachedLoadMs = Infinity;
    for (let i = 0; i < GRAPH_RUNS; i++) {
      const result = await runGraph(graph, { chunkSize: MAIN_CHUNK, env: cacheEnv });
      cachedLoadMs = Math.min(cachedLoadMs, result.timings.loadMs);
      if (i === 0 && !isDeepStrictEqual(brokerOf(result).trades, handResult.trades)) failures.push('column cache: a run on the cached columns made different trades from the hand loop');
    }
    const cachedLoadRate = bars / (cachedLoadMs / 1000);

    // 3. End to end: the whole command, parsing and startup included.
    const args = ['bin/hean.js', 'run', GRAPH, '--data', csv, '--json'];
    ctx.progress(`end to end: ${CLI_RUNS} runs of node ${args.join(' ')}`);
    let e2eSummary: Record<string, unknown> | undefined;
    const e2e = await bestOf(CLI_RUNS, 0, () => {
      const r = spawnSync(process.execPath, args, { cwd: projectRoot, env: parseEnv, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      if (r.status !== 0) throw new Error(`hean run exited with ${r.status}${r.signal ? ` (${r.signal})` : ''}:\n${r.stderr}`);
      e2eSummary = JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
      return r;
    });
    const e2eRate = bars / (e2e.bestMs / 1000);
    if (e2eSummary?.bars !== bars) failures.push(`hean run --json reports ${String(e2eSummary?.bars)} bars; the input has ${bars}`);
    if (e2eSummary?.trades !== handResult.trades.length || e2eSummary?.finalEquity !== handResult.finalEquity) {
      failures.push(`hean run --json reports ${String(e2eSummary?.trades)} trades, final equity ${String(e2eSummary?.finalEquity)}; the hand loop made ${handResult.trades.length}, ${handResult.finalEquity}`);
    }
    const e2eCached = await bestOf(CLI_RUNS, 0, () => {
      const r = spawnSync(process.execPath, args, { cwd: projectRoot, env: cacheEnv, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      if (r.status !== 0) throw new Error(`hean run (column cache) exited with ${r.status}${r.signal ? ` (${r.signal})` : ''}:\n${r.stderr}`);
      const summary = JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
      if (summary.finalEquity !== handResult.finalEquity) failures.push(`hean run on the cached columns reports final equity ${String(summary.finalEquity)}; the hand loop ${handResult.finalEquity}`);
      return r;
    });
    const e2eCachedRate = bars / (e2eCached.bestMs / 1000);
    // What the command costs before it reads any data (imports, schema compilation).
    const startup = await bestOf(CLI_RUNS, 0, () => spawnSync(process.execPath, ['bin/hean.js', '--version'], { cwd: projectRoot, encoding: 'utf8' }));

    const rss = peakRssMiB();
    const main = graphFigures[MAIN_CHUNK];

    // Report.
    ctx.print();
    ctx.print(`hand loop (fused, Float64Array):  ${mega(handRate)}bars/s  (${handTimed.bestMs.toFixed(1)} ms, best of ${HAND_RUNS})`);
    ctx.print(`graph stepping (timings.stepMs: every event through every node, per-bar equity kept; parsing and the final metrics excluded; best of ${GRAPH_RUNS}):`);
    for (const chunk of CHUNKS) {
      const g = graphFigures[chunk];
      const note = chunk === 1 ? '  (live mode: event by event)' : chunk === MAIN_CHUNK ? `  target >= ${TARGET_RATIO}x: ${met(g.ratio >= TARGET_RATIO)}` : '';
      ctx.print(`  chunk ${String(chunk).padStart(4)}:  ${mega(g.barsPerSec).padStart(8)}bars/s  (${g.stepMs.toFixed(1)} ms)  = ${ratioText(g.ratio)} the hand loop${note}`);
    }
    for (const [name, v] of Object.entries(variants)) {
      ctx.print(`  ${name}:  ${mega(v.barsPerSec).padStart(8)}bars/s  (${v.stepMs.toFixed(1)} ms)  = ${ratioText(v.ratio)} the hand loop, ${ratioText(v.vsBroker)} sink.broker at chunk ${MAIN_CHUNK}; same trades: ${v.sameTrades ? 'yes' : 'NO'}`);
    }
    ctx.print(`graph load (CSV parse into columns):  ${mega(loadRate)}bars/s  (${bestLoadMs.toFixed(1)} ms, best of ${GRAPH_RUNS * CHUNKS.length})`);
    ctx.print(`graph load from the column cache:  ${mega(cachedLoadRate)}bars/s  (${cachedLoadMs.toFixed(1)} ms, best of ${GRAPH_RUNS}; the storing run: ${storeMs.toFixed(1)} ms)`);
    ctx.print(
      `candle readers alone (best of ${GRAPH_RUNS}): CSV ${mega(readers.csv.barsPerSec)}bars/s (${readers.csv.ms.toFixed(1)} ms, ${(readers.csv.bytes / 1e6).toFixed(1)} MB), Parquet ${mega(readers.parquet.barsPerSec)}bars/s (${readers.parquet.ms.toFixed(1)} ms, ${(readers.parquet.bytes / 1e6).toFixed(1)} MB)`,
    );
    ctx.print(
      `same trades as the hand loop: ${Object.values(sameTrades).every(Boolean) ? 'yes' : 'NO'} (chunk ${CHUNKS.join(', ')}): ${int(handResult.trades.length)} trades, final equity ${handResult.finalEquity.toPrecision(6)} (from ${int(CASH)})`,
    );
    ctx.print(`end to end (node bin/hean.js run ${GRAPH} --data <csv> --json):  ${mega(e2eRate)}bars/s  (${e2e.bestMs.toFixed(0)} ms wall, best of ${CLI_RUNS})  target >= ${mega(TARGET_E2E)}bars/s: ${met(e2eRate >= TARGET_E2E)}`);
    ctx.print(`  of which CLI startup (bin/hean.js --version): ${startup.bestMs.toFixed(0)} ms`);
    ctx.print(`end to end, columns cached:  ${mega(e2eCachedRate)}bars/s  (${e2eCached.bestMs.toFixed(0)} ms wall, best of ${CLI_RUNS})`);
    ctx.print(`peak RSS (this process): ${rss.toFixed(0)} MiB`);

    return {
      bench: 'backtest',
      ok: failures.length === 0,
      failures,
      graph: GRAPH,
      input: {
        bars,
        files: k.files,
        segments: k.segments,
        fullCycles: k.fullCycles,
        extraFiles: k.extraFiles,
        prices: 'real; each segment scaled by one factor so its first open continues the previous last close, rounded to the cent',
        factorRange: [k.minFactor, k.maxFactor],
        times: 're-spaced at exactly 1h per bar',
        firstTime: k.firstTime,
        lastTime: k.lastTime,
        csvBytes: bytes,
        longPriceFields,
        priceFields,
      },
      handLoop: { barsPerSec: Math.round(handRate), ms: round(handTimed.bestMs), runs: HAND_RUNS, allMs: handTimed.allMs.map((x) => round(x)) },
      graphStep: graphFigures,
      variants,
      ratio: main.ratio,
      load: { barsPerSec: Math.round(loadRate), ms: round(bestLoadMs), cached: { barsPerSec: Math.round(cachedLoadRate), ms: round(cachedLoadMs), storeMs: round(storeMs) } },
      readers,
      sameTrades: { ...sameTrades, trades: handResult.trades.length, finalEquity: handResult.finalEquity },
      endToEnd: { barsPerSec: Math.round(e2eRate), ms: round(e2e.bestMs), runs: CLI_RUNS, allMs: e2e.allMs.map((x) => round(x)), startupMs: round(startup.bestMs), cached: { barsPerSec: Math.round(e2eCachedRate), ms: round(e2eCached.bestMs) } },
      targets: {
        ratio: { target: TARGET_RATIO, value: main.ratio, met: main.ratio >= TARGET_RATIO },
        endToEndBarsPerSec: { target: TARGET_E2E, value: Math.round(e2eRate), met: e2eRate >= TARGET_E2E },
      },
      peakRssMiB: round(rss, 1),
    };
  } finally {
    if (keep) ctx.progress(`kept ${csv}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

const backtest: Benchmark = {
  name: 'backtest',
  summary: `${GRAPH} on >= 1,000,000 real bars: graph vs. fused hand loop, and the whole hean run command`,
  run,
};
export default backtest;
