/**
 * sma-cross on >= 1,000,000 real bars: the graph runtime against the fused hand loop
 * (bench/smaCrossHandLoop.ts) measured in the same process, plus the whole `hean run` command.
 *
 * Input: the real BTCUSDT files chained end to end, repeated until there are enough bars; every
 * other cycle through the files plays them backwards (last file first, each last bar first, open
 * and close swapped), so the price level returns to where it started instead of compounding the
 * real data's rise cycle after cycle (forward only, 1 M bars reached 4.6e9 and 10 M bars 5.6e52,
 * prices no exchange quotes and whose digits a CSV reader parses on a slow path). Each segment's
 * prices are multiplied by one factor so its first open continues the previous segment's last
 * close (bar-to-bar returns are the real ones, or their reverse), and times are re-spaced at
 * exactly 1h per bar, so the result is a valid gap-free 1h series. It is written to a temp dir as
 * plain CSV twice (numbers via String(), the shortest text that round-trips; and with 8 decimals,
 * as exchange files write them) and as Parquet, and kept as Float64Arrays. A 10 M-bar input for
 * the peak RSS figures is built and written by a child process (bench/backtestInput.ts) so this
 * process never holds it.
 *
 * HEAN_BENCH_BARS overrides the 1,000,000-bar minimum (for quick runs while developing);
 * HEAN_BENCH_10M=0 skips the 10 M-bar peak RSS runs; HEAN_BENCH_KEEP=1 keeps the temp dir with
 * the input files (for profiling) and prints where it is.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import type { BrokerReport } from '../runtime/portfolio/simulatedBroker.js';
import { runGraph, type RunResult } from '../runtime/exec/runGraph.js';
import { defaultRegistry, loadGraph } from '../runtime/loadGraph.js';
import { compileGraph } from '../runtime/graph/compileGraph.js';
import { parse, stringify } from 'yaml';
import { dataDir, projectRoot } from '../runtime/testing/dataFile.js';
import { realCandles } from '../runtime/testing/realCandles.js';
import { bestOf, int, mega, PEAK_RSS_LINE, peakRssMiB, round, type BenchContext, type BenchOutcome, type Benchmark } from './harness.js';
import type { WrittenInput } from './backtestInput.js';
import { smaCrossHandLoop, type HandLoopResult } from './smaCrossHandLoop.js';
import { trendConfirmHandLoop } from './trendConfirmHandLoop.js';
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
export const FAST = 10;
export const SLOW = 30;
export const CASH = 10_000;
export const FEE = 0.001;
const CHUNKS = [1, 1024, 4096];
const MAIN_CHUNK = 1024;
const HAND_RUNS = 5;
const GRAPH_RUNS = 3;
const CLI_RUNS = 3;
const BIG_BARS = 10_000_000;
// Issue 9's targets, printed with met / NOT met (never asserted).
const TARGET_RATIO = 0.6;
const TREND_GRAPH = 'graphs/trend-confirm.yaml';
const TARGET_TREND_RATIO = 0.5;
/** Rounds of the fusion A/B (the first one checks and warms up, the rest are timed). */
const FUSION_RUNS = 8;
const TARGET_CSV_LOAD = 4e6;
const TARGET_E2E_CSV = 1.5e6;
const TARGET_E2E_FAST = 5e6;
const TARGET_STARTUP_MS = 200;
const TARGET_PEAK_RSS_MIB = 1024;

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
  minPrice: number;
  maxPrice: number;
  firstTime: number;
  lastTime: number;
}

/** The chained input (see the file comment). */
export function buildInput(minBars: number): { columns: Columns; construction: Construction } {
  const sources = FILES.map((file) => ({ file, candles: realCandles(Infinity, file) }));
  // Whole files in order until there are enough bars; odd cycles take them in reverse order.
  const order: number[] = [];
  let bars = 0;
  while (bars < minBars) {
    const cycle = Math.floor(order.length / sources.length);
    const j = order.length % sources.length;
    const k = cycle % 2 === 0 ? j : sources.length - 1 - j;
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
  order.forEach((k, segment) => {
    const c = sources[k].candles;
    const n = c.close.length;
    // A backward segment plays the bars last to first, each bar swapped end for end (open <-> close).
    const backward = Math.floor(segment / sources.length) % 2 === 1;
    const first = backward ? c.close[n - 1] : c.open[0];
    const f = at === 0 ? 1 : prevClose / first;
    minFactor = Math.min(minFactor, f);
    maxFactor = Math.max(maxFactor, f);
    // Scaled prices are rounded to the cent, the exchange's tick, as real quotes are.
    const tick = (x: number) => Math.round(x * f * 100) / 100;
    for (let j = 0; j < n; j++, at++) {
      const i = backward ? n - 1 - j : j;
      columns.time[at] = t0 + at * HOUR;
      columns.open[at] = tick(backward ? c.close[i] : c.open[i]);
      columns.high[at] = tick(c.high[i]);
      columns.low[at] = tick(c.low[i]);
      columns.close[at] = tick(backward ? c.open[i] : c.close[i]);
      columns.volume[at] = c.volume[i];
    }
    prevClose = columns.close[at - 1];
  });
  let minPrice = Infinity;
  let maxPrice = -Infinity;
  for (let i = 0; i < bars; i++) {
    minPrice = Math.min(minPrice, columns.low[i]);
    maxPrice = Math.max(maxPrice, columns.high[i]);
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
      minPrice,
      maxPrice,
      firstTime: columns.time[0],
      lastTime: columns.time[bars - 1],
    },
  };
}

/** Significant digits of a decimal text, trailing zeros included (the candle reader's fast path takes up to 15). */
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

/** How a CSV writes its numbers: `shortest` as String() gives them, `fixed8` with 8 decimals as exchange files do (43251.12000000). */
export type CsvNumbers = 'shortest' | 'fixed8';

export interface CsvWritten {
  bytes: number;
  priceFields: number;
  /** Price fields with more than 15 significant digits (trailing zeros included). */
  longPriceFields: number;
  /** Price and volume fields whose text does not parse back to the column's double. */
  inexactFields: number;
}

/**
 * Plain CSV of the columns, times as integers, prices and volumes as `numbers` says. Checks that
 * every written number parses back to the same double (Number(), the correctly rounded parse).
 */
export function writeCsv(path: string, c: Columns, numbers: CsvNumbers = 'shortest'): CsvWritten {
  const text = numbers === 'shortest' ? String : (x: number) => x.toFixed(8);
  const fd = openSync(path, 'w');
  let longPriceFields = 0;
  let inexactFields = 0;
  try {
    writeSync(fd, 'time,open,high,low,close,volume\n');
    const block = 65_536;
    for (let from = 0; from < c.close.length; from += block) {
      const to = Math.min(c.close.length, from + block);
      let lines = '';
      for (let i = from; i < to; i++) {
        const fields = [c.open[i], c.high[i], c.low[i], c.close[i], c.volume[i]].map((x) => {
          const s = text(x);
          if (Number(s) !== x) inexactFields++;
          return s;
        });
        for (let f = 0; f < 4; f++) if (significantDigits(fields[f]) > 15) longPriceFields++;
        lines += `${String(c.time[i])},${fields.join(',')}\n`;
      }
      writeSync(fd, lines);
    }
  } finally {
    closeSync(fd);
  }
  return { bytes: statSync(path).size, priceFields: 4 * c.close.length, longPriceFields, inexactFields };
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

/** The three files of one input, by how the bench names them in its output and JSON. */
type InputFormat = 'csv' | 'csvFixed8' | 'parquet';
const FORMATS: [InputFormat, string][] = [
  ['csv', 'CSV, shortest numbers'],
  ['csvFixed8', 'CSV, 8 decimals'],
  ['parquet', 'Parquet'],
];
/** What a run on an input must report: the hand loop's. */
interface Expected {
  bars: number;
  trades: number;
  finalEquity: number;
}
const MiB = (kib: number) => kib / 1024;

async function run(ctx: BenchContext): Promise<BenchOutcome> {
  const failures: string[] = [];
  const minBars = process.env.HEAN_BENCH_BARS ? Number(process.env.HEAN_BENCH_BARS) : 1_000_000;
  if (!(Number.isInteger(minBars) && minBars > SLOW)) throw new Error(`HEAN_BENCH_BARS is "${process.env.HEAN_BENCH_BARS}"; expected a whole number of bars > ${SLOW}`);
  const big = process.env.HEAN_BENCH_10M !== '0';

  // 1. The input, as three files.
  ctx.progress(`building the input from ${dataDir()}`);
  const { columns, construction: k } = buildInput(minBars);
  const dir = mkdtempSync(join(tmpdir(), 'hean-bench-'));
  const files: Record<InputFormat, string> = { csv: join(dir, 'input.csv'), csvFixed8: join(dir, 'input-fixed8.csv'), parquet: join(dir, 'input.parquet') };
  const keep = process.env.HEAN_BENCH_KEEP === '1';
  try {
    ctx.progress(`writing ${files.csv}`);
    const written = { csv: writeCsv(files.csv, columns, 'shortest'), csvFixed8: writeCsv(files.csvFixed8, columns, 'fixed8') };
    writeFileSync(files.parquet, candleParquet(columns));
    const bytes: Record<InputFormat, number> = { csv: written.csv.bytes, csvFixed8: written.csvFixed8.bytes, parquet: statSync(files.parquet).size };
    for (const [format, w] of Object.entries(written)) {
      if (w.inexactFields) failures.push(`${format}: ${w.inexactFields} numbers of ${files[format as InputFormat]} do not parse back to the columns' doubles`);
    }
    const bars = k.bars;

    const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
    const cycles = [k.fullCycles ? plural(k.fullCycles, 'full cycle') : '', k.extraFiles ? `the first ${plural(k.extraFiles, 'file')}${k.fullCycles ? ` of cycle ${k.fullCycles + 1}` : ''}` : ''].filter(Boolean).join(' + ');
    ctx.print(`input: ${int(bars)} bars, the real files below chained end to end: ${cycles} (${plural(k.segments, 'segment')}), cycles 2, 4, ... backwards (last file first, last bar first):`);
    const width = Math.max(...k.files.map((f) => f.file.length));
    for (const f of k.files) ctx.print(`  ${f.file.padEnd(width)}  ${int(f.bars).padStart(9)} bars`);
    ctx.print(
      `  prices: real, each segment multiplied by one factor so its first open continues the previous segment's last close (returns preserved, reversed in the backward cycles; factors ${k.minFactor.toPrecision(4)} .. ${k.maxFactor.toPrecision(4)}; prices ${int(k.minPrice)} .. ${int(k.maxPrice)})`,
    );
    ctx.print(`  times: re-spaced at exactly 1h per bar, ${iso(k.firstTime)} .. ${iso(k.lastTime)} (a gap-free 1h series)`);
    ctx.print(`  written to ${dir} (${keep ? 'kept' : 'removed afterwards'}); every number of both CSVs parses back to the same double: ${written.csv.inexactFields + written.csvFixed8.inexactFields === 0 ? 'yes' : 'NO'}`);
    const long = (w: CsvWritten) => `${((100 * w.longPriceFields) / w.priceFields).toFixed(0)}% of the prices with more than 15 significant digits`;
    ctx.print(`    input.csv          ${(bytes.csv / 1e6).toFixed(1).padStart(6)} MB  CSV, numbers as String() gives them (43251.12); ${long(written.csv)}`);
    ctx.print(`    input-fixed8.csv   ${(bytes.csvFixed8 / 1e6).toFixed(1).padStart(6)} MB  CSV, prices and volumes with 8 decimals, as exchange files write them (43251.12000000); ${long(written.csvFixed8)}`);
    ctx.print(`    input.parquet      ${(bytes.parquet / 1e6).toFixed(1).padStart(6)} MB  Parquet as hean data download --format parquet writes it (Snappy)`);

    // 2a. The hand loop.
    const hand = (): HandLoopResult => smaCrossHandLoop(columns.time, columns.open, columns.close, FAST, SLOW, CASH, FEE);
    ctx.progress(`hand loop: 1 warm-up + ${HAND_RUNS} timed runs`);
    const handTimed = await bestOf(HAND_RUNS, 1, hand);
    const handResult = handTimed.best;
    const handRate = bars / (handTimed.bestMs / 1000);
    const expected: Expected = { bars, trades: handResult.trades.length, finalEquity: handResult.finalEquity };

    // 2b. The graph.
    const graphOn = (file: string) => {
      const { graph, diagnostics } = loadGraph(join(projectRoot, GRAPH), { bind: { bars: { file } }, requireBindings: true });
      if (!graph) throw new Error(`${GRAPH} does not compile:\n${diagnostics.map((d) => `${d.line}:${d.col} ${d.code} ${d.message}`).join('\n')}`);
      return graph;
    };
    const graph = graphOn(files.csv);
    const p = graph.params as Record<string, unknown>;
    if (p.fast !== FAST || p.slow !== SLOW) failures.push(`${GRAPH} has params fast ${String(p.fast)}, slow ${String(p.slow)}; this benchmark's hand loop uses ${FAST}/${SLOW}`);
    // The column cache off: these runs time parsing, and write nothing outside the temp dir.
    const parseEnv = { ...process.env, HEAN_CACHE_DIR: 'off' };
    /** Whether a run made the hand loop's trades (and bars, final equity), by chunk size or input; a failure if not. */
    const sameTrades: Record<string, boolean> = {};
    const checkTrades = (key: string, what: string, result: RunResult): void => {
      const broker = brokerOf(result);
      const same = broker.metrics.bars === bars && broker.trades.length === handResult.trades.length && broker.metrics.finalEquity === handResult.finalEquity && isDeepStrictEqual(broker.trades, handResult.trades);
      sameTrades[key] = same;
      if (!same) {
        failures.push(
          `${what}: the graph made different trades from the hand loop (graph: ${broker.metrics.bars} bars, ${broker.trades.length} trades, final equity ${broker.metrics.finalEquity}; hand loop: ${bars} bars, ${handResult.trades.length} trades, final equity ${handResult.finalEquity})`,
        );
      }
    };

    const graphFigures: Record<string, { stepMs: number; barsPerSec: number; ratio: number; loadMs: number; allStepMs: number[] }> = {};
    let bestLoadMs = Infinity;
    for (const chunk of CHUNKS) {
      ctx.progress(`graph, chunk ${chunk}: 1 warm-up + ${GRAPH_RUNS} timed runs`);
      let loadMs = Infinity;
      let checked = false;
      const timed = await bestOf(
        GRAPH_RUNS,
        1,
        async () => {
          const result = await runGraph(graph, { chunkSize: chunk, env: parseEnv });
          loadMs = Math.min(loadMs, result.timings.loadMs);
          // Check the first run's trades (timing does not depend on it; one check per chunk size).
          if (!checked) checkTrades(String(chunk), `chunk ${chunk}`, result);
          checked = true;
          return result.timings.stepMs;
        },
        (stepMs) => stepMs,
      );
      bestLoadMs = Math.min(bestLoadMs, loadMs);
      const rate = bars / (timed.bestMs / 1000);
      graphFigures[chunk] = { stepMs: round(timed.bestMs), barsPerSec: Math.round(rate), ratio: round(rate / handRate), loadMs: round(loadMs), allStepMs: timed.allMs.map((x) => round(x)) };
    }

    // 2b'. Graph load (timings.loadMs: the file read and checked into columns, the kernels created)
    // of the other two files, at chunk 1,024; the CSV's is the best of the runs above.
    const loads: Record<InputFormat, { barsPerSec: number; ms: number; runs: number }> = { csv: { barsPerSec: Math.round(bars / (bestLoadMs / 1000)), ms: round(bestLoadMs), runs: GRAPH_RUNS * CHUNKS.length }, csvFixed8: { barsPerSec: 0, ms: 0, runs: 0 }, parquet: { barsPerSec: 0, ms: 0, runs: 0 } };
    for (const format of ['csvFixed8', 'parquet'] as const) {
      const other = graphOn(files[format]);
      ctx.progress(`graph load of ${files[format]}: 1 warm-up + ${GRAPH_RUNS} timed runs`);
      let checked = false;
      const timed = await bestOf(
        GRAPH_RUNS,
        1,
        async () => {
          const result = await runGraph(other, { chunkSize: MAIN_CHUNK, env: parseEnv });
          if (!checked) checkTrades(format, files[format], result);
          checked = true;
          return result.timings.loadMs;
        },
        (loadMs) => loadMs,
      );
      loads[format] = { barsPerSec: Math.round(bars / (timed.bestMs / 1000)), ms: round(timed.bestMs), runs: GRAPH_RUNS };
    }

    // 2b''. The candle readers alone on the same files.
    const readers = {} as Record<InputFormat, { barsPerSec: number; ms: number; bytes: number }>;
    for (const [format] of FORMATS) {
      const read = format === 'parquet' ? readCandleParquet : readCandleCsv;
      ctx.progress(`${format} reader: 1 warm-up + ${GRAPH_RUNS} timed runs`);
      const timed = await bestOf(GRAPH_RUNS, 1, async (): Promise<CandleColumns> => {
        const data = await read(files[format], { timeframeMs: HOUR });
        if (data.rows !== bars) throw new Error(`${files[format]}: the ${format} reader read ${data.rows} rows; the input has ${bars}`);
        return data;
      });
      readers[format] = { barsPerSec: Math.round(bars / (timed.bestMs / 1000)), ms: round(timed.bestMs), bytes: bytes[format] };
    }

    // 2c. The same strategy through sink.portfolio (one market), and through a feedback loop: a
    // risk.limits node reading the portfolio's equity@prev with a rule that never fires (drawdown
    // 100 %), so the loop steps event by event while the trades stay the hand loop's.
    const variants: Record<string, { barsPerSec: number; ratio: number; vsBroker: number; stepMs: number; sameTrades: boolean }> = {};
    for (const [name, mutate] of VARIANTS) {
      const doc = parse(readFileSync(join(projectRoot, GRAPH), 'utf8'));
      mutate(doc);
      const compiled = compileGraph(stringify(doc), join(projectRoot, GRAPH), defaultRegistry, { mode: 'backtest', bind: { bars: { file: files.csv } }, requireBindings: true });
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

    // 2c'. graphs/trend-confirm.yaml (three indicator families voting) against its own fused hand
    // loop (bench/trendConfirmHandLoop.ts), interleaved run by run, the graph checked to make its trades.
    const trendGraph = loadGraph(join(projectRoot, TREND_GRAPH), { bind: { bars: { file: files.csv } }, requireBindings: true }).graph;
    if (!trendGraph) throw new Error(`${TREND_GRAPH} does not compile`);
    const trendHand = () => trendConfirmHandLoop(columns.time, columns.open, columns.close, 20, 50, CASH, FEE, 2);
    const trendResult = trendHand();
    ctx.progress(`${TREND_GRAPH}: hand loop and graph, ${GRAPH_RUNS + 2} interleaved runs`);
    let trendHandMs = Infinity;
    let trendGraphMs = Infinity;
    let trendSame = false;
    const trendSources = new Map();
    for (let run = 0; run < GRAPH_RUNS + 2; run++) {
      trendHandMs = Math.min(trendHandMs, (await bestOf(1, run === 0 ? 1 : 0, trendHand)).bestMs);
      const result = await runGraph(trendGraph, { chunkSize: MAIN_CHUNK, env: parseEnv, sourceCache: trendSources });
      if (run > 0) trendGraphMs = Math.min(trendGraphMs, result.timings.stepMs);
      else trendSame = isDeepStrictEqual(brokerOf(result).trades, trendResult.trades) && brokerOf(result).metrics.finalEquity === trendResult.finalEquity;
    }
    if (!trendSame) failures.push(`${TREND_GRAPH}: the graph made different trades from its hand loop`);
    const trend = { handBarsPerSec: Math.round(bars / (trendHandMs / 1000)), graphBarsPerSec: Math.round(bars / (trendGraphMs / 1000)), ratio: round(trendHandMs / trendGraphMs), trades: trendResult.trades.length, sameTrades: trendSame };

    // 2c''. Loop fusion (runtime/exec/fusion.ts) A/B: both graphs fused and unfused (RunOptions.fuse),
    // each against its hand loop, interleaved run by run in this process, sources loaded once; the
    // two variants checked to give the same report.
    ctx.progress(`fusion A/B: ${FUSION_RUNS} interleaved rounds of both hand loops and both graphs, fused and unfused`);
    const fusionBest: Record<string, number> = {};
    const fusionSame: Record<string, boolean> = {};
    const best = (key: string, ms: number) => (fusionBest[key] = Math.min(fusionBest[key] ?? Infinity, ms));
    const fusionSources = new Map();
    for (let round = 0; round < FUSION_RUNS; round++) {
      best('sma-cross hand', (await bestOf(1, 0, hand)).bestMs);
      best('trend-confirm hand', (await bestOf(1, 0, trendHand)).bestMs);
      const reports: Record<string, string> = {};
      for (const fuse of round % 2 === 0 ? [true, false] : [false, true]) {
        for (const [name, g] of [['sma-cross', graph], ['trend-confirm', trendGraph]] as const) {
          const result = await runGraph(g, { chunkSize: MAIN_CHUNK, env: parseEnv, sourceCache: fusionSources, fuse });
          if (round > 0) best(`${name} ${fuse ? 'fused' : 'unfused'}`, result.timings.stepMs);
          else {
            const b = brokerOf(result);
            const text = JSON.stringify(b.metrics) + JSON.stringify(b.trades) + Buffer.from(b.equity.buffer, b.equity.byteOffset, b.equity.byteLength).toString('base64');
            const other = reports[name];
            if (other === undefined) reports[name] = text;
            else fusionSame[name] = other === text;
          }
        }
      }
    }
    for (const [name, same] of Object.entries(fusionSame)) if (!same) failures.push(`${name}: fused and unfused runs gave different reports`);
    const fusion = Object.fromEntries(
      (['sma-cross', 'trend-confirm'] as const).map((name) => {
        const handMs = fusionBest[`${name} hand`];
        const fused = fusionBest[`${name} fused`];
        const unfused = fusionBest[`${name} unfused`];
        return [name, { handMs: round(handMs), fusedMs: round(fused), unfusedMs: round(unfused), fusedRatio: round(handMs / fused), unfusedRatio: round(handMs / unfused), sameReports: fusionSame[name] === true }];
      }),
    );

    // 2d. Loading through the column cache (columnCache.ts), in a cache directory inside the temp dir:
    // the first run parses input.csv and stores, the later ones map the stored columns in.
    const cacheEnv = { ...process.env, HEAN_CACHE_DIR: join(dir, 'cache') };
    ctx.progress(`column cache: 1 storing + ${GRAPH_RUNS} cached runs`);
    const storeMs = (await runGraph(graph, { chunkSize: MAIN_CHUNK, env: cacheEnv })).timings.loadMs;
    let cachedLoadMs = Infinity;
    for (let i = 0; i < GRAPH_RUNS; i++) {
      const result = await runGraph(graph, { chunkSize: MAIN_CHUNK, env: cacheEnv });
      cachedLoadMs = Math.min(cachedLoadMs, result.timings.loadMs);
      if (i === 0) checkTrades('cached', 'the column cache', result);
    }
    const cachedLoad = { barsPerSec: Math.round(bars / (cachedLoadMs / 1000)), ms: round(cachedLoadMs), storeMs: round(storeMs) };

    // 3. End to end: the whole command as a fresh process, start-up and loading included, with the
    // environment bin/hean.js's #! line gives it when it runs as a command (npx hean, node_modules/.bin/hean).
    const asCommand = (env: NodeJS.ProcessEnv): NodeJS.ProcessEnv => ({ ...env, GLIBC_TUNABLES: `${env.GLIBC_TUNABLES ?? ''}:glibc.malloc.hugetlb=1` });
    /** One `hean run --json` (nodeArgs before bin/hean.js); its summary (the last stdout line) checked against `want`, and its stderr. */
    const heanRun = (what: string, file: string, env: NodeJS.ProcessEnv, want: Expected, nodeArgs: string[] = []): { summary: Record<string, unknown>; stderr: string } => {
      const r = spawnSync(process.execPath, [...nodeArgs, 'bin/hean.js', 'run', GRAPH, '--data', file, '--json'], { cwd: projectRoot, env: asCommand(env), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      if (r.status !== 0) throw new Error(`hean run on ${file} exited with ${r.status}${r.signal ? ` (${r.signal})` : ''}:\n${r.stderr}`);
      const summary = JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
      if (summary.bars !== want.bars || summary.trades !== want.trades || summary.finalEquity !== want.finalEquity) {
        failures.push(`${what}: hean run --json reports ${String(summary.bars)} bars, ${String(summary.trades)} trades, final equity ${String(summary.finalEquity)}; the hand loop: ${want.bars}, ${want.trades}, ${want.finalEquity}`);
      }
      return { summary, stderr: r.stderr };
    };
    const e2eRuns: [string, string, NodeJS.ProcessEnv][] = [
      ['csv', files.csv, parseEnv],
      ['csvFixed8', files.csvFixed8, parseEnv],
      ['cached', files.csv, cacheEnv],
      ['parquet', files.parquet, parseEnv],
    ];
    const endToEnd: Record<string, { barsPerSec: number; ms: number; allMs: number[] }> = {};
    for (const [what, file, env] of e2eRuns) {
      ctx.progress(`end to end (${what}): ${CLI_RUNS} runs of node bin/hean.js run ${GRAPH} --data ${file} --json`);
      const timed = await bestOf(CLI_RUNS, 0, () => heanRun(`end to end (${what})`, file, env, expected));
      endToEnd[what] = { barsPerSec: Math.round(bars / (timed.bestMs / 1000)), ms: round(timed.bestMs), allMs: timed.allMs.map((x) => round(x)) };
    }
    // What the command costs before it reads any data (imports, schema compilation).
    // --version answers before the bundle loads; validate loads it and compiles a graph (a command's
    // start-up without data): the target is judged on validate.
    const startup = await bestOf(CLI_RUNS, 0, () => spawnSync(process.execPath, ['bin/hean.js', '--version'], { cwd: projectRoot, env: asCommand(process.env), encoding: 'utf8' }));
    const validate = await bestOf(CLI_RUNS, 0, () => {
      const r = spawnSync(process.execPath, ['bin/hean.js', 'validate', GRAPH], { cwd: projectRoot, env: asCommand(process.env), encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`hean validate ${GRAPH} exited with ${r.status}:\n${r.stderr}`);
      return r;
    });

    // 4. Peak RSS of `hean run` as a child process (bench/peakRss.ts preloaded reports it at exit),
    // on this input and on a 10 M-bar one written by a child process (bench/backtestInput.ts).
    const peakRssOf = (what: string, file: string, want: Expected): { mib: number; source: string } => {
      const { stderr } = heanRun(what, file, parseEnv, want, ['--import', new URL('./peakRss.js', import.meta.url).href]);
      const line = stderr.split('\n').find((l) => l.startsWith(`${PEAK_RSS_LINE} `));
      if (!line) throw new Error(`${what}: hean run printed no "${PEAK_RSS_LINE}" line on stderr (bench/peakRss.ts preloaded); stderr:\n${stderr}`);
      const [, kib, source] = line.split(' ');
      return { mib: round(MiB(Number(kib)), 1), source };
    };
    const peakRss: Record<string, { bars: number; inputBytes: Record<InputFormat, number>; mib: Record<InputFormat, number> }> = {};
    let rssSource = '';
    const measureRss = (key: string, n: number, paths: Record<InputFormat, string>, sizes: Record<InputFormat, number>, want: Expected) => {
      const mib = {} as Record<InputFormat, number>;
      for (const [format] of FORMATS) {
        ctx.progress(`peak RSS, ${int(n)} bars, ${format}: node --import ./dist/bench/peakRss.js bin/hean.js run ${GRAPH} --data ${paths[format]} --json`);
        const r = peakRssOf(`peak RSS (${key}, ${format})`, paths[format], want);
        mib[format] = r.mib;
        rssSource = r.source;
      }
      peakRss[key] = { bars: n, inputBytes: sizes, mib };
    };
    measureRss('input', bars, files, bytes, expected);
    if (big) {
      const bigDir = join(dir, '10m');
      mkdirSync(bigDir);
      ctx.progress(`10 M bars: building and writing ${bigDir} in a child process (about 2 minutes; HEAN_BENCH_10M=0 skips this)`);
      const child = spawnSync(process.execPath, [fileURLToPath(new URL('./backtestInput.js', import.meta.url)), String(BIG_BARS), bigDir], { cwd: projectRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
      if (child.status !== 0) throw new Error(`bench/backtestInput.js ${BIG_BARS} ${bigDir} exited with ${child.status}${child.signal ? ` (${child.signal})` : ''}`);
      const w = JSON.parse(child.stdout.trim()) as WrittenInput;
      if (w.csv.inexactFields + w.csvFixed8.inexactFields) failures.push(`10 M bars: ${w.csv.inexactFields + w.csvFixed8.inexactFields} numbers of the CSVs do not parse back to the columns' doubles`);
      measureRss('10M', w.bars, { csv: w.csv.path, csvFixed8: w.csvFixed8.path, parquet: w.parquet.path }, { csv: w.csv.bytes, csvFixed8: w.csvFixed8.bytes, parquet: w.parquet.bytes }, { bars: w.bars, trades: w.trades, finalEquity: w.finalEquity });
    }

    const rss = peakRssMiB();
    const main = graphFigures[MAIN_CHUNK];
    const startupMs = round(startup.bestMs);
    const validateMs = round(validate.bestMs);
    const targets = {
      // Judged on the lower of the two measurements: the hand loop timed apart from the graph has
      // read 2x slower early in this process (page faults on fresh memory), which flatters the ratio.
      ratio: { target: TARGET_RATIO, value: Math.min(main.ratio, fusion['sma-cross'].fusedRatio), met: Math.min(main.ratio, fusion['sma-cross'].fusedRatio) >= TARGET_RATIO },
      trendRatio: { target: TARGET_TREND_RATIO, value: Math.min(trend.ratio, fusion['trend-confirm'].fusedRatio), met: Math.min(trend.ratio, fusion['trend-confirm'].fusedRatio) >= TARGET_TREND_RATIO },
      csvLoadRowsPerSec: { target: TARGET_CSV_LOAD, input: 'csvFixed8', value: loads.csvFixed8.barsPerSec, met: loads.csvFixed8.barsPerSec >= TARGET_CSV_LOAD },
      endToEndCsvBarsPerSec: { target: TARGET_E2E_CSV, input: 'csvFixed8', value: endToEnd.csvFixed8.barsPerSec, met: endToEnd.csvFixed8.barsPerSec >= TARGET_E2E_CSV },
      endToEndCachedBarsPerSec: { target: TARGET_E2E_FAST, value: endToEnd.cached.barsPerSec, met: endToEnd.cached.barsPerSec >= TARGET_E2E_FAST },
      endToEndParquetBarsPerSec: { target: TARGET_E2E_FAST, value: endToEnd.parquet.barsPerSec, met: endToEnd.parquet.barsPerSec >= TARGET_E2E_FAST },
      startupMs: { target: TARGET_STARTUP_MS, command: `validate ${GRAPH}`, value: validateMs, met: validateMs <= TARGET_STARTUP_MS },
      peakRss10MMiB: peakRss['10M'] ? Object.fromEntries(FORMATS.map(([format]) => [format, { target: TARGET_PEAK_RSS_MIB, value: peakRss['10M'].mib[format], met: peakRss['10M'].mib[format] <= TARGET_PEAK_RSS_MIB }])) : null,
    };

    // Report.
    const rate = (perSecond: number) => `${mega(perSecond).padStart(8)}bars/s`;
    const label = (name: string) => `${name}:`.padEnd(24);
    const target = (text: string, ok: boolean) => `  target ${text}: ${met(ok)}`;
    ctx.print();
    ctx.print(`hand loop (fused, Float64Array):  ${mega(handRate)}bars/s  (${handTimed.bestMs.toFixed(1)} ms, best of ${HAND_RUNS})`);
    ctx.print(`graph stepping (timings.stepMs: every event through every node, per-bar equity kept; parsing and the final metrics excluded; best of ${GRAPH_RUNS}):`);
    for (const chunk of CHUNKS) {
      const g = graphFigures[chunk];
      const note = chunk === 1 ? '  (live mode: event by event)' : chunk === MAIN_CHUNK ? target(`>= ${TARGET_RATIO}x, judged on the lower of this and the interleaved A/B below (${ratioText(targets.ratio.value)})`, targets.ratio.met) : '';
      ctx.print(`  chunk ${String(chunk).padStart(4)}:  ${rate(g.barsPerSec)}  (${g.stepMs.toFixed(1)} ms)  = ${ratioText(g.ratio)} the hand loop${note}`);
    }
    for (const [name, v] of Object.entries(variants)) {
      ctx.print(`  ${name}:  ${rate(v.barsPerSec)}  (${v.stepMs.toFixed(1)} ms)  = ${ratioText(v.ratio)} the hand loop, ${ratioText(v.vsBroker)} sink.broker at chunk ${MAIN_CHUNK}; same trades: ${v.sameTrades ? 'yes' : 'NO'}`);
    }
    ctx.print(
      `${TREND_GRAPH} at chunk ${MAIN_CHUNK}:  ${rate(trend.graphBarsPerSec)}  = ${ratioText(trend.ratio)} its own hand loop (${mega(trend.handBarsPerSec)}bars/s, bench/trendConfirmHandLoop.ts); same trades: ${trend.sameTrades ? 'yes' : 'NO'} (${int(trend.trades)})${target(`>= ${TARGET_TREND_RATIO}x, judged on the lower of this and the A/B below (${ratioText(targets.trendRatio.value)})`, targets.trendRatio.met)}`,
    );
    ctx.print(`loop fusion A/B at chunk ${MAIN_CHUNK} (RunOptions.fuse; ${FUSION_RUNS - 1} timed interleaved rounds in this process, sources loaded once; best step vs best hand loop of the same rounds):`);
    for (const [name, f] of Object.entries(fusion)) {
      ctx.print(`  ${`${name}:`.padEnd(16)}fused ${f.fusedMs.toFixed(1)} ms = ${ratioText(f.fusedRatio)}, unfused ${f.unfusedMs.toFixed(1)} ms = ${ratioText(f.unfusedRatio)} its hand loop (${f.handMs.toFixed(1)} ms); same reports: ${f.sameReports ? 'yes' : 'NO'}`);
    }
    ctx.print(`graph load (timings.loadMs: the file read and checked into columns, kernels created; HEAN_CACHE_DIR=off but for the cache):`);
    ctx.print(`  ${label('CSV, shortest numbers')}${rate(loads.csv.barsPerSec)}  (${loads.csv.ms.toFixed(1)} ms, best of ${loads.csv.runs})`);
    ctx.print(`  ${label('CSV, 8 decimals')}${rate(loads.csvFixed8.barsPerSec)}  (${loads.csvFixed8.ms.toFixed(1)} ms, best of ${loads.csvFixed8.runs})${target(`>= ${mega(TARGET_CSV_LOAD)}rows/s`, targets.csvLoadRowsPerSec.met)}`);
    ctx.print(`  ${label('column cache')}${rate(cachedLoad.barsPerSec)}  (${cachedLoad.ms.toFixed(1)} ms, best of ${GRAPH_RUNS}; the run that parsed input.csv and stored it: ${cachedLoad.storeMs.toFixed(1)} ms)`);
    ctx.print(`  ${label('Parquet')}${rate(loads.parquet.barsPerSec)}  (${loads.parquet.ms.toFixed(1)} ms, best of ${loads.parquet.runs})`);
    ctx.print(`candle readers alone (best of ${GRAPH_RUNS}): ${FORMATS.map(([format, name]) => `${name} ${mega(readers[format].barsPerSec)}bars/s (${readers[format].ms.toFixed(1)} ms)`).join(', ')}`);
    ctx.print(
      `same trades as the hand loop: ${Object.values(sameTrades).every(Boolean) ? 'yes' : 'NO'} (the graph on input.csv at chunk ${CHUNKS.join(', ')}; on input-fixed8.csv, input.parquet and the column cache at chunk ${MAIN_CHUNK}; every hean run below: bars, trades, final equity): ${int(handResult.trades.length)} trades, final equity ${handResult.finalEquity.toPrecision(6)} (from ${int(CASH)})`,
    );
    ctx.print(`end to end (bin/hean.js run ${GRAPH} --data FILE --json, a fresh process with the environment of bin/hean.js's #! line; wall, best of ${CLI_RUNS}):`);
    ctx.print(`  ${label('CSV, shortest numbers')}${rate(endToEnd.csv.barsPerSec)}  (${endToEnd.csv.ms.toFixed(0)} ms)`);
    ctx.print(`  ${label('CSV, 8 decimals')}${rate(endToEnd.csvFixed8.barsPerSec)}  (${endToEnd.csvFixed8.ms.toFixed(0)} ms)${target(`>= ${mega(TARGET_E2E_CSV)}bars/s`, targets.endToEndCsvBarsPerSec.met)}`);
    ctx.print(`  ${label('column cache (warm)')}${rate(endToEnd.cached.barsPerSec)}  (${endToEnd.cached.ms.toFixed(0)} ms)${target(`>= ${mega(TARGET_E2E_FAST)}bars/s`, targets.endToEndCachedBarsPerSec.met)}`);
    ctx.print(`  ${label('Parquet')}${rate(endToEnd.parquet.barsPerSec)}  (${endToEnd.parquet.ms.toFixed(0)} ms)${target(`>= ${mega(TARGET_E2E_FAST)}bars/s`, targets.endToEndParquetBarsPerSec.met)}`);
    ctx.print(`  ${label('CLI start-up')}${`${validateMs.toFixed(0)} ms`.padStart(14)}  (bin/hean.js validate ${GRAPH}; --version: ${startupMs.toFixed(0)} ms)${target(`<= ${TARGET_STARTUP_MS} ms`, targets.startupMs.met)}`);
    ctx.print(`peak RSS of hean run on FILE (${rssSource} of the child process at exit, bench/peakRss.ts; one run each):`);
    for (const r of Object.values(peakRss)) {
      const each = FORMATS.map(([format, name]) => `${name} ${r.mib[format].toFixed(0)} MiB (${(r.inputBytes[format] / 1e6).toFixed(0)} MB file)`).join(', ');
      const tenM = r === peakRss['10M'] ? `  target <= ${TARGET_PEAK_RSS_MIB} MiB: ${FORMATS.map(([format, name]) => `${name} ${met(r.mib[format] <= TARGET_PEAK_RSS_MIB)}`).join(', ')}` : '';
      ctx.print(`  ${`${int(r.bars)} bars:`.padEnd(20)}${each}${tenM}`);
    }
    if (!big) ctx.print(`  10 M bars: skipped (HEAN_BENCH_10M=0)`);
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
        prices: 'real; each segment scaled by one factor so its first open continues the previous last close, rounded to the cent; cycles 2, 4, ... played backwards',
        factorRange: [k.minFactor, k.maxFactor],
        priceRange: [k.minPrice, k.maxPrice],
        times: 're-spaced at exactly 1h per bar',
        firstTime: k.firstTime,
        lastTime: k.lastTime,
        bytes,
        csvBytes: bytes.csv,
        longPriceFields: { csv: written.csv.longPriceFields, csvFixed8: written.csvFixed8.longPriceFields },
        priceFields: written.csv.priceFields,
        inexactFields: { csv: written.csv.inexactFields, csvFixed8: written.csvFixed8.inexactFields },
      },
      handLoop: { barsPerSec: Math.round(handRate), ms: round(handTimed.bestMs), runs: HAND_RUNS, allMs: handTimed.allMs.map((x) => round(x)) },
      graphStep: graphFigures,
      variants,
      trendConfirm: trend,
      fusion,
      ratio: main.ratio,
      load: { ...loads.csv, csvFixed8: loads.csvFixed8, parquet: loads.parquet, cached: cachedLoad },
      readers,
      sameTrades: { ...sameTrades, trades: handResult.trades.length, finalEquity: handResult.finalEquity },
      endToEnd: { ...endToEnd.csv, runs: CLI_RUNS, startupMs, validateMs, csvFixed8: endToEnd.csvFixed8, cached: endToEnd.cached, parquet: endToEnd.parquet },
      peakRss: { source: rssSource, ...peakRss },
      targets,
      peakRssMiB: round(rss, 1),
    };
  } finally {
    if (keep) ctx.progress(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

const backtest: Benchmark = {
  name: 'backtest',
  summary: `${GRAPH} on >= 1,000,000 real bars: graph vs. fused hand loop, and the whole hean run command`,
  run,
};
export default backtest;
