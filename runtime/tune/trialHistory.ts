/**
 * What both samplers share: the ask/tell contract and the record of told trials.
 *
 * A trial is told once with its objective value. A NaN value marks it failed (Optuna's
 * TrialState.FAIL): it stays in the history but no sampler learns from it. +-Infinity are kept as
 * values, as Optuna keeps them.
 */

import type { Params, SearchSpace } from './space.js';
import { SearchSpaceError, toInternal, validateSpace } from './space.js';

export type Direction = 'minimize' | 'maximize';

export interface Trial {
  /** 0, 1, 2, ... in the order the trials were told. */
  readonly number: number;
  readonly params: Readonly<Params>;
  readonly value: number;
  readonly state: 'complete' | 'fail';
}

export interface Sampler {
  /** The next parameters to evaluate. */
  ask(): Params;
  /** Records the objective value of params (normally the result of ask()); returns the trial. */
  tell(params: Params, value: number): Trial;
  /** Every told trial, oldest first. */
  trials(): readonly Trial[];
  /** The best complete trial so far (the earliest among equals), or undefined. */
  best(): Trial | undefined;
}

export interface HistoryOptions {
  direction?: Direction;
}

/** A told trial with its internal representation (choice indices for categoricals). */
export interface StoredTrial extends Trial {
  readonly internal: Readonly<Record<string, number>>;
}

export class TrialHistory {
  readonly space: SearchSpace;
  readonly names: readonly string[];
  readonly direction: Direction;
  private readonly told: StoredTrial[] = [];

  constructor(space: SearchSpace, opts: HistoryOptions = {}) {
    validateSpace(space);
    const direction = opts.direction ?? 'minimize';
    if (direction !== 'minimize' && direction !== 'maximize') {
      throw new RangeError(`direction must be 'minimize' or 'maximize', got ${JSON.stringify(direction)}`);
    }
    this.space = space;
    this.names = Object.keys(space);
    this.direction = direction;
  }

  tell(params: Params, value: number): Trial {
    if (typeof value !== 'number') throw new TypeError(`tell: the value must be a number, got ${JSON.stringify(value)}`);
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
      value,
      state: Number.isNaN(value) ? ('fail' as const) : ('complete' as const),
      internal: Object.freeze(internal),
    });
    this.told.push(trial);
    return publicTrial(trial);
  }

  /** Told trials, including their internal representation. */
  stored(): readonly StoredTrial[] {
    return this.told;
  }

  /** The complete (not failed) trials, oldest first. */
  complete(): StoredTrial[] {
    return this.told.filter((t) => t.state === 'complete');
  }

  trials(): Trial[] {
    return this.told.map(publicTrial);
  }

  best(): Trial | undefined {
    let best: StoredTrial | undefined;
    for (const t of this.told) {
      if (t.state !== 'complete') continue;
      if (best === undefined || (this.direction === 'minimize' ? t.value < best.value : t.value > best.value)) best = t;
    }
    return best && publicTrial(best);
  }
}

function publicTrial(t: StoredTrial): Trial {
  return { number: t.number, params: t.params, value: t.value, state: t.state };
}
