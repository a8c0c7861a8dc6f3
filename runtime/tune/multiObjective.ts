/**
 * Pareto dominance, hypervolume and the pieces of Optuna's multi-objective TPE (MOTPE; Ozaki,
 * Tanigaki, Watanabe, Nomura & Onishi, "Multiobjective Tree-Structured Parzen Estimator", JAIR 75,
 * 2022) that decide which trials are "good".
 *
 * Values are compared as losses: a maximised objective is negated (toLosses), so smaller is better in
 * every coordinate. a dominates b when a <= b in every objective and a != b; so equal points never
 * dominate each other, and a duplicate of a Pareto-optimal point is Pareto-optimal too (as in Optuna's
 * _is_pareto_front).
 *
 * Sources: optuna/study/_multi_objective.py (_is_pareto_front, _fast_non_domination_rank),
 * optuna/_hypervolume/hssp.py (_solve_hssp), optuna/_hypervolume/wfg.py and
 * optuna/samplers/_tpe/sampler.py (_split_complete_trials_multi_objective, _get_reference_point),
 * v5.0.0.dev, commit 1d8ce7bb; the hypervolume-contribution weights from the commit before
 * 2dfba089 ("Make the weights of good trials uniform"). Written here, not copied.
 */

import type { Direction } from './trialHistory.js';

/** Optuna's EPS in the TPE sampler: the floor of reference-point coordinates and weights. */
const EPS = 1e-12;

/** The values as losses: maximised objectives negated, so smaller is better everywhere. */
export function toLosses(values: readonly (readonly number[])[], directions: readonly Direction[]): number[][] {
  return values.map((v, i) => {
    if (v.length !== directions.length) throw new RangeError(`point ${i} has ${v.length} values for ${directions.length} objectives`);
    return v.map((x, k) => (directions[k] === 'maximize' ? -x : x));
  });
}

/** True when loss vector a dominates b: no worse anywhere and better somewhere. */
export function dominates(a: readonly number[], b: readonly number[]): boolean {
  let better = false;
  for (let k = 0; k < a.length; k++) {
    if (a[k]! > b[k]!) return false;
    if (a[k]! < b[k]!) better = true;
  }
  return better;
}

/**
 * Non-domination ranks (the fast non-dominated sort of Deb et al., NSGA-II, IEEE TEC 6(2), 2002):
 * rank 0 is the Pareto front, rank 1 the front of the rest, and so on.
 */
export function nondominatedRanks(values: readonly (readonly number[])[], directions: readonly Direction[]): number[] {
  return lossRanks(toLosses(values, directions));
}

/** The indices of the non-dominated points (rank 0), ascending. */
export function paretoFront(values: readonly (readonly number[])[], directions: readonly Direction[]): number[] {
  const ranks = nondominatedRanks(values, directions);
  const out: number[] = [];
  ranks.forEach((r, i) => r === 0 && out.push(i));
  return out;
}

/** Non-domination ranks of loss vectors. */
export function lossRanks(losses: readonly (readonly number[])[]): number[] {
  const n = losses.length;
  const dominatedBy = new Array<number>(n).fill(0);
  const dominatesList: number[][] = losses.map(() => []);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (dominates(losses[i]!, losses[j]!)) {
        dominatesList[i]!.push(j);
        dominatedBy[j]!++;
      } else if (dominates(losses[j]!, losses[i]!)) {
        dominatesList[j]!.push(i);
        dominatedBy[i]!++;
      }
    }
  }
  const ranks = new Array<number>(n).fill(-1);
  let front = dominatedBy.flatMap((c, i) => (c === 0 ? [i] : []));
  for (let rank = 0; front.length > 0; rank++) {
    const next: number[] = [];
    for (const i of front) {
      ranks[i] = rank;
      for (const j of dominatesList[i]!) if (--dominatedBy[j]! === 0) next.push(j);
    }
    front = next;
  }
  return ranks;
}

/**
 * The hypervolume dominated by loss vectors and bounded by reference: the volume of the union of
 * the boxes [p, reference]. Points not strictly below the reference in every coordinate add nothing.
 * Two objectives: a sweep; more: the WFG recursion (While, Bradstreet & Barone, IEEE TEC 16(1),
 * 2012), hv(S) = sum_i (volume of box p_i - hv of the later points limited to p_i's box).
 */
export function hypervolume(losses: readonly (readonly number[])[], reference: readonly number[]): number {
  const inside = losses.filter((p) => p.every((x, k) => x < reference[k]!));
  return hvRec(inside, reference);
}

function boxVolume(p: readonly number[], reference: readonly number[]): number {
  let v = 1;
  for (let k = 0; k < p.length; k++) v *= reference[k]! - p[k]!;
  return v;
}

function hvRec(points: readonly (readonly number[])[], reference: readonly number[]): number {
  if (points.length === 0) return 0;
  if (points.length === 1) return boxVolume(points[0]!, reference);
  const d = reference.length;
  if (d === 1) return reference[0]! - Math.min(...points.map((p) => p[0]!));
  const sorted = points.slice().sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!);
  if (d === 2) {
    let area = 0;
    let yMin = reference[1]!;
    for (const p of sorted) {
      if (p[1]! < yMin) {
        area += (reference[0]! - p[0]!) * (yMin - p[1]!);
        yMin = p[1]!;
      }
    }
    return area;
  }
  let total = 0;
  for (let i = 0; i < sorted.length; i++) total += exclusiveHv(sorted[i]!, sorted.slice(i + 1), reference);
  return total;
}

/** The volume p adds to the points others: its box minus their union limited to its box. */
function exclusiveHv(p: readonly number[], others: readonly (readonly number[])[], reference: readonly number[]): number {
  const limited = others.map((q) => q.map((x, k) => Math.max(x, p[k]!))).filter((q) => q.every((x, k) => x < reference[k]!));
  const front = limited.filter((q, i) => !limited.some((r, j) => (j < i ? dominatesOrEquals(r, q) : dominates(r, q))));
  return boxVolume(p, reference) - hvRec(front, reference);
}

function dominatesOrEquals(a: readonly number[], b: readonly number[]): boolean {
  return a.every((x, k) => x <= b[k]!);
}

/** Optuna's _get_reference_point: 1.1 times the worst loss per objective (0.9 if negative), 0 -> EPS. */
export function referencePoint(losses: readonly (readonly number[])[]): number[] {
  const d = losses[0]!.length;
  const ref: number[] = [];
  for (let k = 0; k < d; k++) {
    let worst = -Infinity;
    for (const p of losses) worst = Math.max(worst, p[k]!);
    const r = Math.max(1.1 * worst, 0.9 * worst);
    ref.push(r === 0 ? EPS : r);
  }
  return ref;
}

/** Indices of the distinct loss vectors in lexicographic order, each its first occurrence. */
function uniqueLexsorted(losses: readonly (readonly number[])[]): number[] {
  const order = losses.map((_, i) => i).sort((i, j) => {
    const a = losses[i]!;
    const b = losses[j]!;
    for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return a[k]! - b[k]!;
    return i - j;
  });
  return order.filter((i, pos) => pos === 0 || losses[order[pos - 1]!]!.some((x, k) => x !== losses[i]![k]));
}

/**
 * Greedy hypervolume subset selection (Optuna's _solve_hssp; Guerreiro, Fonseca & Paquete, "Greedy
 * Hypervolume Subset Selection in Low Dimensions", Evol. Comput. 24(3), 2016): subsetSize indices of
 * losses, each step adding the point whose hypervolume contribution to the chosen ones is largest
 * (the first in lexicographic order on ties). Duplicates are chosen only when there are fewer distinct
 * points than subsetSize; with a non-finite reference point the first distinct points in
 * lexicographic order are taken. Returned in the order chosen.
 */
export function solveHssp(losses: readonly (readonly number[])[], subsetSize: number, reference: readonly number[]): number[] {
  const n = losses.length;
  if (subsetSize >= n) return losses.map((_, i) => i);
  const unique = uniqueLexsorted(losses);
  if (unique.length < subsetSize) {
    const chosen = new Set(unique);
    for (let i = 0; i < n && chosen.size < subsetSize; i++) chosen.add(i);
    return [...chosen].sort((a, b) => a - b);
  }
  if (!reference.every(Number.isFinite) || unique.some((i) => !losses[i]!.every(Number.isFinite))) return unique.slice(0, subsetSize);
  const candidates = unique.slice();
  const selected: number[] = [];
  const selectedPoints: (readonly number[])[] = [];
  while (selected.length < subsetSize) {
    let best = 0;
    let bestGain = -Infinity;
    for (let c = 0; c < candidates.length; c++) {
      const p = losses[candidates[c]!]!;
      const gain = p.every((x, k) => x < reference[k]!) ? exclusiveHv(p, selectedPoints, reference) : 0;
      if (gain > bestGain) {
        bestGain = gain;
        best = c;
      }
    }
    selected.push(candidates[best]!);
    selectedPoints.push(losses[candidates[best]!]!);
    candidates.splice(best, 1);
  }
  return selected;
}

/**
 * Which of n trials (as loss vectors) form MOTPE's good group of size nBelow (Optuna's
 * _split_complete_trials_multi_objective): whole non-domination ranks while they fit, then the rank
 * that does not fit is cut by greedy hypervolume subset selection, with the reference point taken
 * from that rank alone. Returns a mask, true for the good trials.
 */
export function motpeBelowMask(losses: readonly (readonly number[])[], nBelow: number): boolean[] {
  const n = losses.length;
  const below = new Array<boolean>(n).fill(nBelow >= n);
  if (nBelow <= 0 || nBelow >= n) return below;
  const ranks = lossRanks(losses);
  const counts: number[] = [];
  for (const r of ranks) counts[r] = (counts[r] ?? 0) + 1;
  let taken = 0;
  let rank = 0;
  while (taken + counts[rank]! <= nBelow) taken += counts[rank++]!;
  ranks.forEach((r, i) => (below[i] = r < rank));
  if (taken < nBelow) {
    const tied = ranks.flatMap((r, i) => (r === rank ? [i] : []));
    const tiedLosses = tied.map((i) => losses[i]!);
    for (const j of solveHssp(tiedLosses, nBelow - taken, referencePoint(tiedLosses))) below[tied[j]!] = true;
  }
  return below;
}

/**
 * MOTPE's kernel weights for the good trials, as Optuna computed them before v5 (and as Ozaki et
 * al. propose): each point's leave-one-out hypervolume contribution among the good trials' Pareto
 * front, divided by the largest, floored at EPS (dominated points get EPS). Uniform when there is at
 * most one point or the hypervolume is infinite. Optuna v5 uses uniform weights instead.
 */
export function hypervolumeContributionWeights(losses: readonly (readonly number[])[]): number[] {
  const n = losses.length;
  if (n <= 1) return new Array<number>(n).fill(1);
  const reference = referencePoint(losses);
  const ranks = lossRanks(losses);
  const front = ranks.flatMap((r, i) => (r === 0 ? [i] : []));
  const frontPoints = front.map((i) => losses[i]!);
  const hv = hypervolume(frontPoints, reference);
  if (!Number.isFinite(hv)) return new Array<number>(n).fill(1);
  const contribs = new Array<number>(n).fill(0);
  front.forEach((i, f) => (contribs[i] = hv - hypervolume(frontPoints.filter((_, g) => g !== f), reference)));
  const max = Math.max(EPS, ...contribs);
  return contribs.map((c) => Math.max(c / max, EPS));
}
