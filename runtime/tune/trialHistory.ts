/**
 * What both samplers share: the ask/tell contract and the record of told trials.
 *
 * A trial is told once with its objective value, or one value per objective when the study has
 * several directions. A NaN in any value marks it failed (Optuna's TrialState.FAIL): it stays in the
 * history but no sampler learns from it. +-Infinity are kept as values, as Optuna keeps them.
 *
 * A trial stopped early by a pruner (medianPruner.ts) is told with tellPruned and its last reported
 * intermediate value (Optuna's TrialState.PRUNED; single objective only, as Optuna's Trial.report).
 * TPE learns from pruned trials as Optuna's does (tpe.ts); best() and paretoTrials() ignore them.
 */

import { lossRanks, toLosses } from './multiObjective.js';
import type { Params, SearchSpace } from './space.js';
import { SearchSpaceError, toInternal, validateSpace } from './space.js';

export type Direction = 'minimize' | 'maximize';

export interface Trial {
  /** 0, 1, 2, ... in the order the trials were told. */
  readonly number: number;
  readonly params: Readonly<Params>;
  /** values[0]: the objective value of a single-objective study (a pruned trial's last intermediate value). */
  readonly value: number;
  /** One value per objective ([value] for a single objective; [] for a pruned trial that reported nothing). */
  readonly values: readonly number[];
  readonly state: 'complete' | 'fail' | 'pruned';
  /** A pruned trial's last reported step. */
  readonly lastStep?: number;
}

/** The last intermediate value of a pruned trial (the highest step it reported). */
export interface LastIntermediate {
  step: number;
  value: number;
}

export interface Sampler {
  /** The next parameters to evaluate. */
  ask(): Params;
  /** Records the objective value(s) of params (normally the result of ask()); returns the trial. */
  tell(params: Params, value: number | readonly number[]): Trial;
  /** Records a trial stopped by a pruner, with its last intermediate value if it reported one. */
  tellPruned(params: Params, last?: LastIntermediate): Trial;
  /** Every told trial, oldest first. */
  trials(): readonly Trial[];
  /** The best complete trial so far (the earliest among equals), or undefined; single objective only. */
  best(): Trial | undefined;
  /** The complete trials no other complete trial dominates, oldest first. */
  paretoTrials(): readonly Trial[];
}

export interface HistoryOptions {
  /** A single objective's direction (default 'minimize'). */
  direction?: Direction;
  /** One direction per objective; give either this or direction. */
  directions?: readonly Direction[];
}

/** A told trial with its internal representation (choice indices for categoricals). */
export interface StoredTrial extends Trial {
  readonly internal: Readonly<Record<string, number>>;
}

/** The directions of HistoryOptions (or of the samplers' options), checked. */
export function resolveDirections(opts: HistoryOptions): Direction[] {
  if (opts.direction !== undefined && opts.directions !== undefined) throw new RangeError('give either direction or directions, not both');
  const directions = opts.directions !== undefined ? [...opts.directions] : [opts.direction ?? 'minimize'];
  if (directions.length === 0) throw new RangeError('directions must name at least one objective');
  for (const d of directions) {
    if (d !== 'minimize' && d !== 'maximize') throw new RangeError(`direction must be 'minimize' or 'maximize', got ${JSON.stringify(d)}`);
  }
  return directions;
}

export class TrialHistory {
  readonly space: SearchSpace;
  readonly names: readonly string[];
  readonly directions: readonly Direction[];
  /** directions[0], the direction of a single-objective study. */
  readonly direction: Direction;
  private readonly told: StoredTrial[] = [];

  constructor(space: SearchSpace, opts: HistoryOptions = {}) {
    validateSpace(space);
    this.space = space;
    this.names = Object.keys(space);
    this.directions = Object.freeze(resolveDirections(opts));
    this.direction = this.directions[0]!;
  }

  tell(params: Params, value: number | readonly number[]): Trial {
    const nObj = this.directions.length;
    let values: readonly number[];
    if (typeof value === 'number') {
      // a bare NaN fails a trial of any number of objectives (the objective did not run)
      if (nObj > 1 && !Number.isNaN(value)) throw new RangeError(`tell: this study has ${nObj} objectives; give ${nObj} values, got the number ${value}`);
      values = new Array<number>(nObj).fill(value);
    } else if (Array.isArray(value) && value.every((v) => typeof v === 'number')) {
      if (value.length !== nObj) throw new RangeError(`tell: expected ${nObj} value(s), one per direction, got ${value.length}`);
      values = value.slice();
    } else {
      throw new TypeError(`tell: the value must be a number or an array of numbers, got ${JSON.stringify(value)}`);
    }
    return this.record(params, values, values.some(Number.isNaN) ? 'fail' : 'complete');
  }

  tellPruned(params: Params, last?: LastIntermediate): Trial {
    if (this.directions.length > 1) throw new RangeError('tellPruned: pruning needs a single objective (as Optuna\'s Trial.report)');
    if (last !== undefined && (!Number.isInteger(last.step) || last.step < 0 || typeof last.value !== 'number')) {
      throw new RangeError(`tellPruned: the last intermediate needs an integer step >= 0 and a number value, got ${JSON.stringify(last)}`);
    }
    return this.record(params, last === undefined ? [] : [last.value], 'pruned', last?.step);
  }

  private record(params: Params, values: readonly number[], state: Trial['state'], lastStep?: number): Trial {
    const extra = Object.keys(params).filter((k) => !(k in this.space));
    const missing = this.names.filter((k) => !(k in params));
    if (extra.length > 0 || missing.length > 0) {
      throw new SearchSpaceError(`tell: params must have exactly the search space's names` + (missing.length ? `; missing ${missing.join(', ')}` : '') + (extra.length ? `; unknown ${extra.join(', ')}` : ''));
    }
    const internal: Record<string, number> = {};
    const copy: Params = {};
    for (const name of this.names) {
      internal[name] = toInternal(name, this.space[name]!, params[name]!);
      copy[name] = params[name]!;
    }
    const trial: StoredTrial = Object.freeze({
      number: this.told.length,
      params: Object.freeze(copy),
      value: values[0] ?? NaN,
      values: Object.freeze(values),
      state,
      ...(lastStep === undefined ? {} : { lastStep }),
      internal: Object.freeze(internal),
    });
    this.told.push(trial);
    return publicTrial(trial);
  }

  /** Told trials, including their internal representation. */
  stored(): readonly StoredTrial[] {
    return this.told;
  }

  /** The complete (not failed, not pruned) trials, oldest first. */
  complete(): StoredTrial[] {
    return this.told.filter((t) => t.state === 'complete');
  }

  /** The pruned trials, oldest first. */
  pruned(): StoredTrial[] {
    return this.told.filter((t) => t.state === 'pruned');
  }

  trials(): Trial[] {
    return this.told.map(publicTrial);
  }

  best(): Trial | undefined {
    if (this.directions.length > 1) throw new RangeError(`best() needs a single objective; this study has ${this.directions.length}: use paretoTrials()`);
    let best: StoredTrial | undefined;
    for (const t of this.told) {
      if (t.state !== 'complete') continue;
      if (best === undefined || (this.direction === 'minimize' ? t.value < best.value : t.value > best.value)) best = t;
    }
    return best && publicTrial(best);
  }

  paretoTrials(): Trial[] {
    const complete = this.complete();
    const ranks = lossRanks(toLosses(complete.map((t) => t.values), this.directions));
    return complete.filter((_, i) => ranks[i] === 0).map(publicTrial);
  }
}

function publicTrial(t: StoredTrial): Trial {
  const trial = { number: t.number, params: t.params, value: t.value, values: t.values, state: t.state };
  return t.lastStep === undefined ? trial : { ...trial, lastStep: t.lastStep };
}

/** A sampler over a TrialHistory: everything but ask() is the history's. */
export abstract class HistorySampler implements Sampler {
  protected readonly history: TrialHistory;

  constructor(space: SearchSpace, opts: HistoryOptions) {
    this.history = new TrialHistory(space, { direction: opts.direction, directions: opts.directions });
  }

  abstract ask(): Params;

  tell(params: Params, value: number | readonly number[]): Trial {
    return this.history.tell(params, value);
  }

  tellPruned(params: Params, last?: LastIntermediate): Trial {
    return this.history.tellPruned(params, last);
  }

  trials(): readonly Trial[] {
    return this.history.trials();
  }

  best(): Trial | undefined {
    return this.history.best();
  }

  paretoTrials(): readonly Trial[] {
    return this.history.paretoTrials();
  }
}
