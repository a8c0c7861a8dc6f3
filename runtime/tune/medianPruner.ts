/**
 * The median stopping rule (Golovin et al., "Google Vizier: A Service for Black-Box Optimization",
 * KDD 2017) as Optuna's MedianPruner (optuna/pruners/_median.py and _percentile.py, v5.0.0.dev,
 * commit 1d8ce7bb): a running trial is stopped when its best intermediate value so far is worse than
 * the median of the complete trials' intermediate values at the same step.
 *
 * shouldPrune(trial) answers false unless all of these hold, in Optuna's order:
 * - at least max(1, nStartupTrials) trials are complete (pruned trials do not count);
 * - the trial has reported, and its last (highest) step is >= nWarmupSteps;
 * - the last step is the first report in its pruning interval: the checks fall on steps
 *   nWarmupSteps + k intervalSteps, and a check that found no report is done at the next one;
 * Then it answers true when the trial's intermediate values are all NaN. Otherwise it takes the
 * complete trials that reported the last step (false if fewer than nMinTrials) and the median of their
 * values there, NaNs left out (false if all are NaN), and answers true when the trial's best value over
 * all its steps is worse than that median (strictly: equal is kept).
 *
 * Note the comparison is asymmetric, as in Optuna: the trial's best over its steps so far against the
 * others' values at exactly that step (not their best so far).
 *
 * Trial numbers are only keys: use the sampler's (Trial.number) or any others, consistently. A step
 * reported twice keeps its first value (Optuna warns and ignores the second).
 */

import type { Direction, LastIntermediate } from './trialHistory.js';

export interface MedianPrunerOptions {
  /** Whether larger (maximize) or smaller (minimize, the default) intermediate values are better. */
  direction?: Direction;
  /** No pruning until this many trials are complete (default 5). */
  nStartupTrials?: number;
  /** No pruning before this step (default 0). */
  nWarmupSteps?: number;
  /** Steps between pruning checks, counted from nWarmupSteps (default 1). */
  intervalSteps?: number;
  /** No pruning unless at least this many complete trials reported the step (default 1). */
  nMinTrials?: number;
}

interface PrunerTrial {
  readonly values: Map<number, number>;
  state: 'running' | 'complete' | 'pruned';
}

export class MedianPruner {
  readonly direction: Direction;
  readonly nStartupTrials: number;
  readonly nWarmupSteps: number;
  readonly intervalSteps: number;
  readonly nMinTrials: number;
  private readonly trials = new Map<number, PrunerTrial>();

  constructor(opts: MedianPrunerOptions = {}) {
    this.direction = opts.direction ?? 'minimize';
    this.nStartupTrials = opts.nStartupTrials ?? 5;
    this.nWarmupSteps = opts.nWarmupSteps ?? 0;
    this.intervalSteps = opts.intervalSteps ?? 1;
    this.nMinTrials = opts.nMinTrials ?? 1;
    if (this.direction !== 'minimize' && this.direction !== 'maximize') throw new RangeError(`direction must be 'minimize' or 'maximize', got ${JSON.stringify(this.direction)}`);
    const check = (name: string, v: number, min: number) => {
      if (!Number.isInteger(v) || v < min) throw new RangeError(`${name} must be an integer >= ${min}, got ${v}`);
    };
    check('nStartupTrials', this.nStartupTrials, 0);
    check('nWarmupSteps', this.nWarmupSteps, 0);
    check('intervalSteps', this.intervalSteps, 1);
    check('nMinTrials', this.nMinTrials, 1);
  }

  /** Records the intermediate value of a running trial at step (an integer >= 0). */
  report(trialNumber: number, step: number, value: number): void {
    if (!Number.isInteger(step) || step < 0) throw new RangeError(`report: step must be an integer >= 0, got ${step}`);
    if (typeof value !== 'number') throw new TypeError(`report: value must be a number, got ${JSON.stringify(value)}`);
    const t = this.trial(trialNumber);
    if (t.state !== 'running') throw new RangeError(`report: trial ${trialNumber} is already ${t.state}`);
    if (!t.values.has(step)) t.values.set(step, value);
  }

  /** Whether the running trial should stop now, judged at its last reported step. */
  shouldPrune(trialNumber: number): boolean {
    let nComplete = 0;
    for (const t of this.trials.values()) if (t.state === 'complete') nComplete++;
    if (nComplete === 0 || nComplete < this.nStartupTrials) return false;
    const values = this.trials.get(trialNumber)?.values;
    if (values === undefined || values.size === 0) return false;
    let step = -1;
    for (const s of values.keys()) step = Math.max(step, s);
    if (step < this.nWarmupSteps) return false;
    // Optuna's _is_first_in_interval_step: no earlier report at or after the last check point
    const checkPoint = Math.floor((step - this.nWarmupSteps) / this.intervalSteps) * this.intervalSteps + this.nWarmupSteps;
    let previous = -1;
    for (const s of values.keys()) if (s !== step) previous = Math.max(previous, s);
    if (previous >= checkPoint) return false;

    const maximize = this.direction === 'maximize';
    let best = NaN;
    for (const v of values.values()) if (!Number.isNaN(v) && (Number.isNaN(best) || (maximize ? v > best : v < best))) best = v;
    if (Number.isNaN(best)) return true;

    const atStep: number[] = [];
    for (const t of this.trials.values()) if (t.state === 'complete' && t.values.has(step)) atStep.push(t.values.get(step)!);
    if (atStep.length < this.nMinTrials) return false;
    const m = nanMedian(atStep);
    if (Number.isNaN(m)) return false;
    return maximize ? best < m : best > m;
  }

  /** Marks the trial complete: from now on its values make up the medians. */
  complete(trialNumber: number): void {
    this.finish(trialNumber, 'complete');
  }

  /** Marks the trial pruned; returns its last intermediate value, for the sampler's tellPruned. */
  prune(trialNumber: number): LastIntermediate | undefined {
    const t = this.finish(trialNumber, 'pruned');
    let last: LastIntermediate | undefined;
    for (const [step, value] of t.values) if (last === undefined || step > last.step) last = { step, value };
    return last;
  }

  private trial(trialNumber: number): PrunerTrial {
    if (!Number.isInteger(trialNumber)) throw new RangeError(`trial numbers are integers, got ${trialNumber}`);
    let t = this.trials.get(trialNumber);
    if (t === undefined) {
      t = { values: new Map(), state: 'running' };
      this.trials.set(trialNumber, t);
    }
    return t;
  }

  private finish(trialNumber: number, state: 'complete' | 'pruned'): PrunerTrial {
    const t = this.trial(trialNumber);
    if (t.state !== 'running') throw new RangeError(`trial ${trialNumber} is already ${t.state}`);
    t.state = state;
    return t;
  }
}

/** numpy.nanmedian: the median of the non-NaN values (the mean of the middle two for an even count), NaN if none. */
function nanMedian(xs: readonly number[]): number {
  const a = xs.filter((x) => !Number.isNaN(x)).sort((p, q) => p - q);
  const n = a.length;
  if (n === 0) return NaN;
  return n % 2 ? a[(n - 1) / 2]! : (a[n / 2 - 1]! + a[n / 2]!) / 2;
}
