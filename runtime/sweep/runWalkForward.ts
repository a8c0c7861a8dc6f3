import { parse, stringify } from 'yaml';
import type { GridAxis, GridMetric, GridValue } from '../cli/grid.js';
import { OutputGuard } from '../adapters/outputGuard.js';
import { compileGraph } from '../graph/compileGraph.js';
import { defaultRegistry, loadGraph } from '../loadGraph.js';
import { runGraph, type SourceCache } from '../exec/runGraph.js';
import { computeMetrics, type Metrics, type Trade } from '../portfolio/metrics.js';
import type { BrokerReport } from '../portfolio/simulatedBroker.js';
import { formatDiagnostic, hasErrors, type Diagnostic } from '../diagnostics.js';
import { timeframeMs } from '../data/timeframe.js';
import { runSweep, type SweepCell, type SweepOptions } from './runSweep.js';
import { runTune, type TuneOptions } from './runTune.js';

/**
 * `hean walkforward`: optimise on each train window, trade the best params on the test window
 * after it, stitch the test windows' equity. The sources of the graph are cut to each window
 * (their `start`/`end` params); a test run starts `warmupBars` bars before its window so its
 * indicators are warm, and only the bars closing inside the window count. The stitched
 * out-of-sample equity, not the in-sample best, is what the summary headlines.
 */

/**
 * The search run on each train window (its file, constraint, metric, bindings), and the windows:
 * a sweep of `axes` on `workers` threads, or, with `tune`, that many trials of TPE (or random
 * search) over its space, with the same seed on every fold.
 */
export interface WalkForwardOptions extends Pick<SweepOptions, 'file' | 'axes' | 'where' | 'metric' | 'sets' | 'bind' | 'chunkSize' | 'workers'> {
  tune?: Pick<TuneOptions, 'space' | 'trials' | 'sampler' | 'seed'>;
  train: Duration;
  test: Duration;
  /** Train windows all start at the data's start (growing), instead of rolling. */
  anchored: boolean;
  /** A gap between each train window's end and its test window (no train bar is that close to the test). */
  purge?: Duration;
  onFold?: (done: number, total: number, fold: Fold) => void;
}

/** A calendar length: years, months, weeks, days or hours. */
export interface Duration {
  n: number;
  unit: 'y' | 'mo' | 'w' | 'd' | 'h';
  text: string;
}

export function parseDuration(text: string, flag: string): Duration {
  const m = /^([1-9][0-9]{0,4})(y|mo|w|d|h)$/.exec(text);
  if (!m) throw new RangeError(`${flag} ${text}: expected a length such as 2y, 6mo, 12w, 90d or 24h`);
  return { n: Number(m[1]), unit: m[2] as Duration['unit'], text };
}

/** t + k durations, on the UTC calendar (a month from Jan 31 is Mar 3 in a leap-less February, as Date.UTC counts). */
export function addDuration(t: number, d: Duration, k = 1): number {
  const date = new Date(t);
  const n = d.n * k;
  switch (d.unit) {
    case 'y':
      return Date.UTC(date.getUTCFullYear() + n, date.getUTCMonth(), date.getUTCDate(), date.getUTCHours(), date.getUTCMinutes());
    case 'mo':
      return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + n, date.getUTCDate(), date.getUTCHours(), date.getUTCMinutes());
    case 'w':
      return t + n * 7 * 86_400_000;
    case 'd':
      return t + n * 86_400_000;
    default:
      return t + n * 3_600_000;
  }
}

export interface Fold {
  index: number;
  trainFrom: number;
  trainTo: number;
  testFrom: number;
  testTo: number;
  /** The best combination on the train window (null: none had a value), and its metric there. */
  params: Record<string, GridValue> | null;
  inSample: number | null;
  combinations: number;
  /** The test window's metrics (bars closing inside it, trades entered inside it). */
  outOfSample: Metrics | null;
}

export interface WalkForwardResult {
  graphName: string;
  file: string;
  metric: GridMetric;
  axes: GridAxis[];
  where?: string;
  train: Duration;
  test: Duration;
  anchored: boolean;
  purge?: Duration;
  folds: Fold[];
  tune?: WalkForwardOptions['tune'];
  /** The test windows' equity chained: each window's returns, applied in turn from the initial cash. */
  stitched: { metrics: Metrics; eventTimes: Float64Array; equity: Float64Array } | null;
  /** The graph's own params (as given, --set included) traded over the same span, for comparison. */
  fixed: { params: Record<string, GridValue>; metrics: Metrics; eventTimes: Float64Array; equity: Float64Array } | null;
  elapsedMs: number;
  problems?: Diagnostic[];
}

export async function runWalkForward(options: WalkForwardOptions): Promise<WalkForwardResult> {
  const started = performance.now();
  const first = options.tune ? Object.fromEntries(Object.entries(options.tune.space).map(([n, p]) => [n, (p.type === 'categorical' ? p.choices[0] : p.low) as GridValue])) : Object.fromEntries(options.axes.map((a) => [a.name, a.values[0]]));
  const loaded = loadGraph(options.file, { set: { ...options.sets, ...first }, bind: options.bind, requireBindings: true });
  const base = { graphName: loaded.graph?.name ?? options.file, file: options.file, metric: options.metric, axes: options.axes, where: options.where, train: options.train, test: options.test, anchored: options.anchored, purge: options.purge, tune: options.tune, folds: [] as Fold[], stitched: null, fixed: null, elapsedMs: 0 };
  if (!loaded.graph || loaded.text === undefined || hasErrors(loaded.diagnostics)) return { ...base, problems: loaded.diagnostics.filter((d) => d.severity === 'error') };
  const graph = loaded.graph;
  const sources = graph.nodes.filter((n) => n.isSource && Object.hasOwn((n.def.params as { properties?: object }).properties ?? {}, 'start'));
  const candles = graph.nodes.find((n) => n.kind === 'source.candles');
  if (!candles) return { ...base, problems: [problem(options.file, 'a walk-forward cuts the data by time; this graph has no source.candles to measure its bars')] };
  const barMs = timeframeMs(String(candles.params.timeframe));
  const doc = parse(loaded.text);
  /** The graph with every source cut to [from, to). */
  const cut = (from: number, to: number) => {
    const copy = structuredClone(doc);
    for (const s of sources) copy.nodes[s.id].params = { ...(copy.nodes[s.id].params ?? {}), start: from, end: to };
    return stringify(copy);
  };
  const cache: SourceCache = new Map();
  // The data's span: a run of the whole graph (its first and last bar).
  const whole = await testRun(options, loaded.text, first, cache);
  const dataFrom = whole.metrics.startTime;
  const dataTo = whole.metrics.endTime;
  const purge = (t: number) => (options.purge ? addDuration(t, options.purge, -1) : t);

  const windows: { trainFrom: number; trainTo: number; testFrom: number; testTo: number }[] = [];
  for (let k = 1; ; k++) {
    const trainEnd = addDuration(dataFrom, options.train);
    const testFrom = addDuration(trainEnd, options.test, k - 1);
    if (testFrom >= dataTo) break;
    const testTo = Math.min(addDuration(testFrom, options.test), dataTo);
    const trainTo = purge(testFrom);
    const trainFrom = options.anchored ? dataFrom : addDuration(trainTo, options.train, -1);
    windows.push({ trainFrom, trainTo, testFrom, testTo });
  }
  if (!windows.length) return { ...base, problems: [problem(options.file, `the data (${iso(dataFrom)} .. ${iso(dataTo)}) is not longer than one train window (${options.train.text}): no test window is left`)] };

  const folds: Fold[] = [];
  const pieces: { eventTimes: Float64Array; equity: Float64Array; trades: Trade[]; inMarket: number }[] = [];
  for (const [index, w] of windows.entries()) {
    const { cells, best } = await search(options, cut(w.trainFrom, w.trainTo));
    let outOfSample: Metrics | null = null;
    if (best) {
      // The test run starts a warm-up before its window: its indicators have their values when the window opens.
      const report = await testRun(options, cut(w.testFrom - graph.warmupBars * barMs, w.testTo), best.params, cache);
      const piece = slice(report, w.testFrom);
      pieces.push(piece);
      outOfSample = computeMetrics({ initialCash: report.metrics.initialCash, equity: scaled(piece.equity, report.metrics.initialCash), eventTimes: piece.eventTimes, startTime: piece.eventTimes[0] - barMs, barsInMarket: piece.inMarket, trades: piece.trades });
    }
    const fold: Fold = { index, ...w, params: best?.params ?? null, inSample: best?.value ?? null, combinations: cells, outOfSample };
    folds.push(fold);
    options.onFold?.(index + 1, windows.length, fold);
  }
  const stitched = stitch(pieces, whole.metrics.initialCash, barMs);
  // The graph's own params over the stitched span (the same warm-up before it), traded without re-optimising.
  const asGiven = compileGraph(loaded.text, options.file, defaultRegistry, { set: options.sets, bind: options.bind, requireBindings: true }).graph?.params ?? {};
  const own = Object.fromEntries(Object.entries(asGiven).filter(([k]) => Object.hasOwn(first, k))) as Record<string, GridValue>;
  const span = windows[0].testFrom;
  const ownRun = slice(await testRun(options, cut(span - graph.warmupBars * barMs, windows[windows.length - 1].testTo), own, cache), span);
  const fixed = { params: own, ...stitch([ownRun], whole.metrics.initialCash, barMs)! };
  return { ...base, folds, stitched, fixed, elapsedMs: performance.now() - started };
}

/** The train window's search: the sweep or the tune; the number of runs and the best. */
async function search(options: WalkForwardOptions, text: string): Promise<{ cells: number; best: SweepCell | undefined }> {
  const shared = { file: options.file, text, where: options.where, metric: options.metric, sets: options.sets, bind: options.bind, chunkSize: options.chunkSize };
  if (options.tune) {
    const tune = await runTune({ ...shared, ...options.tune });
    return { cells: tune.trials.length, best: tune.best };
  }
  const sweep = await runSweep({ ...shared, axes: options.axes, workers: options.workers });
  const sign = options.metric.higherIsBetter ? 1 : -1;
  return { cells: sweep.cells.length, best: sweep.cells.reduce<SweepCell | undefined>((b, c) => (c.value !== null && (!b || sign * (c.value - b.value!) > 0) ? c : b), undefined) };
}

/** One backtest of the graph text with these params, its broker's full report. */
async function testRun(options: WalkForwardOptions, text: string, params: Record<string, GridValue>, cache: SourceCache): Promise<BrokerReport> {
  const { graph, diagnostics } = compileGraph(text, options.file, defaultRegistry, { set: { ...options.sets, ...params }, bind: options.bind, requireBindings: true });
  if (!graph) throw new Error(diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic).join('\n'));
  const result = await runGraph(graph, { chunkSize: options.chunkSize, outputs: new OutputGuard({}), sourceCache: cache });
  const broker = Object.values(result.reports).find((r) => (r as { kind?: string })?.kind === 'broker') as BrokerReport | undefined;
  if (!broker) throw new Error(`${options.file} has no broker (sink.broker or sink.portfolio): a walk-forward trades the best params`);
  return broker;
}

/** The bars of a test run that close inside its window, as equity relative to the bar before, and the trades entered in it. */
function slice(report: BrokerReport, from: number): { eventTimes: Float64Array; equity: Float64Array; trades: Trade[]; inMarket: number } {
  const { eventTimes, equity } = report;
  let i = 0;
  while (i < eventTimes.length && eventTimes[i] <= from) i++;
  const before = i > 0 ? equity[i - 1] : report.metrics.initialCash;
  const relative = Float64Array.from(equity.subarray(i), (e) => e / before);
  const trades = report.trades.filter((t) => t.entryTime >= from);
  // Bars in the market: each trade's bars inside the window (an open trade to the end).
  let inMarket = 0;
  const times = eventTimes.subarray(i);
  for (const t of trades) for (const time of times) if (time > t.entryTime && (t.exitTime === null || time <= t.exitTime)) inMarket++;
  return { eventTimes: times.slice(), equity: relative, trades, inMarket };
}

const scaled = (relative: Float64Array, cash: number) => Float64Array.from(relative, (r) => r * cash);

function stitch(pieces: { eventTimes: Float64Array; equity: Float64Array; trades: Trade[]; inMarket: number }[], cash: number, barMs: number): WalkForwardResult['stitched'] {
  if (!pieces.length) return null;
  const n = pieces.reduce((s, p) => s + p.equity.length, 0);
  const equity = new Float64Array(n);
  const eventTimes = new Float64Array(n);
  let level = cash;
  let at = 0;
  const trades: Trade[] = [];
  for (const p of pieces) {
    for (let i = 0; i < p.equity.length; i++, at++) {
      equity[at] = level * p.equity[i];
      eventTimes[at] = p.eventTimes[i];
    }
    if (p.equity.length) level *= p.equity[p.equity.length - 1];
    trades.push(...p.trades);
  }
  const metrics = computeMetrics({ initialCash: cash, equity, eventTimes, startTime: eventTimes[0] - barMs, barsInMarket: pieces.reduce((s, p) => s + p.inMarket, 0), trades });
  return { metrics, eventTimes, equity };
}

const iso = (t: number) => new Date(t).toISOString().slice(0, 16).replace('T', ' ');

function problem(file: string, message: string): Diagnostic {
  return { file, line: 1, col: 1, severity: 'error', code: 'walkforward/data', path: '', message };
}
