/**
 * The Tree-structured Parzen Estimator (TPE) sampler, independent per parameter, for one objective or
 * several (MOTPE).
 *
 * Algorithm (Bergstra, Bardenet, Bengio & Kegl, "Algorithms for Hyper-Parameter Optimization",
 * NeurIPS 2011, section 4; the components and defaults as analysed by Watanabe, "Tree-Structured
 * Parzen Estimator: Understanding Its Algorithm Components and Their Roles for Better Empirical
 * Performance", arXiv:2304.11127, 2023; implemented as Optuna's TPESampler,
 * optuna/samplers/_tpe/sampler.py, v5.0.0.dev, commit 1d8ce7bb):
 *
 * 1. Until n_startup_trials trials are complete (or pruned), ask() draws parameters at random
 *    (RandomSampler's draws: with the same seed the first n_startup_trials trials equal RandomSampler's).
 * 2. Then the n complete trials are sorted by value (best first, stable) and split: the best
 *    gamma(n) form the "below" (good) group, the rest the "above" group; each group is put back in
 *    trial order, because the weights depend on age.
 * 3. For each parameter on its own, a Parzen estimator (parzenEstimator.ts) is fitted to each
 *    group's values: l(x) to the good ones, g(x) to the others.
 * 4. n_ei_candidates values are drawn from l(x); the one with the largest log l(x) - log g(x) is
 *    taken (the first on ties). Bergstra et al. show that maximising l/g maximises expected
 *    improvement under the TPE model.
 *
 * Defaults, all Optuna's:
 * - nStartupTrials 10.
 * - nEiCandidates 24.
 * - gamma(n) = min(ceil(0.1 n), 25) (defaultGamma).
 * - weights (defaultWeights): 1 for each of the newest 25 observations; older ones ramp linearly
 *   from 1/n (oldest) up to 1 (numpy.linspace(1/n, 1, n - 25)); all 1 when n < 25
 *   (Bergstra, Yamins & Cox, ICML 2013, "Making a Science of Model Search").
 * - priorWeight 1: one extra kernel, the prior (numeric: centred on the domain, sigma = its width;
 *   categorical: uniform), weighted like one observation.
 * - considerMagicClip true: kernel sigma >= (high - low) / min(100, n + 2).
 * - considerEndpoints false: the outermost kernels' widths ignore the domain ends.
 * - multivariate false: each parameter has its own 1-d estimators, sampled on its own (Optuna's
 *   default up to v4; its v5 development branch switches single-objective studies to multivariate).
 *
 * Several objectives (directions with two or more entries; MOTPE, Ozaki et al., JAIR 75, 2022, as
 * Optuna's _split_complete_trials_multi_objective): the good group is filled with whole
 * non-domination ranks while they fit; the rank that does not fit is cut by greedy hypervolume subset
 * selection (multiObjective.ts). gamma defaults to ceil(0.1 n) without the cap of 25
 * (defaultGammaMultiObjective). The good group's kernels are weighted uniformly, as Optuna v5 does
 * (belowWeights 'uniform'), or by hypervolume contribution as in the MOTPE paper and Optuna <= v4
 * (belowWeights 'hypervolumeContribution'); the other group keeps defaultWeights.
 *
 * Pruned trials (tellPruned) count towards nStartupTrials and are learnt from as Optuna's
 * _split_trials does: the good group is filled from the complete trials first; only if they are too
 * few, pruned trials join it, those that got furthest (highest last step) first, then by their last
 * intermediate value (NaN last among its step; a trial that reported nothing after all others). All
 * other pruned trials are "above".
 *
 * Not implemented: multivariate and group TPE, constraints (c-TPE) and the constant liar (a
 * pending ask() is not seen by the next ask(): tell each trial before asking again, or accept that
 * parallel asks are drawn from the same model).
 * Determinism: all randomness comes from xoshiro128** generators seeded from `seed`
 * (xoshiro128.ts): the startup draws from one stream, TPE from a jumped copy (2^64 steps ahead).
 */

import { hypervolumeContributionWeights, motpeBelowMask, toLosses } from './multiObjective.js';
import type { ParzenEstimatorOptions } from './parzenEstimator.js';
import { ParzenEstimator } from './parzenEstimator.js';
import { randomParams } from './randomSampler.js';
import type { Params, SearchSpace } from './space.js';
import { isSingle, singleValue, toExternal } from './space.js';
import type { Direction, StoredTrial } from './trialHistory.js';
import { HistorySampler } from './trialHistory.js';
import { Xoshiro128 } from './xoshiro128.js';

/** Optuna's default_gamma: the size of the good group among n complete trials. */
export function defaultGamma(n: number): number {
  return Math.min(Math.ceil(0.1 * n), 25);
}

/** Optuna's default_gamma_multiobjective: the good group's size with several objectives. */
export function defaultGammaMultiObjective(n: number): number {
  return Math.ceil(0.1 * n);
}

/** Optuna's default_weights: weights of n observations, oldest first. */
export function defaultWeights(n: number): number[] {
  if (n === 0) return [];
  if (n < 25) return new Array<number>(n).fill(1);
  // numpy.linspace(1/n, 1, num): start + i (stop - start) / (num - 1), the last exactly stop
  const num = n - 25;
  const start = 1 / n;
  const ramp: number[] = [];
  if (num === 1) ramp.push(start);
  else if (num > 1) {
    const step = (1 - start) / (num - 1);
    for (let i = 0; i < num; i++) ramp.push(i === num - 1 ? 1 : start + i * step);
  }
  return [...ramp, ...new Array<number>(25).fill(1)];
}

export interface TpeOptions {
  /** Seed of the xoshiro128** generators (default 0): the same seed gives the same trials. */
  seed?: number;
  /** The direction of a single objective (default 'minimize'). */
  direction?: Direction;
  /** One direction per objective, for several objectives (MOTPE); give either this or direction. */
  directions?: readonly Direction[];
  /** Several objectives: the good group's kernel weights (default 'uniform', as Optuna v5). */
  belowWeights?: 'uniform' | 'hypervolumeContribution';
  /** Random trials before TPE starts (default 10); complete and pruned trials count. */
  nStartupTrials?: number;
  /** Candidates drawn from l(x) per parameter (default 24). */
  nEiCandidates?: number;
  /** Size of the good group among n trials (default defaultGamma; defaultGammaMultiObjective for several objectives). */
  gamma?: (n: number) => number;
  /** Kernel weights of n observations, oldest first (default defaultWeights). */
  weights?: (n: number) => readonly number[];
  /** Weight of the prior kernel (default 1). */
  priorWeight?: number;
  /** Lower bound on kernel widths (default true). */
  considerMagicClip?: boolean;
  /** Let the domain ends widen the outermost kernels (default false). */
  considerEndpoints?: boolean;
}

/** The good and other trials for the next TPE step, each in trial order (Optuna's _split_trials). */
export function splitTrials(complete: readonly StoredTrial[], nBelow: number, direction: Direction): [StoredTrial[], StoredTrial[]] {
  const n = Math.max(0, Math.min(nBelow, complete.length));
  // Array.prototype.sort is stable (ES2019), as Python's sorted: ties keep trial order
  const sorted = complete.slice().sort((a, b) => (direction === 'minimize' ? a.value - b.value : b.value - a.value) || 0);
  const byNumber = (a: StoredTrial, b: StoredTrial) => a.number - b.number;
  return [sorted.slice(0, n).sort(byNumber), sorted.slice(n).sort(byNumber)];
}

/**
 * Pruned trials split for the good group's remaining nBelow places (Optuna's _split_pruned_trials):
 * the furthest (highest last step) first, then the best last value; NaN or no value go last.
 */
export function splitPrunedTrials(pruned: readonly StoredTrial[], nBelow: number, direction: Direction): [StoredTrial[], StoredTrial[]] {
  const n = Math.max(0, Math.min(nBelow, pruned.length));
  // Optuna's _get_pruned_trial_score, compared as a tuple
  const score = (t: StoredTrial): [number, number] => {
    if (t.lastStep === undefined) return [1, 0];
    if (Number.isNaN(t.value)) return [-t.lastStep, Infinity];
    return [-t.lastStep, direction === 'minimize' ? t.value : -t.value];
  };
  const sorted = pruned.slice().sort((a, b) => {
    const [sa, va] = score(a);
    const [sb, vb] = score(b);
    return sa - sb || (va < vb ? -1 : va > vb ? 1 : 0);
  });
  return [sorted.slice(0, n), sorted.slice(n)];
}

export class TpeSampler extends HistorySampler {
  private readonly startupRng: Xoshiro128;
  private readonly rng: Xoshiro128;
  private readonly nStartupTrials: number;
  private readonly nEiCandidates: number;
  private readonly gamma: (n: number) => number;
  private readonly estimatorOptions: ParzenEstimatorOptions;
  private readonly belowWeights: 'uniform' | 'hypervolumeContribution';

  constructor(space: SearchSpace, opts: TpeOptions = {}) {
    super(space, opts);
    const seed = opts.seed ?? 0;
    this.startupRng = new Xoshiro128(seed);
    this.rng = new Xoshiro128(seed);
    this.rng.jump();
    this.nStartupTrials = opts.nStartupTrials ?? 10;
    this.nEiCandidates = opts.nEiCandidates ?? 24;
    if (!Number.isInteger(this.nStartupTrials) || this.nStartupTrials < 0) throw new RangeError(`nStartupTrials must be an integer >= 0, got ${this.nStartupTrials}`);
    if (!Number.isInteger(this.nEiCandidates) || this.nEiCandidates < 1) throw new RangeError(`nEiCandidates must be an integer >= 1, got ${this.nEiCandidates}`);
    this.gamma = opts.gamma ?? (this.history.directions.length > 1 ? defaultGammaMultiObjective : defaultGamma);
    this.belowWeights = opts.belowWeights ?? 'uniform';
    if (this.belowWeights !== 'uniform' && this.belowWeights !== 'hypervolumeContribution') {
      throw new RangeError(`belowWeights must be 'uniform' or 'hypervolumeContribution', got ${JSON.stringify(this.belowWeights)}`);
    }
    this.estimatorOptions = {
      priorWeight: opts.priorWeight ?? 1,
      considerMagicClip: opts.considerMagicClip ?? true,
      considerEndpoints: opts.considerEndpoints ?? false,
      weights: opts.weights ?? defaultWeights,
    };
    if (!(this.estimatorOptions.priorWeight >= 0) || !Number.isFinite(this.estimatorOptions.priorWeight)) {
      throw new RangeError(`priorWeight must be a finite number >= 0, got ${this.estimatorOptions.priorWeight}`);
    }
  }

  ask(): Params {
    const space = this.history.space;
    const complete = this.history.complete();
    const pruned = this.history.pruned();
    const n = complete.length + pruned.length;
    if (n < this.nStartupTrials) return randomParams(space, this.startupRng);

    const nBelow = this.gamma(n);
    if (!Number.isInteger(nBelow) || nBelow < 0) throw new RangeError(`gamma(${n}) must be an integer >= 0, got ${nBelow}`);
    const [below, above] = this.split(complete, pruned, nBelow);
    const belowOptions = this.history.directions.length > 1 ? this.belowEstimatorOptions(below) : this.estimatorOptions;
    const out: Params = {};
    for (const name of this.history.names) {
      const spec = space[name]!;
      if (isSingle(spec)) {
        out[name] = singleValue(spec);
        continue;
      }
      const l = new ParzenEstimator(below.map((t) => t.internal[name]!), spec, belowOptions);
      const g = new ParzenEstimator(above.map((t) => t.internal[name]!), spec, this.estimatorOptions);
      const candidates = l.sample(this.rng, this.nEiCandidates);
      let best = 0;
      let bestScore = -Infinity;
      for (let i = 0; i < candidates.length; i++) {
        const score = l.logPdf(candidates[i]!) - g.logPdf(candidates[i]!);
        if (score > bestScore) {
          bestScore = score;
          best = i;
        }
      }
      out[name] = toExternal(spec, candidates[best]!);
    }
    return out;
  }

  /** The good and other trials (Optuna's _split_trials), each in trial order. */
  private split(complete: StoredTrial[], pruned: StoredTrial[], nBelow: number): [StoredTrial[], StoredTrial[]] {
    const directions = this.history.directions;
    let below: StoredTrial[];
    let above: StoredTrial[];
    if (directions.length === 1) {
      [below, above] = splitTrials(complete, nBelow, directions[0]!);
    } else {
      const mask = motpeBelowMask(toLosses(complete.map((t) => t.values), directions), Math.min(nBelow, complete.length));
      below = complete.filter((_, i) => mask[i]);
      above = complete.filter((_, i) => !mask[i]);
    }
    if (pruned.length === 0) return [below, above];
    const [prunedBelow, prunedAbove] = splitPrunedTrials(pruned, nBelow - below.length, directions[0]!);
    const byNumber = (a: StoredTrial, b: StoredTrial) => a.number - b.number;
    return [[...below, ...prunedBelow].sort(byNumber), [...above, ...prunedAbove].sort(byNumber)];
  }

  /** Several objectives: the good group's estimator options, its own weights in place of defaultWeights. */
  private belowEstimatorOptions(below: readonly StoredTrial[]): ParzenEstimatorOptions {
    const weights = this.belowWeights === 'uniform' ? new Array<number>(below.length).fill(1) : hypervolumeContributionWeights(toLosses(below.map((t) => t.values), this.history.directions));
    return { ...this.estimatorOptions, weights: () => weights };
  }
}
