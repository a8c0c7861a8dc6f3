/**
 * Parameter importance by fANOVA (Hutter, Hoos & Leyton-Brown, "An Efficient Approach for Assessing
 * Hyperparameter Importance", ICML 2014), as Optuna's FanovaImportanceEvaluator
 * (optuna/importance/_fanova/, v5.0.0.dev, commit 1d8ce7bb) with get_param_importances' normalisation:
 *
 * 1. A random forest regressor is fitted to the trials: the parameters (a numeric one as one
 *    column, a categorical one as one 0/1 column per choice) predict the objective value. Optuna's
 *    defaults, scikit-learn's RandomForestRegressor: 64 trees, each grown on a bootstrap sample
 *    (n draws with replacement) down to max depth 64 with min_samples_split 2 and min_samples_leaf 1;
 *    every node tries every column (max_features 1.0) in a random order and takes the threshold,
 *    midway between two neighbouring distinct values, that most reduces the squared error.
 * 2. Each tree is a piecewise-constant function on the search space's box (the leaves' boxes). Its
 *    total variance is the variance of that function under the uniform distribution on the box.
 * 3. For one parameter, the tree's marginal is the function averaged over all the other columns; it
 *    is constant between the tree's split points on the parameter's columns, so its variance is the
 *    size-weighted variance of its values at the midpoints of those intervals (for a categorical, of
 *    the grid of its one-hot columns, as Optuna does).
 * 4. A parameter's importance is the mean over trees (with non-zero variance) of marginal variance /
 *    total variance; the importances are then divided by their sum (equal shares if it is 0).
 *
 * Differences from Optuna: the forest is this module's (a seeded xoshiro128** stream, so the numbers
 * match Optuna's only in distribution, not draw for draw); a log-scale parameter is taken in log space
 * (as the original fANOVA, whose ConfigSpace representation is logarithmic, and as the samplers
 * draw it), where Optuna uses raw values; fewer than two trials with a finite value, or a constant
 * objective, throw a RangeError where Optuna returns zeros or raises. Single-valued parameters get 0,
 * as in Optuna. Only the first-order (single-parameter) importances are computed.
 */

import type { Params, SearchSpace } from './space.js';
import { isSingle, toInternal, validateSpace } from './space.js';
import { Xoshiro128 } from './xoshiro128.js';

export interface ImportanceOptions {
  /** Seed of the forest's randomness (default 0): the same seed gives the same importances. */
  seed?: number;
  /** Number of trees (default 64). */
  trees?: number;
  /** Maximum depth of a tree (default 64). */
  maxDepth?: number;
}

export interface ParamImportance {
  name: string;
  importance: number;
}

/** A fitted regression tree, in arrays: node i splits on feature[i] <= threshold[i] or is a leaf (feature -1). */
interface Tree {
  feature: number[];
  threshold: number[];
  left: number[];
  right: number[];
  value: number[];
}

/**
 * The fANOVA importance of each parameter of space for the trials' values, sorted by importance
 * (descending; the space's order among equals); the importances sum to 1. Trials with a non-finite
 * value are left out.
 */
export function parameterImportance(space: SearchSpace, trials: readonly { params: Params; value: number }[], opts: ImportanceOptions = {}): ParamImportance[] {
  validateSpace(space);
  const nTrees = opts.trees ?? 64;
  const maxDepth = opts.maxDepth ?? 64;
  if (!Number.isInteger(nTrees) || nTrees < 1) throw new RangeError(`trees must be an integer >= 1, got ${nTrees}`);
  if (!Number.isInteger(maxDepth) || maxDepth < 1) throw new RangeError(`maxDepth must be an integer >= 1, got ${maxDepth}`);
  const names = Object.keys(space);
  const active = names.filter((n) => !isSingle(space[n]!));

  // columns: bounds per raw feature, and each active parameter's columns
  const low: number[] = [];
  const high: number[] = [];
  const columnsOf: number[][] = [];
  for (const name of active) {
    const p = space[name]!;
    const cols: number[] = [];
    if (p.type === 'categorical') {
      for (let c = 0; c < p.choices.length; c++) {
        cols.push(low.length);
        low.push(0);
        high.push(1);
      }
    } else {
      cols.push(low.length);
      low.push(p.log ? Math.log(p.low) : p.low);
      high.push(p.log ? Math.log(p.high) : p.high);
    }
    columnsOf.push(cols);
  }

  const usable = trials.filter((t) => Number.isFinite(t.value));
  if (usable.length < 2) throw new RangeError(`parameter importance needs at least 2 trials with a finite value, got ${usable.length}`);
  const X = usable.map((t) => {
    const row = new Float64Array(low.length);
    active.forEach((name, a) => {
      const p = space[name]!;
      const v = toInternal(name, p, t.params[name]!);
      if (p.type === 'categorical') row[columnsOf[a]![v]!] = 1;
      else row[columnsOf[a]![0]!] = p.log ? Math.log(v) : v;
    });
    return row;
  });
  const y = usable.map((t) => t.value);

  const rng = new Xoshiro128(opts.seed ?? 0);
  const sums = new Array<number>(active.length).fill(0);
  let counted = 0;
  for (let k = 0; k < nTrees; k++) {
    const sample = Array.from({ length: X.length }, () => rng.nextInt(X.length));
    const tree = fitTree(X, y, sample, maxDepth, rng);
    const leaves = leafBoxes(tree, low, high);
    const total = boxVariance(leaves, low, high);
    if (!(total > 0)) continue;
    counted++;
    columnsOf.forEach((cols, a) => (sums[a]! += Math.max(0, marginalVariance(tree, leaves, cols, low, high)) / total));
  }
  if (active.length > 0 && counted === 0) throw new RangeError('every tree is constant: the objective does not vary over the trials, so there is no importance to assess');

  const raw = names.map((name) => {
    const a = active.indexOf(name);
    return a < 0 ? 0 : sums[a]! / counted;
  });
  const sum = raw.reduce((s, v) => s + v, 0);
  const out = names.map((name, i) => ({ name, importance: sum > 0 ? raw[i]! / sum : 1 / names.length }));
  return out.sort((a, b) => b.importance - a.importance);
}

/** Grows a regression tree on the rows sample (bootstrap indices into X, repeats allowed). */
function fitTree(X: readonly Float64Array[], y: readonly number[], sample: number[], maxDepth: number, rng: Xoshiro128): Tree {
  const tree: Tree = { feature: [], threshold: [], left: [], right: [], value: [] };
  const nFeatures = X[0]!.length;
  const grow = (rows: number[], depth: number): number => {
    const node = tree.feature.length;
    let sum = 0;
    let yMin = Infinity;
    let yMax = -Infinity;
    for (const r of rows) {
      sum += y[r]!;
      yMin = Math.min(yMin, y[r]!);
      yMax = Math.max(yMax, y[r]!);
    }
    tree.feature.push(-1);
    tree.threshold.push(NaN);
    tree.left.push(-1);
    tree.right.push(-1);
    tree.value.push(sum / rows.length);
    if (depth >= maxDepth || rows.length < 2 || yMin === yMax) return node;

    // the split maximising sumL^2/nL + sumR^2/nR (scikit-learn's proxy for the squared-error decrease)
    let bestFeature = -1;
    let bestThreshold = NaN;
    let bestProxy = -Infinity;
    for (const f of shuffled(nFeatures, rng)) {
      const sorted = rows.slice().sort((a, b) => X[a]![f]! - X[b]![f]!);
      let sumLeft = 0;
      for (let i = 0; i < sorted.length - 1; i++) {
        sumLeft += y[sorted[i]!]!;
        const x0 = X[sorted[i]!]![f]!;
        const x1 = X[sorted[i + 1]!]![f]!;
        if (!(x1 > x0)) continue;
        const nLeft = i + 1;
        const sumRight = sum - sumLeft;
        const proxy = (sumLeft * sumLeft) / nLeft + (sumRight * sumRight) / (sorted.length - nLeft);
        if (proxy > bestProxy) {
          bestProxy = proxy;
          bestFeature = f;
          const mid = x0 / 2 + x1 / 2;
          bestThreshold = mid >= x1 ? x0 : mid;
        }
      }
    }
    if (bestFeature < 0) return node;
    const leftRows = rows.filter((r) => X[r]![bestFeature]! <= bestThreshold);
    const rightRows = rows.filter((r) => X[r]![bestFeature]! > bestThreshold);
    tree.feature[node] = bestFeature;
    tree.threshold[node] = bestThreshold;
    tree.left[node] = grow(leftRows, depth + 1);
    tree.right[node] = grow(rightRows, depth + 1);
    return node;
  };
  grow(sample, 0);
  return tree;
}

/** 0..n-1 in a random order (Fisher-Yates). */
function shuffled(n: number, rng: Xoshiro128): number[] {
  const a = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.nextInt(i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

interface Leaf {
  value: number;
  lower: Float64Array;
  upper: Float64Array;
}

/** The leaves with their boxes inside [low, high]. */
function leafBoxes(tree: Tree, low: readonly number[], high: readonly number[]): Leaf[] {
  const leaves: Leaf[] = [];
  const walk = (node: number, lower: Float64Array, upper: Float64Array) => {
    const f = tree.feature[node]!;
    if (f < 0) {
      leaves.push({ value: tree.value[node]!, lower, upper });
      return;
    }
    const t = tree.threshold[node]!;
    const leftUpper = upper.slice();
    leftUpper[f] = Math.min(upper[f]!, t);
    const rightLower = lower.slice();
    rightLower[f] = Math.max(lower[f]!, t);
    walk(tree.left[node]!, lower, leftUpper);
    walk(tree.right[node]!, rightLower, upper);
  };
  walk(0, Float64Array.from(low), Float64Array.from(high));
  return leaves;
}

/** Width of a box along column c (0 if empty). */
const width = (lower: ArrayLike<number>, upper: ArrayLike<number>, c: number) => Math.max(0, upper[c]! - lower[c]!);

/** The variance of the tree's function under the uniform distribution on the box [low, high]. */
function boxVariance(leaves: readonly Leaf[], low: readonly number[], high: readonly number[]): number {
  let total = 1;
  for (let c = 0; c < low.length; c++) total *= high[c]! - low[c]!;
  let mean = 0;
  const vols = leaves.map((l) => {
    let v = 1;
    for (let c = 0; c < low.length; c++) v *= width(l.lower, l.upper, c);
    return v / total;
  });
  leaves.forEach((l, i) => (mean += vols[i]! * l.value));
  let variance = 0;
  leaves.forEach((l, i) => (variance += vols[i]! * (l.value - mean) ** 2));
  return variance;
}

/**
 * The variance of the tree's marginal over the columns cols (averaged over every other column),
 * under the uniform distribution on the box: the marginal is constant on the grid cells cut by the
 * tree's thresholds on cols, so one value per cell, weighted by the cell's size.
 */
function marginalVariance(tree: Tree, leaves: readonly Leaf[], cols: readonly number[], low: readonly number[], high: readonly number[]): number {
  const edges = cols.map((c) => {
    const cuts = new Set<number>();
    tree.feature.forEach((f, i) => f === c && cuts.add(tree.threshold[i]!));
    return [low[c]!, ...[...cuts].sort((a, b) => a - b), high[c]!];
  });
  // each leaf's weight when averaging over the other columns: its volume there, relative to theirs
  const others = leaves.map((l) => {
    let v = 1;
    for (let c = 0; c < low.length; c++) if (!cols.includes(c)) v *= width(l.lower, l.upper, c) / (high[c]! - low[c]!);
    return v;
  });
  const values: number[] = [];
  const sizes: number[] = [];
  const cell = new Array<number>(cols.length).fill(0);
  for (;;) {
    let size = 1;
    const mid = cols.map((_, j) => {
      const e = edges[j]!;
      size *= (e[cell[j]! + 1]! - e[cell[j]!]!) / (high[cols[j]!]! - low[cols[j]!]!);
      return 0.5 * (e[cell[j]!]! + e[cell[j]! + 1]!);
    });
    let value = 0;
    leaves.forEach((l, i) => {
      if (cols.every((c, j) => l.lower[c]! < mid[j]! && mid[j]! < l.upper[c]!)) value += l.value * others[i]!;
    });
    values.push(value);
    sizes.push(size);
    // next cell of the grid, the last column fastest
    let j = cols.length - 1;
    while (j >= 0 && ++cell[j]! === edges[j]!.length - 1) cell[j--] = 0;
    if (j < 0) break;
  }
  let mean = 0;
  values.forEach((v, i) => (mean += sizes[i]! * v));
  let variance = 0;
  values.forEach((v, i) => (variance += sizes[i]! * (v - mean) ** 2));
  return variance;
}
