import { Type, type Static } from '@sinclair/typebox';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { RunResult } from '../exec/runGraph.js';
import { OnnxSession } from '../onnx/onnxSession.js';
import type { BrokerReport } from '../portfolio/simulatedBroker.js';
import { argmaxRow, brierOf, logLossOf, macroAuc } from './evaluate.js';
import { directionOf } from '../data/labels.js';
import { GBDT_DEFAULTS, fitGbdt, type GbdtOptions } from './gradientBoosting.js';
import { exportLogistic, fitLogistic } from './logisticModel.js';
import { exportTreeEnsemble } from './treeEnsembleOnnx.js';

/**
 * Purged walk-forward retraining inside a running graph (López de Prado, Advances in Financial
 * Machine Learning, 2018, ch. 7: purging and embargo). Every `every` events the learner refits on
 * the rows whose labels were already known one event before the boundary, minus an embargo, and
 * swaps the model in from the boundary's event on (live: on a worker thread, the model taking over
 * at the first event after it is ready). Labels come from prices the graph has already seen, so
 * retraining is causal by construction; in a replay the fit happens at the same event whatever the
 * chunking, so results are deterministic. Each fold's predictions are scored once their labels
 * arrive: the folds' metrics are out of sample by construction.
 */

export const CLASSES = ['DOWN', 'NEUTRAL', 'UP'] as const;
const K = CLASSES.length;

export const labelParams = {
  horizon: Type.Integer({ minimum: 1, default: 24, description: 'Label: the forward return over this many events (as hean dataset --horizon).' }),
  band: Type.Number({ minimum: 0, default: 0, description: 'Label: UP above +band, DOWN below -band, else NEUTRAL (as hean dataset --band).' }),
};

export const scheduleParams = {
  every: Type.Integer({ minimum: 1, description: 'Refit every this many events (720 hourly bars: monthly).' }),
  window: Type.Integer({ minimum: 0, default: 0, description: 'Fit on at most this many of the latest labelled rows; 0: every labelled row so far (expanding).' }),
  embargo: Type.Integer({ minimum: 0, default: 0, description: 'Rows dropped before the boundary beyond the purge (rows whose labels reach past the boundary are always dropped).' }),
  minRows: Type.Integer({ minimum: 10, default: 500, description: 'No fit before this many complete labelled rows exist.' }),
};

export const retrainSchema = Type.Object(
  {
    trainer: Type.Union([Type.Literal('logistic'), Type.Literal('gbdt')], { description: 'The in-process trainer, as hean train logistic / hean train gbdt.' }),
    ...scheduleParams,
    ...labelParams,
    lambda: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'L2 penalty (logistic: default 0.001; gbdt: default 1).' })),
    rounds: Type.Integer({ minimum: 1, default: 50, description: 'gbdt: boosting rounds.' }),
    maxDepth: Type.Integer({ minimum: 1, default: 3, description: 'gbdt: depth of each tree.' }),
    eta: Type.Number({ exclusiveMinimum: 0, maximum: 1, default: 0.1, description: 'gbdt: shrinkage.' }),
    method: Type.Union([Type.Literal('hist'), Type.Literal('exact')], { default: 'hist', description: 'gbdt: split finding over 256 quantile bins per feature (hist, fast) or every distinct value (exact, XGBoost\'s exact greedy).' }),
  },
  { additionalProperties: false, description: 'Purged walk-forward retraining: refit on the rows before each boundary and swap the model in.' },
);
export type RetrainSpec = Static<typeof retrainSchema>;
export type Schedule = Pick<RetrainSpec, 'every' | 'window' | 'embargo' | 'minRows' | 'horizon' | 'band'>;

/** What one refit produced: an ONNX model over the learner's inputs and classes, and what to show of it. */
export interface Fitted {
  bytes: Uint8Array;
  /** Per class, per input: the model's weights (a logistic model), for the report. */
  weights?: number[][];
}

/** How to fit, as plain data (it crosses to the fitting thread in live runs). */
export type FitRecipe = { trainer: 'logistic'; lambda: number } | { trainer: 'gbdt'; options: GbdtOptions };

export function recipeOf(spec: RetrainSpec): FitRecipe {
  return spec.trainer === 'logistic' ? { trainer: 'logistic', lambda: spec.lambda ?? 1e-3 } : { trainer: 'gbdt', options: { ...GBDT_DEFAULTS, rounds: spec.rounds, maxDepth: spec.maxDepth, eta: spec.eta, lambda: spec.lambda ?? 1, method: spec.method } };
}

/** A fit by the trainer `hean train` uses, exported as ONNX with the names and classes in its metadata. */
export function fitWith(recipe: FitRecipe, names: readonly string[], rows: Float64Array[], labels: Int32Array): Fitted {
  if (recipe.trainer === 'logistic') {
    const m = fitLogistic(names, CLASSES, rows, labels, recipe.lambda);
    // Weights of the standardised inputs, per class: comparable across inputs.
    const weights = CLASSES.map((_, k) => names.map((_, f) => m.model.weights[f * K + k]));
    return { bytes: exportLogistic(m, { 'hean.training': JSON.stringify({ trainer: 'logistic', lambda: recipe.lambda, rows: rows.length }) }, 'walk-forward'), weights };
  }
  const m = fitGbdt(rows, labels, K, recipe.options);
  const training = JSON.stringify({ trainer: 'gbdt', ...recipe.options, rows: rows.length });
  return { bytes: exportTreeEnsemble({ trees: m.trees, treeInfo: m.treeInfo, baseScore: m.baseScore, objective: 'multi:softprob', numClass: K, features: [...names], classes: [...CLASSES], source: 'hean', metadata: { 'hean.training': training } }, 'walk-forward').bytes };
}

/** A fit sent to the fitting thread: rows row-major in x. */
interface FitJob {
  recipe: FitRecipe;
  names: readonly string[];
  x: Float64Array;
  labels: Int32Array;
}

// The fitting thread runs this module (or the bundle holding it) with workerData.heanFitWorker.
if (!isMainThread && (workerData as { heanFitWorker?: boolean } | null)?.heanFitWorker) {
  parentPort!.on('message', (job: FitJob) => {
    const F = job.names.length;
    const rows = Array.from({ length: job.labels.length }, (_, i) => job.x.subarray(i * F, i * F + F));
    try {
      const fitted = fitWith(job.recipe, job.names, rows, job.labels);
      parentPort!.postMessage({ bytes: fitted.bytes, weights: fitted.weights }, [fitted.bytes.buffer as ArrayBuffer]);
    } catch (e) {
      parentPort!.postMessage({ error: e instanceof Error ? e.message : String(e) });
    }
  });
}

/**
 * The events before the first fit: the first boundary with minRows labelled rows before it, when
 * the inputs are complete from event `upstream` on (their warm-up).
 */
export function firstFitEvent(s: Schedule, upstream = 0): number {
  let boundary = s.every;
  while (Math.min(boundary - s.horizon - s.embargo - upstream, s.window > 0 ? s.window : Infinity) < s.minRows) boundary += s.every;
  return boundary;
}

export interface FoldReport {
  /** The fold's first event (index from the node's first event) and its time. */
  fromEvent: number;
  /** The event whose predecessors the model was fitted on: fromEvent in replays; live, the fit ran on another thread meanwhile. */
  boundary: number;
  from: number;
  /** The fold's last event time (NaN until it has one). */
  to: number;
  events: number;
  /** Rows fitted on and the time span of their features. */
  trainRows: number;
  trainFrom: number;
  trainTo: number;
  /** Class frequencies of the training rows (DOWN, NEUTRAL, UP). */
  trainClasses: number[];
  /** Out-of-sample rows scored (both prediction and label known by the end of the run). */
  scored: number;
  accuracy: number;
  logLoss: number;
  /** The log-loss of always predicting the training rows' class frequencies: the bar to clear. */
  priorLogLoss: number;
  auc: number;
  brier: number;
  /** Share of scored rows predicted UP / DOWN. */
  predictedUp: number;
  predictedDown: number;
  weights?: number[][];
  /** The model the node was given (model:), before the first refit. */
  given: boolean;
}

export interface WalkForwardReport {
  kind: 'walkForward';
  trainer: string;
  inputs: readonly string[];
  classes: readonly string[];
  schedule: Schedule;
  folds: FoldReport[];
  /** Pooled over every fold. */
  total: { scored: number; accuracy: number; logLoss: number; priorLogLoss: number; auc: number };
  /** Live runs: boundaries passed while the previous fit was still running. */
  skippedRefits: number;
}

/** What a refit was fitted on, until its model takes over. */
interface FoldFit {
  boundary: number;
  trainRows: number;
  trainFrom: number;
  trainTo: number;
  trainClasses: number[];
}

interface OpenFold {
  report: FoldReport;
  prior: number[];
  probabilities: number[];
  labels: number[];
}

/** Growable row-major storage of the rows still needed: features, price and time per row. */
class History {
  first = 0;
  rows = 0;
  x: Float64Array;
  price = new Float64Array(1024);
  time = new Float64Array(1024);
  constructor(readonly F: number) {
    this.x = new Float64Array(1024 * F);
  }
  /** Global row index -> storage index. */
  at(g: number): number {
    return g - this.first;
  }
  push(values: (f: number) => number, price: number, time: number): void {
    if (this.rows === this.price.length) {
      const grow = (a: Float64Array, size: number) => {
        const b = new Float64Array(size);
        b.set(a);
        return b;
      };
      this.x = grow(this.x, this.x.length * 2);
      this.price = grow(this.price, this.price.length * 2);
      this.time = grow(this.time, this.time.length * 2);
    }
    const r = this.rows++;
    for (let f = 0; f < this.F; f++) this.x[r * this.F + f] = values(f);
    this.price[r] = price;
    this.time[r] = time;
  }
  /** Forgets the rows before global index g. */
  dropBefore(g: number): void {
    const drop = g - this.first;
    if (drop <= 0 || drop < this.rows / 2) return;
    this.x.copyWithin(0, drop * this.F, this.rows * this.F);
    this.price.copyWithin(0, drop, this.rows);
    this.time.copyWithin(0, drop, this.rows);
    this.rows -= drop;
    this.first = g;
  }
}

/** The class index of a forward return's direction (labels.ts, as hean dataset labels it); -1 for none. */
function classOf(forwardReturn: number, band: number): number {
  const direction = directionOf(forwardReturn, band);
  return direction === undefined ? -1 : CLASSES.indexOf(direction);
}

export class WalkForward {
  private readonly history: History;
  private seen = 0;
  private nextBoundary: number;
  private session?: OnnxSession;
  private readonly folds: OpenFold[] = [];
  /** Predicted rows waiting for their label: global index, fold, probabilities. */
  private pending: { g: number; fold: number; p: Float64Array }[] = [];
  private pendingHead = 0;
  private batch = new Float32Array(0);
  private batchRows = new Int32Array(0);

  constructor(
    private readonly name: string,
    readonly inputs: readonly string[],
    private readonly schedule: Schedule,
    private readonly recipe: FitRecipe,
    private readonly trainer: string,
    starting?: OnnxSession,
    /** Live runs: fit on another thread and swap the model in at the first event after it is ready, so no event waits for a fit. */
    private readonly background = false,
  ) {
    this.history = new History(inputs.length);
    this.nextBoundary = schedule.every;
    if (starting) {
      // A given model predicts until the first refit: fold 0, trained before the run.
      this.session = starting;
      this.openFold(0, NaN, NaN, NaN, [NaN, NaN, NaN], undefined, true);
    }
  }

  /**
   * Steps n events: column f of `x` is input f, `price` the price labels come from. Writes the
   * K class probabilities into out[0..K) (NaN before the first fit or for incomplete rows).
   */
  step(n: number, t: Float64Array, x: readonly Float64Array[], price: Float64Array, out: readonly Float64Array[]): void {
    this.swapInReady();
    let i0 = 0;
    while (i0 < n) {
      const i1 = Math.min(n, i0 + (this.nextBoundary - this.seen));
      this.predict(i0, i1, t, x, out);
      for (let i = i0; i < i1; i++) {
        this.history.push((f) => x[f][i], price[i], t[i]);
        this.seen++;
        this.labelArrived();
      }
      if (this.seen === this.nextBoundary) {
        this.refit();
        this.nextBoundary += this.schedule.every;
      }
      i0 = i1;
    }
  }

  private predict(i0: number, i1: number, t: Float64Array, x: readonly Float64Array[], out: readonly Float64Array[]): void {
    for (const column of out) column.fill(NaN, i0, i1);
    const fold = this.folds.length - 1;
    if (fold >= 0) {
      const report = this.folds[fold].report;
      if (report.events === 0) report.from = t[i0];
      report.events += i1 - i0;
      report.to = t[i1 - 1];
    }
    if (!this.session) return;
    const F = this.inputs.length;
    if (this.batch.length < (i1 - i0) * F) {
      this.batch = new Float32Array((i1 - i0) * F);
      this.batchRows = new Int32Array(i1 - i0);
    }
    let m = 0;
    for (let i = i0; i < i1; i++) {
      let ok = true;
      for (let f = 0; f < F && ok; f++) {
        const v = x[f][i];
        ok = v === v;
        this.batch[m * F + f] = v;
      }
      if (ok) this.batchRows[m++] = i;
    }
    if (!m) return;
    const result = this.session.run({ features: { type: 'float32', data: this.batch.subarray(0, m * F), dims: [m, F] } }, ['probabilities']);
    const p = result.probabilities.data as Float32Array;
    for (let r = 0; r < m; r++) {
      const i = this.batchRows[r];
      for (let k = 0; k < K; k++) out[k][i] = p[r * K + k];
      this.pending.push({ g: this.seen + (i - i0), fold, p: Float64Array.from(p.subarray(r * K, r * K + K)) });
    }
  }

  /** Scores the predictions whose label the newest row completes. */
  private labelArrived(): void {
    const h = this.schedule.horizon;
    const newest = this.seen - 1;
    while (this.pendingHead < this.pending.length && this.pending[this.pendingHead].g + h <= newest) {
      const { g, fold, p } = this.pending[this.pendingHead++];
      const label = this.labelOf(g);
      if (label < 0) continue;
      const open = this.folds[fold];
      open.labels.push(label);
      for (let k = 0; k < K; k++) open.probabilities.push(p[k]);
    }
    if (this.pendingHead > 4096 && this.pendingHead > this.pending.length / 2) {
      this.pending = this.pending.slice(this.pendingHead);
      this.pendingHead = 0;
    }
  }

  private labelOf(g: number): number {
    const { history } = this;
    return classOf(history.price[history.at(g + this.schedule.horizon)] / history.price[history.at(g)] - 1, this.schedule.band);
  }

  /** Refits on rows whose labels were known before the boundary, minus the embargo. */
  private refit(): void {
    const { horizon, embargo, window, minRows } = this.schedule;
    const { history } = this;
    const boundary = this.seen;
    const last = boundary - 1 - horizon - embargo;
    const first = Math.max(history.first, window > 0 ? last - window + 1 : 0);
    const rows: Float64Array[] = [];
    const labels: number[] = [];
    const F = this.inputs.length;
    let trainFrom = NaN;
    let trainTo = NaN;
    for (let g = first; g <= last; g++) {
      const at = history.at(g);
      const row = history.x.subarray(at * F, at * F + F);
      const label = this.labelOf(g);
      if (label < 0 || !row.every((v) => v === v)) continue;
      rows.push(Float64Array.from(row));
      labels.push(label);
      if (trainFrom !== trainFrom) trainFrom = history.time[at];
      trainTo = history.time[at];
    }
    // Keep what the next fit and the pending labels still need.
    const keep = window > 0 ? boundary + this.schedule.every - 1 - horizon - embargo - window + 1 : 0;
    const pendingFrom = this.pendingHead < this.pending.length ? this.pending[this.pendingHead].g : boundary;
    history.dropBefore(Math.max(0, Math.min(keep, pendingFrom, boundary - horizon)));
    if (rows.length < minRows) return;
    const fold = { boundary, trainRows: rows.length, trainFrom, trainTo, trainClasses: CLASSES.map((_, k) => labels.filter((l) => l === k).length) };
    if (!this.background) return this.swapIn(fold, fitWith(this.recipe, this.inputs, rows, Int32Array.from(labels)));
    if (this.inFlight) {
      this.skippedRefits++;
      return;
    }
    const x = new Float64Array(rows.length * F);
    rows.forEach((row, i) => x.set(row, i * F));
    this.inFlight = fold;
    this.worker ??= this.startWorker();
    this.worker.postMessage({ recipe: this.recipe, names: this.inputs, x, labels: Int32Array.from(labels) } satisfies FitJob, [x.buffer]);
  }

  private inFlight?: FoldFit;
  private ready?: { fold: FoldFit; fitted: Fitted };
  private failed?: string;
  private worker?: Worker;
  /** Live: boundaries passed while the previous fit was still running (that fit's model comes in; theirs never exists). */
  private skippedRefits = 0;

  private startWorker(): Worker {
    const worker = new Worker(new URL(import.meta.url), { workerData: { heanFitWorker: true } });
    worker.unref();
    worker.on('message', (m: { bytes?: Uint8Array; weights?: number[][]; error?: string }) => {
      if (m.error !== undefined || !m.bytes) this.failed = m.error ?? 'no model came back';
      else this.ready = { fold: this.inFlight!, fitted: { bytes: m.bytes, weights: m.weights } };
      this.inFlight = undefined;
    });
    worker.on('error', (e) => (this.failed = e.message));
    return worker;
  }

  /** Live: the model fitted on another thread takes over from this event on. */
  private swapInReady(): void {
    if (this.failed !== undefined) throw new Error(`${this.name}: a refit failed: ${this.failed}`);
    if (!this.ready) return;
    const { fold, fitted } = this.ready;
    this.ready = undefined;
    this.swapIn(fold, fitted);
  }

  private swapIn(fold: FoldFit, fitted: Fitted): void {
    this.session?.dispose();
    this.session = OnnxSession.fromBytes(`${this.name} (fold ${this.folds.length + 1})`, fitted.bytes);
    this.openFold(this.seen, fold.trainRows, fold.trainFrom, fold.trainTo, fold.trainClasses, fitted.weights, false, fold.boundary);
  }

  private openFold(fromEvent: number, trainRows: number, trainFrom: number, trainTo: number, trainClasses: number[], weights: number[][] | undefined, given: boolean, boundary = fromEvent): void {
    const total = trainClasses.reduce((a, b) => a + b, 0);
    this.folds.push({
      // Add-half smoothing: a class the fold never saw still gets a finite log-loss; a given model's
      // training rows are unknown here, so its bar is uniform.
      prior: trainClasses.map((c) => (given ? 1 / K : (c + 0.5) / (total + K / 2))),
      probabilities: [],
      labels: [],
      report: {
        fromEvent, boundary, from: NaN, to: NaN, events: 0, trainRows, trainFrom, trainTo, trainClasses, given,
        scored: 0, accuracy: NaN, logLoss: NaN, priorLogLoss: NaN, auc: NaN, brier: NaN, predictedUp: NaN, predictedDown: NaN,
        weights,
      },
    });
  }

  /** The learner's state; fold metrics count the rows whose labels have arrived. */
  report(): WalkForwardReport {
    const all = { labels: [] as number[], probabilities: [] as number[], prior: [] as number[] };
    const folds = this.folds.map((fold) => {
      const { labels, probabilities, prior } = fold;
      all.labels.push(...labels);
      all.probabilities.push(...probabilities);
      for (let i = 0; i < labels.length; i++) all.prior.push(...prior);
      return { ...fold.report, ...scoresOf(labels, probabilities, prior) };
    });
    const total = scoresOf(all.labels, all.probabilities, all.prior);
    return {
      kind: 'walkForward',
      trainer: this.trainer,
      inputs: this.inputs,
      classes: CLASSES,
      schedule: this.schedule,
      folds,
      total: { scored: total.scored, accuracy: total.accuracy, logLoss: total.logLoss, priorLogLoss: total.priorLogLoss, auc: total.auc },
      skippedRefits: this.skippedRefits,
    };
  }

  dispose(): void {
    this.session?.dispose();
    this.session = undefined;
    void this.worker?.terminate();
    this.worker = undefined;
  }
}

/** Out-of-sample scores of rows with labels; `prior` is one row of class frequencies or one per row. */
function scoresOf(labels: number[], probabilities: number[], prior: number[]) {
  const n = labels.length;
  if (!n) return { scored: 0, accuracy: NaN, logLoss: NaN, priorLogLoss: NaN, auc: NaN, brier: NaN, predictedUp: NaN, predictedDown: NaN };
  const priors = prior.length === K ? labels.flatMap(() => prior) : prior;
  let correct = 0;
  let up = 0;
  let down = 0;
  for (let i = 0; i < n; i++) {
    const best = argmaxRow(probabilities, i, K);
    if (best === labels[i]) correct++;
    if (best === 2) up++;
    if (best === 0) down++;
  }
  const actual = Int32Array.from(labels);
  return { scored: n, accuracy: correct / n, logLoss: logLossOf(actual, probabilities, K), priorLogLoss: logLossOf(actual, priors, K), auc: macroAuc(actual, probabilities, K), brier: brierOf(actual, probabilities, K), predictedUp: up / n, predictedDown: down / n };
}

/** The walk-forward learners' reports of a run, by node id. */
export function walkForwardReports(result: RunResult): Record<string, WalkForwardReport> {
  return Object.fromEntries(Object.entries(result.reports).filter(([, r]) => (r as { kind?: string })?.kind === 'walkForward')) as Record<string, WalkForwardReport>;
}

/** A fold's time span as the broker saw it: the strategy's and buy-and-hold's return over the fold's bars (the stitched out-of-sample equity, cut at the fold). */
export interface FoldReturns {
  strategyPct: number;
  buyAndHoldPct: number;
}

export function foldReturns(fold: FoldReport, broker: BrokerReport | undefined): FoldReturns {
  if (!broker || !(fold.events > 0) || broker.historyDownsampled) return { strategyPct: NaN, buyAndHoldPct: NaN };
  // The value just before the fold's first event (its previous close), and at its last event.
  const before = lastAtOrBefore(broker.eventTimes, fold.from) - 1;
  const end = lastAtOrBefore(broker.eventTimes, fold.to);
  if (before < 0 || end <= before) return { strategyPct: NaN, buyAndHoldPct: NaN };
  return { strategyPct: (broker.equity[end] / broker.equity[before] - 1) * 100, buyAndHoldPct: (broker.closes[end] / broker.closes[before] - 1) * 100 };
}

function lastAtOrBefore(times: Float64Array, t: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid] <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}
