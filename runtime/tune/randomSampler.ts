/**
 * Random search: every parameter drawn independently, as Optuna's RandomSampler
 * (optuna/samplers/_random.py with optuna/_transform.py, v5.0.0.dev, commit 1d8ce7bb):
 *
 * - float: uniform on [low, high); log: exp of a uniform on [log low, log high).
 * - grid (int, stepped float): uniform on [low - step/2, high + step/2) (log-transformed for a log
 *   int), rounded to the nearest grid point and clipped to [low, high], so every grid point of a
 *   linear grid is equally likely.
 * - categorical: a uniform choice (Optuna draws a one-hot vector and takes its argmax, which is
 *   also uniform; here one integer draw).
 *
 * A single-valued parameter is returned as is, without a draw (as Optuna's Trial does).
 */

import type { Params, SearchSpace } from './space.js';
import { isSingle, roundToGrid, singleValue, stepOf } from './space.js';
import type { Direction } from './trialHistory.js';
import { HistorySampler } from './trialHistory.js';
import { Xoshiro128 } from './xoshiro128.js';

/** One random draw of every parameter of space, in the space's key order. */
export function randomParams(space: SearchSpace, rng: Xoshiro128): Params {
  const out: Params = {};
  for (const [name, p] of Object.entries(space)) {
    if (isSingle(p)) {
      out[name] = singleValue(p);
      continue;
    }
    if (p.type === 'categorical') {
      out[name] = p.choices[rng.nextInt(p.choices.length)]!;
      continue;
    }
    const step = stepOf(p);
    if (step === undefined) {
      const x = p.log ? Math.exp(rng.uniform(Math.log(p.low), Math.log(p.high))) : rng.uniform(p.low, p.high);
      out[name] = Math.min(Math.max(x, p.low), p.high);
    } else {
      const lo = p.low - step / 2;
      const hi = p.high + step / 2;
      const x = p.log ? Math.exp(rng.uniform(Math.log(lo), Math.log(hi))) : rng.uniform(lo, hi);
      out[name] = roundToGrid(x, p.low, p.high, step);
    }
  }
  return out;
}

export interface RandomSamplerOptions {
  /** Seed of the xoshiro128** generator (default 0): the same seed gives the same trials. */
  seed?: number;
  /** The direction of a single objective (default 'minimize'). */
  direction?: Direction;
  /** One direction per objective, for several objectives; give either this or direction. */
  directions?: readonly Direction[];
}

export class RandomSampler extends HistorySampler {
  private readonly rng: Xoshiro128;

  constructor(space: SearchSpace, opts: RandomSamplerOptions = {}) {
    super(space, opts);
    this.rng = new Xoshiro128(opts.seed ?? 0);
  }

  ask(): Params {
    return randomParams(this.history.space, this.rng);
  }
}
