import { createHash } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { GridMetric, GridValue } from '../cli/grid.js';
import { compileGraph } from '../graph/compileGraph.js';
import { defaultRegistry, loadGraph } from '../loadGraph.js';
import type { Diagnostic } from '../diagnostics.js';
import { TpeSampler } from '../tune/tpe.js';
import { RandomSampler } from '../tune/randomSampler.js';
import { MedianPruner } from '../tune/medianPruner.js';
import { parameterImportance, type ParamImportance } from '../tune/importance.js';
import { paretoFront } from '../tune/multiObjective.js';
import { validateSpace, type Params, type SearchSpace } from '../tune/space.js';
import type { Direction, Sampler } from '../tune/trialHistory.js';
import { openStudyStore, studyGraphHash, type StoredTrialRecord, type StudyStore } from '../tune/studyJournal.js';
import { CellRunner, selection, type CellCache, type SweepCell, type SweepSelection } from './runSweep.js';
import type { KindStats } from '../cache/Cache.js';
import { parseWhere } from './where.js';

/**
 * `hean tune`: Bayesian optimisation of graph params with the TPE sampler (runtime/tune/tpe.ts,
 * Optuna's algorithm): each trial is a backtest of the graph compiled with the sampled values (as
 * `--set` gives them), its objectives told back to the sampler. Trials run one after another: TPE
 * picks each from the ones before. A sample that --where rejects is told as failed (the sampler
 * learns nothing from it) and does not count against the budget; nor does a trial without a
 * value (no trades) count as a result, though it uses a trial.
 *
 * - Several objectives: MOTPE; the result is the Pareto front instead of one best.
 * - Pruning (one objective): each backtest reports its metric so far at `checkpoints` equal
 *   shares of the data; Optuna's median rule stops one that is worse than the median of the
 *   complete trials at the same checkpoint. A pruned trial is told to TPE as pruned.
 * - A study (`study`: a journal file or a Redis key) records every sample as it is decided. A run
 *   with the same options replays it (asking the sampler again, which checks each recorded
 *   sample and brings its generator to the same state) and goes on where it stopped, so a study
 *   run in pieces ends exactly as one run of the whole budget would.
 */

export interface TuneOptions {
  /** `--cache`: the trials' models and feature sets are loaded from and stored in it (a trial that changes no param of a model reuses its forecasts). */
  cache?: CellCache;
  file: string;
  /** The graph's text, instead of reading `file` (a walk-forward fold's graph, its sources cut to the fold). */
  text?: string;
  space: SearchSpace;
  trials: number;
  /** The objective, or the first of several. */
  metric: GridMetric;
  /** All objectives (default [metric]). */
  objectives?: GridMetric[];
  sampler: 'tpe' | 'random';
  seed: number;
  where?: string;
  sets: Record<string, string>;
  bind: Record<string, Record<string, unknown>>;
  chunkSize: number;
  /** Median pruning at this many checkpoints per backtest (one objective only). */
  prune?: { checkpoints: number };
  /** A study to record to and resume from: a file path or redis://HOST:PORT[/DB]/NAME. */
  study?: string;
  onWarning?: (message: string) => void;
  onTrial?: (done: number, total: number, elapsedMs: number, best: SweepCell | undefined) => void;
}

export interface TuneResult {
  /** With TuneOptions.cache: what it is, and its lookups by kind. */
  cache?: { describe: string; stats: Record<string, KindStats> };
  graphName: string;
  file: string;
  metric: GridMetric;
  objectives: GridMetric[];
  sampler: 'tpe' | 'random';
  seed: number;
  space: SearchSpace;
  where?: string;
  trials: SweepCell[];
  /** Samples --where rejected (not run, not counted). */
  rejected: number;
  /** Trials stopped at a checkpoint by the median rule. */
  pruned: number;
  /** Trials taken from the study instead of run. */
  resumed: number;
  study?: string;
  /** The best trial (one objective), or the best by the first objective among the front. */
  best?: SweepCell;
  /** Several objectives: the trials on the Pareto front, in trial order. */
  front?: SweepCell[];
  /** fANOVA importance of each param for the first objective (complete trials; at least two with a value). */
  importance?: ParamImportance[];
  selection?: SweepSelection;
  elapsedMs: number;
  unknownParams?: Diagnostic[];
}

export async function runTune(options: TuneOptions): Promise<TuneResult> {
  validateSpace(options.space);
  const objectives = options.objectives ?? [options.metric];
  if (options.prune && objectives.length > 1) throw new RangeError('pruning judges one objective; with several objectives there is no median to compare (Optuna refuses it too)');
  const names = Object.keys(options.space);
  const first = Object.fromEntries(names.map((n) => [n, sampleOf(options.space[n])]));
  const compileOptions = { set: { ...options.sets, ...first }, bind: options.bind, requireBindings: true };
  const loaded = options.text === undefined ? loadGraph(options.file, compileOptions) : { ...compileGraph(options.text, options.file, defaultRegistry, compileOptions), text: options.text };
  const base = { graphName: loaded.graph?.name ?? options.file, file: options.file, metric: options.metric, objectives, sampler: options.sampler, seed: options.seed, space: options.space, where: options.where, trials: [] as SweepCell[], rejected: 0, pruned: 0, resumed: 0, elapsedMs: 0 };
  const unknown = loaded.diagnostics.filter((d) => d.code === 'params/unknown-set' || d.code === 'graph/read');
  if (unknown.length || loaded.text === undefined) return { ...base, unknownParams: unknown };
  const fixed = Object.fromEntries(Object.entries(loaded.graph?.params ?? {}).filter(([k]) => !names.includes(k))) as Record<string, GridValue>;
  const where = options.where ? parseWhere(options.where, [...names, ...Object.keys(fixed)]) : undefined;
  const directions: Direction[] = objectives.map((m) => (m.higherIsBetter ? 'maximize' : 'minimize'));
  const samplerOptions = { seed: options.seed, ...(directions.length === 1 ? { direction: directions[0] } : { directions }) };
  const sampler: Sampler = options.sampler === 'tpe' ? new TpeSampler(options.space, samplerOptions) : new RandomSampler(options.space, samplerOptions);
  const pruner = options.prune ? new MedianPruner({ direction: directions[0] }) : undefined;
  const runner = new CellRunner({ file: options.file, text: loaded.text, sets: options.sets, bind: options.bind, chunkSize: options.chunkSize, metricKey: options.metric.key, cache: options.cache });
  let cacheUse: TuneResult['cache'];

  let store: StudyStore | undefined;
  let recorded: TuneRecord[] = [];
  if (options.study) {
    store = openStudyStore(options.study, { onWarning: options.onWarning });
    recorded = await store.open({
      kind: 'study',
      version: 1,
      graph: options.file,
      graphHash: studyGraphHash(loaded.text),
      space: options.space,
      directions,
      objectives: objectives.map((m) => m.key),
      sampler: options.sampler,
      seed: options.seed,
      sets: options.sets,
      ...(options.where === undefined ? {} : { where: options.where }),
      dataFingerprint: dataFingerprint(loaded.graph?.nodes.filter((n) => n.isSource).map((n) => [n.id, n.binding, n.params]) ?? [], options.chunkSize, options.prune?.checkpoints),
    });
  }

  const trials: SweepCell[] = [];
  const results = new Map<string, SweepCell>();
  let rejected = 0;
  let pruned = 0;
  let resumed = 0;
  let best: SweepCell | undefined;
  const sign = directions[0] === 'maximize' ? 1 : -1;
  const started = performance.now();
  try {
    for (let r = 0; trials.length < options.trials; r++) {
      const params = sampler.ask();
      const replay = recorded[r];
      if (replay && !isDeepStrictEqual(replay.params, params)) {
        throw new Error(`${store!.describe()}: its sample ${r + 1} is ${JSON.stringify(replay.params)}, but this sampler draws ${JSON.stringify(params)} there: the study was made by another version of hean's sampler. Start a new study (another --study) to tune with this one`);
      }
      if (where && !where.test({ ...fixed, ...(params as Record<string, GridValue>) })) {
        sampler.tell(params, NaN);
        if (!replay) await store?.append({ kind: 'trial', number: r, params, values: objectives.map(() => null), state: 'rejected' });
        if (++rejected > 100 * options.trials) throw new Error(`--where ${options.where} rejected ${rejected} samples in a row of trials: the constraint leaves (almost) nothing of the space`);
        continue;
      }
      const number = trials.length;
      const point = JSON.stringify(names.map((n) => params[n]));
      let cell: SweepCell;
      if (replay) {
        cell = fromRecord(replay, number, options.metric.key);
        resumed++;
      } else {
        // A point sampled again (TPE does, on integer grids) is the same backtest: its result is reused.
        const seen = results.get(point);
        const watch = pruner && { checkpoints: options.prune!.checkpoints, onCheckpoint: (step: number, value: number) => (pruner.report(number, step, value), pruner.shouldPrune(number)) };
        cell = seen ? { ...seen, index: number } : await runner.run(number, params as Record<string, GridValue>, watch);
        if (seen && pruner) for (const [step, value] of seen.intermediate ?? []) pruner.report(number, step, value);
        cell.values = objectives.map((m) => cell.metrics?.[m.key] ?? null);
        await store?.append(toRecord(cell, r));
      }
      results.set(point, cell);
      if (replay && pruner) for (const [step, value] of cell.intermediate ?? []) pruner.report(number, step, value);
      if (cell.status === 'pruned') {
        pruned++;
        sampler.tellPruned(params as Params, pruner?.prune(number) ?? lastOf(cell));
      } else {
        pruner?.complete(number);
        const values = cell.values!.map((v) => v ?? NaN);
        sampler.tell(params as Params, values.length === 1 ? values[0] : values);
      }
      trials.push(cell);
      if (cell.status === 'ok' && cell.value !== null && (!best || sign * (cell.value - best.value!) > 0)) best = cell;
      options.onTrial?.(trials.length, options.trials, performance.now() - started, best);
    }
  } finally {
    await store?.close();
    cacheUse = await runner.close();
  }
  const complete = trials.filter((t) => t.status === 'ok' && t.values!.every((v) => v !== null));
  const front = objectives.length > 1 ? paretoFront(complete.map((t) => t.values as number[]), directions).map((i) => complete[i]) : undefined;
  const withValue = complete.filter((t) => Number.isFinite(t.value));
  const importance = withValue.length >= 2 && new Set(withValue.map((t) => t.value)).size > 1 ? parameterImportance(options.space, withValue.map((t) => ({ params: t.params as Params, value: t.value! })), { seed: options.seed }) : undefined;
  const chosen = selection(trials.filter((t) => t.status === 'ok'), best);
  return {
    ...base,
    graphName: runner.graphName || base.graphName,
    // One key order whether a trial ran now or came from the study; daily returns stay internal.
    trials: trials.map(({ index, params, status, value, values, metrics, intermediate, message, outputs }) => ({ index, params, status, value, values, ...(metrics ? { metrics } : {}), ...(intermediate ? { intermediate } : {}), ...(message ? { message } : {}), ...(outputs ? { outputs } : {}) })),
    rejected,
    pruned,
    resumed,
    ...(options.study ? { study: store!.describe() } : {}),
    best,
    ...(front ? { front } : {}),
    ...(importance ? { importance } : {}),
    ...(chosen ? { selection: chosen } : {}),
    ...(cacheUse ? { cache: cacheUse } : {}),
    elapsedMs: performance.now() - started,
  };
}

/** A value inside the param's range, to check the names against the graph before any trial. */
function sampleOf(spec: SearchSpace[string]): GridValue {
  if (spec.type === 'categorical') return spec.choices[0] as GridValue;
  return spec.low;
}

function lastOf(cell: SweepCell): { step: number; value: number } | undefined {
  const last = cell.intermediate?.at(-1);
  return last && { step: last[0], value: last[1] };
}

/** What the trials ran on: each source's binding and params, the chunk size and the checkpoints (a study resumed on other data would mix results). */
function dataFingerprint(sources: unknown[], chunkSize: number, checkpoints: number | undefined): string {
  return createHash('sha256').update(JSON.stringify([sources, chunkSize, checkpoints ?? null, process.env.HEAN_DATA_DIR ?? ''])).digest('hex');
}

/** A journal's trial as a tune writes it: also why it failed, whether it was invalid, and its daily returns (for the selection statistics of a resumed study). */
interface TuneRecord extends StoredTrialRecord {
  message?: string;
  invalid?: boolean;
  daily?: number[];
}

function toRecord(cell: SweepCell, sample: number): TuneRecord {
  return {
    kind: 'trial',
    number: sample,
    params: cell.params as Params,
    values: cell.values!,
    state: cell.status === 'ok' ? 'complete' : cell.status === 'pruned' ? 'pruned' : 'fail',
    ...(cell.metrics ? { metrics: cell.metrics } : {}),
    ...(cell.intermediate ? { intermediate: cell.intermediate } : {}),
    ...(cell.message ? { message: cell.message } : {}),
    ...(cell.status === 'invalid' ? { invalid: true } : {}),
    ...(cell.daily ? { daily: cell.daily } : {}),
  };
}

function fromRecord(record: TuneRecord, index: number, metricKey: string): SweepCell {
  const status = record.state === 'complete' ? 'ok' : record.state === 'pruned' ? 'pruned' : record.invalid ? 'invalid' : 'failed';
  return {
    index,
    params: record.params as Record<string, GridValue>,
    status,
    value: record.metrics?.[metricKey] ?? null,
    values: record.values,
    ...(record.metrics ? { metrics: record.metrics } : {}),
    ...(record.intermediate ? { intermediate: record.intermediate } : {}),
    ...(record.message ? { message: record.message } : {}),
    ...(record.daily ? { daily: record.daily } : {}),
  };
}
