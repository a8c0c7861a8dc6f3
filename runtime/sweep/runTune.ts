import type { GridMetric, GridValue } from '../cli/grid.js';
import { compileGraph } from '../graph/compileGraph.js';
import { defaultRegistry, loadGraph } from '../loadGraph.js';
import type { Diagnostic } from '../diagnostics.js';
import { TpeSampler } from '../tune/tpe.js';
import { RandomSampler } from '../tune/randomSampler.js';
import { validateSpace, type Params, type SearchSpace } from '../tune/space.js';
import { CellRunner, selection, type SweepCell, type SweepSelection } from './runSweep.js';
import { parseWhere } from './where.js';

/**
 * `hean tune`: Bayesian optimisation of graph params with the TPE sampler (runtime/tune/tpe.ts,
 * Optuna's algorithm): each trial is a backtest of the graph compiled with the sampled values (as
 * `--set` gives them), its metric told back to the sampler. Trials run one after another: TPE
 * picks each from the ones before. A sample that --where rejects is told as failed (the sampler
 * learns nothing from it) and does not count against the budget; nor does a trial without a
 * value (no trades) count as a result, though it uses a trial.
 */

export interface TuneOptions {
  file: string;
  /** The graph's text, instead of reading `file` (a walk-forward fold's graph, its sources cut to the fold). */
  text?: string;
  space: SearchSpace;
  trials: number;
  metric: GridMetric;
  sampler: 'tpe' | 'random';
  seed: number;
  where?: string;
  sets: Record<string, string>;
  bind: Record<string, Record<string, unknown>>;
  chunkSize: number;
  onTrial?: (done: number, total: number, elapsedMs: number, best: SweepCell | undefined) => void;
}

export interface TuneResult {
  graphName: string;
  file: string;
  metric: GridMetric;
  sampler: 'tpe' | 'random';
  seed: number;
  space: SearchSpace;
  where?: string;
  trials: SweepCell[];
  /** Samples --where rejected (not run, not counted). */
  rejected: number;
  best?: SweepCell;
  selection?: SweepSelection;
  elapsedMs: number;
  unknownParams?: Diagnostic[];
}

export async function runTune(options: TuneOptions): Promise<TuneResult> {
  validateSpace(options.space);
  const names = Object.keys(options.space);
  const first = Object.fromEntries(names.map((n) => [n, sampleOf(options.space[n])]));
  const compileOptions = { set: { ...options.sets, ...first }, bind: options.bind, requireBindings: true };
  const loaded = options.text === undefined ? loadGraph(options.file, compileOptions) : { ...compileGraph(options.text, options.file, defaultRegistry, compileOptions), text: options.text };
  const base = { graphName: loaded.graph?.name ?? options.file, file: options.file, metric: options.metric, sampler: options.sampler, seed: options.seed, space: options.space, where: options.where, trials: [] as SweepCell[], rejected: 0, elapsedMs: 0 };
  const unknown = loaded.diagnostics.filter((d) => d.code === 'params/unknown-set' || d.code === 'graph/read');
  if (unknown.length || loaded.text === undefined) return { ...base, unknownParams: unknown };
  const fixed = Object.fromEntries(Object.entries(loaded.graph?.params ?? {}).filter(([k]) => !names.includes(k))) as Record<string, GridValue>;
  const where = options.where ? parseWhere(options.where, [...names, ...Object.keys(fixed)]) : undefined;
  const direction = options.metric.higherIsBetter ? 'maximize' : 'minimize';
  const sampler = options.sampler === 'tpe' ? new TpeSampler(options.space, { seed: options.seed, direction }) : new RandomSampler(options.space, { seed: options.seed, direction });
  const runner = new CellRunner({ file: options.file, text: loaded.text, sets: options.sets, bind: options.bind, chunkSize: options.chunkSize, metricKey: options.metric.key });
  const trials: SweepCell[] = [];
  const results = new Map<string, SweepCell>();
  let rejected = 0;
  let best: SweepCell | undefined;
  const better = (a: number, b: number) => (options.metric.higherIsBetter ? a > b : a < b);
  const started = performance.now();
  while (trials.length < options.trials) {
    const params = sampler.ask();
    if (where && !where.test({ ...fixed, ...(params as Record<string, GridValue>) })) {
      sampler.tell(params, NaN);
      if (++rejected > 100 * options.trials) throw new Error(`--where ${options.where} rejected ${rejected} samples in a row of trials: the constraint leaves (almost) nothing of the space`);
      continue;
    }
    // A point sampled again (TPE does, on integer grids) is the same backtest: its result is reused.
    const key = JSON.stringify(names.map((n) => params[n]));
    const seen = results.get(key);
    const cell = seen ? { ...seen, index: trials.length } : await runner.run(trials.length, params as Record<string, GridValue>);
    results.set(key, cell);
    sampler.tell(params as Params, cell.value ?? NaN);
    trials.push(cell);
    if (cell.value !== null && (!best || better(cell.value, best.value!))) best = cell;
    options.onTrial?.(trials.length, options.trials, performance.now() - started, best);
  }
  const chosen = selection(trials, best);
  for (const t of trials) delete t.daily;
  return { ...base, graphName: runner.graphName || base.graphName, trials, rejected, best, ...(chosen ? { selection: chosen } : {}), elapsedMs: performance.now() - started };
}

/** A value inside the param's range, to check the names against the graph before any trial. */
function sampleOf(spec: SearchSpace[string]): GridValue {
  if (spec.type === 'categorical') return spec.choices[0] as GridValue;
  return spec.low;
}
