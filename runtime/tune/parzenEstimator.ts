/**
 * The Parzen estimator of one parameter: the density TPE fits to a set of observed values (the
 * good trials' for l(x), the others' for g(x)). One kernel per observation plus one prior kernel,
 * mixed with weights w_i = weights(n)_i and prior_weight, normalised to sum 1.
 *
 * Numeric parameters (Optuna's _calculate_numerical_distributions): work on [low, high], widened to
 * [low - step/2, high + step/2] for a grid and taken in log space for a log scale. Kernel i is a
 * Gaussian at the observation mu_i, truncated to the domain, with
 *   sigma_i = max(mu_i - left neighbour, right neighbour - mu_i)
 * over the sorted observations with the domain ends as outer neighbours; unless consider_endpoints,
 * the lowest and highest observations (when there are at least 2) use only their inner neighbour's
 * gap. sigma is clipped to [minsigma, high - low], with the "magic clip"
 * minsigma = (high - low) / min(100, n + 2) (n observations + 1 prior kernel + 1), else 1e-12.
 * The prior kernel sits at the domain's midpoint with sigma = high - low. A stepped value's density is
 * the kernel's probability mass of [x - step/2, x + step/2].
 *
 * Categorical parameters (Optuna's _calculate_categorical_distributions): with n observations and
 * k = n + 1 kernels, kernel i gives every choice prior_weight / k plus 1 for its observed choice,
 * normalised; the prior kernel is uniform.
 *
 * Source: Optuna's optuna/samplers/_tpe/parzen_estimator.py and probability_distributions.py
 * (v5.0.0.dev, commit 1d8ce7bb), in one dimension (independent TPE). Written here, not copied.
 */

import type { ParamSpec } from './space.js';
import { roundToGrid, stepOf } from './space.js';
import { logGaussMass, normLogPdf, truncnormFromUniform } from './truncnorm.js';
import type { Xoshiro128 } from './xoshiro128.js';

export interface ParzenEstimatorOptions {
  /** Weight of the prior kernel relative to the observations' (Optuna default 1). */
  priorWeight: number;
  /** Bound the kernels' sigma below by (high - low) / min(100, n + 2) (Optuna default true). */
  considerMagicClip: boolean;
  /** Let the domain ends widen the outermost kernels (Optuna default false). */
  considerEndpoints: boolean;
  /** Weights of n observations, oldest first (Optuna's default_weights). */
  weights: (n: number) => readonly number[];
}

const EPS = 1e-12;

/** The mixture weights: weights(n) for the observations then priorWeight, normalised to sum 1. */
export function mixtureWeights(n: number, opts: ParzenEstimatorOptions): Float64Array {
  if (!(opts.priorWeight >= 0) || !Number.isFinite(opts.priorWeight)) throw new RangeError(`priorWeight must be a finite number >= 0, got ${opts.priorWeight}`);
  if (n === 0) return Float64Array.of(1);
  const w = opts.weights(n);
  if (w.length < n) throw new RangeError(`the weights function returned ${w.length} weights for ${n} observations`);
  const out = new Float64Array(n + 1);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const wi = w[i]!;
    if (!Number.isFinite(wi) || wi < 0) throw new RangeError(`the weights function must return finite values >= 0, got ${wi} for ${n} observations`);
    out[i] = wi;
    sum += wi;
  }
  if (sum <= 0) throw new RangeError(`the weights function returned all zeros for ${n} observations`);
  out[n] = opts.priorWeight;
  sum += opts.priorWeight;
  for (let i = 0; i <= n; i++) out[i]! /= sum;
  return out;
}

/**
 * Kernel widths for observations mus (in the working space) on [low, high], before the prior kernel
 * is added (Optuna's compute_sigmas).
 */
export function kernelSigmas(mus: readonly number[], low: number, high: number, opts: Pick<ParzenEstimatorOptions, 'considerMagicClip' | 'considerEndpoints'>): Float64Array {
  const n = mus.length;
  const order = mus.map((_, i) => i).sort((i, j) => mus[i]! - mus[j]! || i - j);
  // sorted observations with the domain ends around them
  const s = [low, ...order.map((i) => mus[i]!), high];
  const sorted = new Float64Array(n);
  for (let k = 0; k < n; k++) sorted[k] = Math.max(s[k + 1]! - s[k]!, s[k + 2]! - s[k + 1]!);
  if (!opts.considerEndpoints && n >= 2) {
    sorted[0] = s[2]! - s[1]!;
    sorted[n - 1] = s[n]! - s[n - 1]!;
  }
  const maxSigma = high - low;
  const minSigma = opts.considerMagicClip ? (high - low) / Math.min(100, n + 2) : EPS;
  const sigmas = new Float64Array(n);
  for (let k = 0; k < n; k++) sigmas[order[k]!] = Math.min(Math.max(sorted[k]!, minSigma), maxSigma);
  return sigmas;
}

/** Draws an index from a discrete distribution given by weights summing to 1. */
function pick(weights: Float64Array, u: number): number {
  let acc = 0;
  for (let i = 0; i < weights.length - 1; i++) {
    acc += weights[i]!;
    if (u < acc) return i;
  }
  return weights.length - 1;
}

function logSumExp(xs: Float64Array): number {
  let m = -Infinity;
  for (const x of xs) if (x > m) m = x;
  if (m === -Infinity || m === Infinity) return m;
  let s = 0;
  for (const x of xs) s += Math.exp(x - m);
  return m + Math.log(s);
}

export class ParzenEstimator {
  /** Mixture weights, the observations' then the prior's. */
  readonly weights: Float64Array;
  /** Numeric: kernel means and widths in the working space (log space for a log scale), prior last. */
  readonly mus: Float64Array;
  readonly sigmas: Float64Array;
  /** Numeric: the working-space domain, [low - step/2, high + step/2], log-transformed if log. */
  readonly low: number;
  readonly high: number;
  /** Categorical: each kernel's probability of each choice, prior last. */
  readonly choiceProbs: Float64Array[];

  private readonly spec: ParamSpec;
  private readonly step: number | undefined;
  private readonly logW: Float64Array;
  /** log w_k - log mass_k of [low, high] - log sigma_k (continuous) or without log sigma (stepped). */
  private readonly norm: Float64Array;
  private readonly work: Float64Array;

  /** observations: internal values (categorical: choice indices), oldest first. */
  constructor(observations: readonly number[], spec: ParamSpec, opts: ParzenEstimatorOptions) {
    this.spec = spec;
    const n = observations.length;
    this.weights = mixtureWeights(n, opts);
    this.logW = this.weights.map(Math.log);
    this.work = new Float64Array(n + 1);

    if (spec.type === 'categorical') {
      const m = spec.choices.length;
      const k = n + 1;
      this.choiceProbs = [];
      for (let i = 0; i <= n; i++) {
        const row = new Float64Array(m).fill(n === 0 ? 1 / m : opts.priorWeight / k);
        if (i < n) row[observations[i]!]! += 1;
        let sum = 0;
        for (const v of row) sum += v;
        if (sum > 0) for (let c = 0; c < m; c++) row[c]! /= sum;
        this.choiceProbs.push(row);
      }
      this.mus = new Float64Array(0);
      this.sigmas = new Float64Array(0);
      this.low = NaN;
      this.high = NaN;
      this.step = undefined;
      this.norm = new Float64Array(0);
      return;
    }

    this.choiceProbs = [];
    this.step = stepOf(spec);
    let low = spec.low;
    let high = spec.high;
    if (this.step !== undefined) {
      low -= this.step / 2;
      high += this.step / 2;
    }
    const mus = spec.log ? observations.map(Math.log) : observations.slice();
    if (spec.log) {
      low = Math.log(low);
      high = Math.log(high);
    }
    this.low = low;
    this.high = high;
    const sigmas = kernelSigmas(mus, low, high, opts);
    this.mus = Float64Array.from([...mus, 0.5 * (low + high)]);
    this.sigmas = Float64Array.from([...sigmas, high - low]);
    this.norm = new Float64Array(n + 1);
    for (let i = 0; i <= n; i++) {
      const mu = this.mus[i]!;
      const sigma = this.sigmas[i]!;
      const logMass = logGaussMass((low - mu) / sigma, (high - mu) / sigma);
      this.norm[i] = this.logW[i]! - logMass - (this.step === undefined ? Math.log(sigma) : 0);
    }
  }

  /** Draws size internal values: a kernel by weight, then a value from it. */
  sample(rng: Xoshiro128, size: number): number[] {
    const out: number[] = [];
    const spec = this.spec;
    for (let j = 0; j < size; j++) {
      const k = pick(this.weights, rng.nextFloat());
      if (spec.type === 'categorical') {
        out.push(pick(this.choiceProbs[k]!, rng.nextFloat()));
        continue;
      }
      const mu = this.mus[k]!;
      const sigma = this.sigmas[k]!;
      let x = truncnormFromUniform(rng.nextFloat(), (this.low - mu) / sigma, (this.high - mu) / sigma, mu, sigma);
      if (spec.log) x = Math.exp(x);
      // exp and the affine map can round a hair outside the domain: clip, then snap to the grid
      x = this.step === undefined ? Math.min(Math.max(x, spec.low), spec.high) : roundToGrid(x, spec.low, spec.high, this.step);
      out.push(x);
    }
    return out;
  }

  /** log density of the mixture at internal value x (a probability mass for grids and choices). */
  logPdf(x: number): number {
    const spec = this.spec;
    const lp = this.work;
    const K = this.weights.length;
    if (spec.type === 'categorical') {
      for (let k = 0; k < K; k++) lp[k] = this.logW[k]! + Math.log(this.choiceProbs[k]![x]!);
      return logSumExp(lp);
    }
    if (this.step === undefined) {
      const xt = spec.log ? Math.log(x) : x;
      if (xt < this.low || xt > this.high) return -Infinity;
      for (let k = 0; k < K; k++) lp[k] = this.norm[k]! + normLogPdf((xt - this.mus[k]!) / this.sigmas[k]!);
      return logSumExp(lp);
    }
    const h = this.step / 2;
    const left = spec.log ? Math.log(x - h) : x - h;
    const right = spec.log ? Math.log(x + h) : x + h;
    for (let k = 0; k < K; k++) {
      const mu = this.mus[k]!;
      const sigma = this.sigmas[k]!;
      lp[k] = this.norm[k]! + logGaussMass((left - mu) / sigma, (right - mu) / sigma);
    }
    return logSumExp(lp);
  }
}
