import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { BrokerReport } from '../portfolio/simulatedBroker.js';
import type { Metrics } from '../portfolio/metrics.js';
import { formatDiagnostic, hasErrors, sortDiagnostics, type Diagnostic } from '../diagnostics.js';
import { runGraph, type SourceCache } from '../exec/runGraph.js';
import { NodeOutputCache, nodeKeys, type NodeCacheStats } from '../exec/nodeOutputCache.js';
import type { Cache, KindStats } from '../cache/Cache.js';
import { OutputError, OutputGuard, type OutputRules } from '../adapters/outputGuard.js';
import { compileGraph } from '../graph/compileGraph.js';
import { defaultRegistry, loadGraph } from '../loadGraph.js';
import type { GridAxis, GridMetric, GridValue } from '../cli/grid.js';
import { parseWhere } from './where.js';
import { deflatedSharpe, probabilityOfOverfitting, sharpeRatio } from '../tune/overfitting.js';

/**
 * `hean sweep`: every combination of any number of graph params (row-major: the first param
 * outermost), less those a `--where` constraint excludes, each an independent backtest of the
 * graph compiled with those values (as `--set` gives them). Each process parses the graph once
 * and loads each data file once (RunOptions.sourceCache); combinations run on workers (default:
 * one per core; this thread is one of them, the others are threads), handed out in small batches
 * as workers free up. Every cell's result depends on its params alone, and cells are stored by
 * their index, so the table is the same whatever the number of workers and the order they finish in.
 */

export interface SweepCell {
  /** Position among the combinations that passed --where, in row-major order. */
  index: number;
  params: Record<string, GridValue>;
  /** pruned: a tune stopped the backtest at a checkpoint (its value and metrics are those so far). */
  status: 'ok' | 'invalid' | 'failed' | 'pruned';
  /** The ranking metric; null when undefined (no trades) or the cell did not run. */
  value: number | null;
  /** A tune's objectives (several with --objectives), null where undefined. */
  values?: (number | null)[];
  /** The metric at each checkpoint of a pruned tune ([checkpoint, value]; those without a value left out). */
  intermediate?: [number, number][];
  metrics?: Record<string, number | null>;
  message?: string;
  outputs?: Record<string, string>;
  /** Returns of each UTC day (equity at the day's last bar over the previous day's), for the selection statistics; not in the outputs. */
  daily?: number[];
}

/**
 * How much of the best result is selection luck (runtime/tune/overfitting.ts), from the cells'
 * daily returns: the deflated Sharpe ratio of the best cell against the expected maximum Sharpe of
 * this many trials, and the probability of backtest overfitting by combinatorially symmetric
 * cross-validation (16 partitions of the days).
 */
export interface SweepSelection {
  trials: number;
  days: number;
  /** The best cell's daily Sharpe, annualised (x sqrt(365.25)), and the expected best of `trials` worthless ones. */
  sharpe: number;
  expectedMaxSharpe: number;
  /** Probability that the best cell's true Sharpe is above that luck level (Bailey & López de Prado 2014). */
  deflatedSharpe: number;
  /** Share of the CSCV splits whose in-sample best ranks at or below the out-of-sample median (Bailey et al. 2017); null with too few days or cells. */
  pbo: number | null;
  splits: number;
}

export interface SweepOptions {
  file: string;
  /** The graph's text, instead of reading `file` (a walk-forward fold's graph, its sources cut to the fold). */
  text?: string;
  axes: GridAxis[];
  where?: string;
  metric: GridMetric;
  sets: Record<string, string>;
  bind: Record<string, Record<string, unknown>>;
  chunkSize: number;
  /** Worker threads; 1 runs every cell in this thread. */
  workers: number;
  /** Run the combinations on a BullMQ queue at this Redis URL instead (`hean worker` processes take them), named `queueName`. */
  queue?: { url: string; name: string };
  outputs?: Omit<OutputRules, 'variant'>;
  /** After each finished cell: how many are done, of how many, and the milliseconds since the cells started. */
  onProgress?: (done: number, total: number, elapsedMs: number) => void;
  /** Compute node outputs that several combinations share once per process (default true). */
  shareOutputs?: boolean;
  /** Before the first cell: the combinations to run and how many --where excluded. */
  onStart?: (total: number, excluded: number, workers: number) => void;
  /** `--cache`: each worker opens this cache; the cells' models and feature sets are loaded from and stored in it (cachedNodeOutputs.ts). Not with `queue`. */
  cache?: CellCache;
}

/** A value cache the cells use, as settings a worker thread can receive: the --cache spec, the key prefix and the code version. */
export interface CellCache {
  spec: string;
  prefix?: string;
  code: string;
}

export interface SweepResult {
  graphName: string;
  file: string;
  axes: GridAxis[];
  where?: string;
  metric: GridMetric;
  sets: Record<string, string>;
  /** Combinations of the axes, and how many --where excluded. */
  combinations: number;
  excluded: number;
  cells: SweepCell[];
  failures: string[];
  workers: number;
  /** The BullMQ queue the combinations ran on (--queue), instead of worker threads. */
  queue?: string;
  elapsedMs: number;
  /** A swept or --where param the graph does not have, or an unreadable graph: nothing was run. */
  unknownParams?: Diagnostic[];
  selection?: SweepSelection;
  /** Node outputs shared between combinations: computed (and recorded) once per process, replayed after. */
  sharing?: { shareable: number; recorded: number; replayed: number; peakMiB: number };
  /** With SweepOptions.cache: what it is, and its lookups by kind summed over the workers. */
  cache?: { describe: string; stats: Record<string, KindStats> };
}

/** Every combination of the axes (row-major), and those the constraint keeps. */
export function combinations(axes: readonly GridAxis[], where: string | undefined, fixed: Record<string, GridValue> = {}): { all: number; kept: Record<string, GridValue>[] } {
  const all = axes.reduce((n, a) => n * a.values.length, 1);
  const test = where ? parseWhere(where, [...axes.map((a) => a.name), ...Object.keys(fixed)]).test : () => true;
  const kept: Record<string, GridValue>[] = [];
  const walk = (k: number, combo: Record<string, GridValue>) => {
    if (k === axes.length) {
      if (test({ ...fixed, ...combo })) kept.push({ ...combo });
      return;
    }
    for (const v of axes[k].values) {
      combo[axes[k].name] = v;
      walk(k + 1, combo);
    }
  };
  walk(0, {});
  return { all, kept };
}

export interface CellSettings {
  file: string;
  text: string;
  sets: Record<string, string>;
  bind: Record<string, Record<string, unknown>>;
  chunkSize: number;
  metricKey: string;
  outputs?: Omit<OutputRules, 'variant'>;
  /** Node outputs that several combinations compute (key, index of the last combination using it): shared (nodeOutputCache.ts). */
  shared?: [string, number][];
  /** The value cache the cells use (each runner opens its own; close() closes it). */
  cache?: CellCache;
}

/** Runs cells in this thread: the graph text parsed once, each source loaded once, shared node outputs computed once. */
export class CellRunner {
  private readonly sources: SourceCache = new Map();
  nodeCache: NodeOutputCache | undefined;
  graphName = '';

  private cache: Promise<Cache | undefined> | undefined;

  constructor(private readonly s: CellSettings) {
    this.share(s.shared ?? []);
  }

  /** The runner's value cache (CellSettings.cache), opened at the first cell. */
  private openCache(): Promise<Cache | undefined> {
    const c = this.s.cache;
    if (!c) return Promise.resolve(undefined);
    return (this.cache ??= import('../cache/openCache.js').then(({ openCache }) =>
      openCache(c.spec, { prefix: c.prefix, warn: (code, message) => console.error(`warning cache: ${code}: ${message}`), log: (message) => console.error(`hean: ${message}`) }),
    ));
  }

  /** Closes the value cache, if one was opened; its lookups by kind. A runner with a cache must be closed, or its connection keeps the thread alive. */
  async close(): Promise<{ describe: string; stats: Record<string, KindStats> } | undefined> {
    const cache = await this.cache;
    this.cache = undefined;
    if (!cache) return undefined;
    const result = { describe: cache.describe(), stats: cache.stats() };
    await cache.close();
    return result;
  }

  /** The node outputs worth sharing (CellSettings.shared), when they are known after the runner is made. */
  share(shared: [string, number][]): void {
    this.nodeCache = shared.length ? new NodeOutputCache(new Map(shared)) : undefined;
  }

  /**
   * One backtest. With `watch`, the metric so far is handed to `onCheckpoint` at each of
   * `checkpoints` equal shares of the events but the last; when it answers true, the backtest
   * stops there and the cell is `pruned`.
   */
  async run(index: number, params: Record<string, GridValue>, watch?: { checkpoints: number; onCheckpoint: (step: number, value: number) => boolean }): Promise<SweepCell> {
    const s = this.s;
    const { graph, diagnostics } = compileGraph(s.text, s.file, defaultRegistry, { set: { ...s.sets, ...params }, bind: s.bind, requireBindings: true });
    if (!graph || hasErrors(diagnostics)) {
      const errors = sortDiagnostics(diagnostics.filter((d) => d.severity === 'error'));
      return { index, params, status: 'invalid', value: null, message: errors.map(formatDiagnostic).join('\n') };
    }
    this.graphName = graph.name;
    try {
      const variant = Object.entries(params).map(([k, v]) => `${k}=${String(v).replace(/[^\w.+-]/g, '_')}`).join(',');
      let snapshots: () => Record<string, unknown> = () => ({});
      const intermediate: [number, number][] = [];
      let step = 0;
      const onProgress = watch
        ? (done: number, total: number) => {
            for (; step < watch.checkpoints - 1 && done >= ((step + 1) * total) / watch.checkpoints; step++) {
              const metrics = brokerSnapshot(snapshots());
              const value = metrics?.[s.metricKey as keyof Metrics];
              if (typeof value !== 'number' || !Number.isFinite(value)) continue;
              intermediate.push([step, value]);
              if (watch.onCheckpoint(step, value)) throw new PrunedRun(metrics!, step);
            }
          }
        : undefined;
      let result;
      try {
        const cache = await this.openCache();
        result = await runGraph(graph, { chunkSize: s.chunkSize, outputs: new OutputGuard({ ...s.outputs, variant }), sourceCache: this.sources, nodeCache: this.nodeCache, cache, codeVersion: s.cache?.code, onSnapshots: (f) => (snapshots = f), onProgress, progressEvery: s.chunkSize });
      } catch (e) {
        const pruned = e instanceof PrunedRun ? e : e instanceof Error && e.cause instanceof PrunedRun ? e.cause : undefined;
        if (!pruned) throw e;
        const metrics = Object.fromEntries(Object.entries(pruned.metrics).map(([k, v]) => [k, Number.isFinite(v) ? v : null]));
        return { index, params, status: 'pruned', value: metrics[s.metricKey] ?? null, metrics, intermediate, message: `pruned at checkpoint ${pruned.step + 1} of ${watch!.checkpoints}` };
      }
      // Cells come in increasing index order: what no later one needs can go.
      this.nodeCache?.release(index);
      const broker = Object.values(result.reports).find((r) => (r as { kind?: string })?.kind === 'broker') as BrokerReport | undefined;
      if (!broker) throw new Error(`${s.file} has no broker (sink.broker or sink.portfolio): a sweep ranks runs by their broker's metrics`);
      const metrics = Object.fromEntries(Object.entries(broker.metrics).map(([k, v]) => [k, Number.isFinite(v) ? v : null]));
      return { index, params, status: 'ok', value: metrics[s.metricKey] ?? null, metrics, ...(watch ? { intermediate } : {}), ...(Object.keys(result.outputs).length ? { outputs: result.outputs } : {}), daily: dailyReturns(broker) };
    } catch (e) {
      if (e instanceof OutputError) throw e; // where to write is the command's problem, not one cell's
      return { index, params, status: 'failed', value: null, message: e instanceof Error ? e.message : String(e) };
    }
  }
}

/** Thrown from a run's progress callback to stop it at a checkpoint (CellRunner.run's watch). */
class PrunedRun extends Error {
  constructor(
    readonly metrics: Metrics,
    readonly step: number,
  ) {
    super(`pruned at checkpoint ${step + 1}`);
  }
}

/** The metrics so far of the run's broker, from its nodes' snapshots. */
function brokerSnapshot(snapshots: Record<string, unknown>): Metrics | undefined {
  for (const s of Object.values(snapshots)) {
    const metrics = (s as { metrics?: Metrics } | undefined)?.metrics;
    if (metrics) return metrics;
  }
  return undefined;
}

const BATCH = 4;
const DAY = 86_400_000;

/** Each UTC day's return: the equity at its last bar (a bar belongs to the day holding its close - 1 ms) over the day before's (the cash before the first). */
function dailyReturns(broker: BrokerReport): number[] {
  const out: number[] = [];
  let previous = broker.metrics.initialCash;
  const { equity, eventTimes } = broker;
  for (let i = 0; i < equity.length; i++) {
    const last = i === equity.length - 1 || Math.floor((eventTimes[i + 1] - 1) / DAY) !== Math.floor((eventTimes[i] - 1) / DAY);
    if (!last) continue;
    out.push(equity[i] / previous - 1);
    previous = equity[i];
  }
  return out;
}

const PARTITIONS = 16;

export function selection(cells: SweepCell[], best: SweepCell | undefined): SweepSelection | undefined {
  const ok = cells.filter((c) => c.daily && c.daily.length >= 3);
  if (!best?.daily || ok.length < 1) return undefined;
  const trialSharpes = ok.map((c) => sharpeRatio(c.daily!));
  const dsr = deflatedSharpe({ returns: best.daily, trialSharpes: trialSharpes.filter((x) => Number.isFinite(x)), periodsPerYear: 365.25 });
  const days = best.daily.length;
  const sameDays = ok.filter((c) => c.daily!.length === days);
  const pbo = sameDays.length >= 2 && days >= 2 * PARTITIONS ? probabilityOfOverfitting({ columns: sameDays.map((c) => Float64Array.from(c.daily!)), partitions: PARTITIONS }) : undefined;
  return {
    trials: ok.length,
    days,
    sharpe: dsr.annualisedSharpe!,
    expectedMaxSharpe: dsr.annualisedExpectedMaxSharpe!,
    deflatedSharpe: dsr.dsr,
    pbo: pbo ? pbo.pbo : null,
    splits: pbo ? pbo.splits : 0,
  };
}

export async function runSweep(options: SweepOptions): Promise<SweepResult> {
  const { axes, metric, sets } = options;
  const compileOptions = { set: { ...sets, ...Object.fromEntries(axes.map((a) => [a.name, a.values[0]])) }, bind: options.bind, requireBindings: true };
  const loaded = options.text === undefined ? loadGraph(options.file, compileOptions) : { ...compileGraph(options.text, options.file, defaultRegistry, compileOptions), text: options.text };
  const base = { graphName: options.file, file: options.file, axes, where: options.where, metric, sets, cells: [] as SweepCell[], failures: [] as string[], workers: 0, elapsedMs: 0 };
  const unknown = loaded.diagnostics.filter((d) => d.code === 'params/unknown-set' || d.code === 'graph/read');
  if (unknown.length || loaded.text === undefined) return { ...base, combinations: 0, excluded: 0, unknownParams: unknown };
  // --where may read the graph's fixed params too (their values as compiled, --set included).
  const fixed = Object.fromEntries(Object.entries(loaded.graph?.params ?? {}).filter(([k]) => !axes.some((a) => a.name === k))) as Record<string, GridValue>;
  const { all, kept } = combinations(axes, options.where, fixed);
  if (options.queue && options.cache) throw new Error('a sweep on a queue runs its cells in hean worker processes; --cache is not passed to them yet: drop --cache or --queue');
  const settings: CellSettings = { file: options.file, text: loaded.text, sets, bind: options.bind, chunkSize: options.chunkSize, metricKey: metric.key, outputs: options.outputs, cache: options.cache };
  const workers = options.queue ? 0 : Math.max(1, Math.min(options.workers, kept.length));
  options.onStart?.(kept.length, all - kept.length, workers);
  const started = performance.now();
  // The threads load their modules while this one works out what the combinations share.
  const threads = Array.from({ length: Math.max(0, workers - 1) }, () => new Worker(new URL(import.meta.url), { workerData: { heanSweepWorker: settings } }));
  const shared = options.queue || options.shareOutputs === false ? [] : sharedNodeOutputs(loaded.text, options.file, kept, sets, options.bind, options.chunkSize);
  settings.shared = shared;
  for (const thread of threads) thread.postMessage({ shared });
  const sharing: NodeCacheStats[] = [];
  const cacheUse: { describe: string; stats: Record<string, KindStats> }[] = [];
  const cells: SweepCell[] = new Array(kept.length);
  let done = 0;
  const finish = (cell: SweepCell) => {
    cells[cell.index] = cell;
    options.onProgress?.(++done, kept.length, performance.now() - started);
  };
  const graphName = loaded.graph?.name ?? options.file;
  if (options.queue) {
    const { runCellsOnQueue } = await import('./queue.js');
    await runCellsOnQueue(options.queue.url, options.queue.name, settings, kept, finish);
  } else if (workers === 1) {
    const runner = new CellRunner(settings);
    try {
      for (let i = 0; i < kept.length; i++) finish(await runner.run(i, kept[i]));
    } finally {
      const used = await runner.close();
      if (used) cacheUse.push(used);
    }
    if (runner.nodeCache) sharing.push(runner.nodeCache.stats());
  } else {
    // This thread is one of the workers (its modules are loaded and its data parsed already); the
    // others are threads, each kept two batches ahead so that it never waits for this one.
    let next = 0;
    const batch = () => {
      const cells = [];
      for (let b = 0; b < BATCH && next < kept.length; b++, next++) cells.push({ index: next, params: kept[next] });
      return cells;
    };
    const running = threads.map((worker) =>
      new Promise<void>((resolve, reject) => {
        let pending = 0;
        const send = () => {
          const cells = batch();
          if (cells.length) {
            pending++;
            worker.postMessage({ batch: cells });
          } else if (pending === 0) worker.postMessage({ stop: true });
        };
        worker.on('message', (m: { cells?: SweepCell[]; error?: string; output?: boolean; final?: boolean; sharing?: NodeCacheStats; cache?: { describe: string; stats: Record<string, KindStats> } }) => {
          if (m.final) {
            if (m.sharing) sharing.push(m.sharing);
            if (m.cache) cacheUse.push(m.cache);
            return;
          }
          if (m.error !== undefined) {
            worker.terminate();
            reject(m.output ? new OutputError(m.error) : new Error(m.error));
            return;
          }
          pending--;
          for (const cell of m.cells ?? []) finish(cell);
          send();
        });
        worker.on('error', reject);
        worker.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`a sweep worker stopped with exit code ${code}`))));
        send();
        send();
      }),
    );
    const here = async () => {
      const runner = new CellRunner(settings);
      try {
        while (next < kept.length) {
          const i = next++;
          finish(await runner.run(i, kept[i]));
          // Let the threads' results in and their next batches out.
          await new Promise((resolve) => setImmediate(resolve));
        }
      } finally {
        const used = await runner.close();
        if (used) cacheUse.push(used);
      }
      if (runner.nodeCache) sharing.push(runner.nodeCache.stats());
    };
    await Promise.all([...running, here()]);
  }
  const missing = kept.findIndex((_, i) => cells[i] === undefined);
  if (missing >= 0) throw new Error(`internal: the sweep ended without the result of combination ${missing} (${JSON.stringify(kept[missing])})`);
  const elapsedMs = performance.now() - started;
  const failures = [...new Set(cells.filter((c) => c.status === 'failed').map((c) => c.message!))];
  const sign = metric.higherIsBetter ? 1 : -1;
  const best = cells.reduce<SweepCell | undefined>((b, c) => (c.value !== null && (!b || sign * (c.value - b.value!) > 0) ? c : b), undefined);
  const chosen = selection(cells, best);
  for (const c of cells) delete c.daily;
  const sum = (f: (s: NodeCacheStats) => number) => sharing.reduce((total, s) => total + f(s), 0);
  const shares = shared.length ? { sharing: { shareable: shared.length, recorded: sum((s) => s.recorded), replayed: sum((s) => s.replayed), peakMiB: Math.round(sum((s) => s.peakBytes) / 2 ** 20) } } : {};
  const cacheStats = cacheUse.length ? { cache: { describe: cacheUse[0].describe, stats: sumStats(cacheUse.map((u) => u.stats)) } } : {};
  return { ...base, graphName, combinations: all, excluded: all - kept.length, cells, failures, workers, ...(options.queue ? { queue: options.queue.name } : {}), elapsedMs, ...(chosen ? { selection: chosen } : {}), ...shares, ...cacheStats };
}

/** Lookups by kind, summed over the workers' caches. */
function sumStats(all: Record<string, KindStats>[]): Record<string, KindStats> {
  const out: Record<string, KindStats> = {};
  for (const stats of all) {
    for (const [kind, s] of Object.entries(stats)) {
      const into = (out[kind] ??= { hits: 0, misses: 0, stale: 0, corrupt: 0, errors: 0, sets: 0, computed: 0, coalesced: 0 });
      for (const k of Object.keys(into) as (keyof KindStats)[]) into[k] += s[k];
    }
  }
  return out;
}

/**
 * The node outputs more than one combination computes, each with the index of the last
 * combination that needs it: compiling every combination (about 0.1 ms each) and keying its
 * nodes tells, before anything runs, what is worth keeping and for how long.
 */
function sharedNodeOutputs(text: string, file: string, kept: Record<string, GridValue>[], sets: Record<string, string>, bind: Record<string, Record<string, unknown>>, chunkSize: number): [string, number][] {
  const uses = new Map<string, { count: number; last: number }>();
  kept.forEach((params, index) => {
    const { graph, diagnostics } = compileGraph(text, file, defaultRegistry, { set: { ...sets, ...params }, bind, requireBindings: true });
    if (!graph || hasErrors(diagnostics)) return;
    for (const key of new Set(nodeKeys(graph, chunkSize, process.env).values())) {
      const use = uses.get(key);
      if (use) {
        use.count++;
        use.last = index;
      } else uses.set(key, { count: 1, last: index });
    }
  });
  return [...uses].filter(([, u]) => u.count > 1).map(([key, u]) => [key, u.last]);
}

// A sweep worker: runs the batches it is sent, in order, with one CellRunner (one parse of each file per worker).
if (!isMainThread && (workerData as { heanSweepWorker?: CellSettings } | null)?.heanSweepWorker) {
  const runner = new CellRunner((workerData as { heanSweepWorker: CellSettings }).heanSweepWorker);
  const queue: { batch?: { index: number; params: Record<string, GridValue> }[]; stop?: boolean; shared?: [string, number][] }[] = [];
  let busy = false;
  const drain = async () => {
    busy = true;
    for (let m = queue.shift(); m; m = queue.shift()) {
      if (m.shared) {
        runner.share(m.shared);
        continue;
      }
      if (m.stop) {
        const cache = await runner.close();
        parentPort!.postMessage({ final: true, ...(runner.nodeCache ? { sharing: runner.nodeCache.stats() } : {}), ...(cache ? { cache } : {}) });
        parentPort!.close();
        return;
      }
      try {
        const cells: SweepCell[] = [];
        for (const { index, params } of m.batch ?? []) cells.push(await runner.run(index, params));
        parentPort!.postMessage({ cells });
      } catch (e) {
        parentPort!.postMessage({ error: e instanceof Error ? e.message : String(e), output: e instanceof OutputError });
      }
    }
    busy = false;
  };
  parentPort!.on('message', (m: (typeof queue)[number]) => {
    queue.push(m);
    if (!busy) void drain();
  });
}
