import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dominates, hypervolume, hypervolumeContributionWeights, motpeBelowMask, nondominatedRanks, paretoFront, referencePoint, solveHssp, toLosses } from './multiObjective.js';
import { Xoshiro128 } from './xoshiro128.js';

// Seven points, both minimised. Hand-worked: #2 [3,4] is dominated by #1 [2,3]; #5 [5,5] by nearly
// all; #6 [1,6] by #0 [1,5]; #4 duplicates #1. Front {0,1,3,4}; without it, #2 and #6 do not
// dominate each other (1 < 3 but 6 > 4) and both dominate #5: ranks [0,0,1,0,0,2,1].
const seven = [[1, 5], [2, 3], [3, 4], [4, 1], [2, 3], [5, 5], [1, 6]];

test('paretoFront and nondominatedRanks: a hand-worked example with a duplicate on the front', () => {
  assert.deepEqual(paretoFront(seven, ['minimize', 'minimize']), [0, 1, 3, 4]);
  assert.deepEqual(nondominatedRanks(seven, ['minimize', 'minimize']), [0, 0, 1, 0, 0, 2, 1]);
  // all equal: none dominates another
  assert.deepEqual(paretoFront([[1, 1], [1, 1], [1, 1]], ['minimize', 'maximize']), [0, 1, 2]);
  assert.deepEqual(paretoFront([], ['minimize']), []);
});

test('paretoFront: maximised objectives are negated', () => {
  // maximise the second: [1,5] and [2,6] trade off (2 > 1 but 6 > 5), [0,1] is cheapest; [2,5] is beaten by [1,5]
  const v = [[1, 5], [2, 6], [0, 1], [2, 5]];
  assert.deepEqual(paretoFront(v, ['minimize', 'maximize']), [0, 1, 2]);
  assert.deepEqual(nondominatedRanks(v, ['minimize', 'maximize']), [0, 0, 0, 1]);
  // maximise both: [2,6] dominates every other point
  assert.deepEqual(paretoFront(v, ['maximize', 'maximize']), [1]);
  assert.deepEqual(nondominatedRanks(v, ['maximize', 'maximize']), [2, 0, 3, 1]);
  // one objective: the rank is the position among the distinct values
  assert.deepEqual(nondominatedRanks([[3], [1], [3], [2]], ['minimize']), [2, 0, 2, 1]);
  assert.deepEqual(toLosses([[1, 2]], ['maximize', 'minimize']), [[-1, 2]]);
  assert.equal(dominates([1, 2], [1, 2]), false);
  assert.equal(dominates([1, 2], [1, 3]), true);
  assert.throws(() => paretoFront([[1, 2, 3]], ['minimize', 'minimize']), /3 values for 2 objectives/);
});

/** Hypervolume by inclusion-exclusion over all subsets: the union of boxes [p, ref], independently of the code under test. */
function inclusionExclusion(points: number[][], ref: number[]): number {
  let total = 0;
  for (let mask = 1; mask < 1 << points.length; mask++) {
    const corner = ref.map(() => -Infinity);
    let bits = 0;
    points.forEach((p, i) => {
      if (mask & (1 << i)) {
        bits++;
        p.forEach((x, k) => (corner[k] = Math.max(corner[k]!, x)));
      }
    });
    const vol = corner.reduce((v, x, k) => v * Math.max(0, ref[k]! - x), 1);
    total += bits % 2 ? vol : -vol;
  }
  return total;
}

test('hypervolume: hand-worked staircases in 2 and 3 objectives, and inclusion-exclusion on random sets', () => {
  // strips (4-1)(4-3) + (4-2)(3-2) + (4-3)(2-1) = 3 + 2 + 1
  assert.equal(hypervolume([[1, 3], [2, 2], [3, 1]], [4, 4]), 6);
  // a dominated point, a duplicate and a point outside the reference add nothing
  assert.equal(hypervolume([[1, 3], [2, 2], [3, 1], [3, 3], [2, 2], [5, 0]], [4, 4]), 6);
  // three unit-thick slabs in a 2-cube: 2 + 2 + 2 - 1 - 1 - 1 + 1
  assert.equal(hypervolume([[0, 1, 1], [1, 0, 1], [1, 1, 0]], [2, 2, 2]), 4);
  assert.equal(hypervolume([[1, 1, 1]], [2, 2, 2]), 1);
  assert.equal(hypervolume([], [1, 1]), 0);
  const rng = new Xoshiro128(11);
  for (const d of [2, 3, 4]) {
    for (let rep = 0; rep < 20; rep++) {
      const pts = Array.from({ length: 7 }, () => Array.from({ length: d }, () => Math.round(rng.nextFloat() * 8) / 8));
      const ref = new Array<number>(d).fill(1.1);
      const want = inclusionExclusion(pts, ref);
      const got = hypervolume(pts, ref);
      assert.ok(Math.abs(got - want) < 1e-12, `d=${d}: ${got} vs ${want} for ${JSON.stringify(pts)}`);
    }
  }
});

test('referencePoint: 1.1 times the worst loss, 0.9 times if negative, 0 becomes 1e-12', () => {
  assert.deepEqual(referencePoint([[1, -2, 0], [3, -4, 0]]), [1.1 * 3, 0.9 * -2, 1e-12]);
});

test('solveHssp: greedy by hypervolume contribution, lexicographic on ties; duplicates only when needed', () => {
  const pts = [[1, 3], [2, 2], [3, 1]];
  // alone, the boxes to [4,4] are 3, 4, 3: take [2,2]; then [1,3] and [3,1] each add 1, the first in order wins
  assert.deepEqual(solveHssp(pts, 1, [4, 4]), [1]);
  assert.deepEqual(solveHssp(pts, 2, [4, 4]), [1, 0]);
  // listed in another order, the same points are chosen
  assert.deepEqual(solveHssp([[3, 1], [2, 2], [1, 3]], 2, [4, 4]), [1, 2]);
  // a concave set: boxes to [4,4] are 4, 2.25, 4; [0,3] first (a tie, lexicographic), then [3,0]
  // adds 4 - 1 (its overlap [3,4]x[3,4]) against [2.5,2.5]'s 2.25 - 1.5 x 1
  assert.deepEqual(solveHssp([[2.5, 2.5], [3, 0], [0, 3]], 2, [4, 4]), [2, 1]);
  // two distinct points for three places: both, then the first duplicate
  assert.deepEqual(solveHssp([[1, 1], [1, 1], [1, 1], [0, 2]], 3, [3, 3]), [0, 1, 3]);
  // an infinite reference: the first points in lexicographic order
  assert.deepEqual(solveHssp([[2, 0], [1, 5], [0, 9]], 2, [Infinity, 10]), [2, 1]);
});

test('motpeBelowMask: whole ranks, then the cut rank by hypervolume subset selection', () => {
  // ranks [0,0,1,0,0,2,1]; 5 places: rank 0 (4 points) fits; rank 1 (#2 [3,4], #6 [1,6]) must give one.
  // Its own reference point is 1.1 x its worst, [3.3, 6.6]: #2's box 0.3 x 2.6 = 0.78, #6's 2.3 x 0.6 = 1.38.
  assert.deepEqual(motpeBelowMask(seven, 5), [true, true, false, true, true, false, true]);
  assert.deepEqual(motpeBelowMask(seven, 6), [true, true, true, true, true, false, true]);
  assert.deepEqual(motpeBelowMask(seven, 4), [true, true, false, true, true, false, false]);
  // rank 0 does not fit in 2 places: [2,3] x2, [1,5], [4,1] with reference [4.4, 5.5];
  // boxes: [1,5] 3.4 x 0.5 = 1.7, [2,3] 2.4 x 2.5 = 6, [4,1] 0.4 x 4.5 = 1.8; then [1,5] adds 1 x 0.5, [4,1] 0.4 x 2: [4,1]
  assert.deepEqual(motpeBelowMask(seven, 2), [false, true, false, true, false, false, false]);
  assert.deepEqual(motpeBelowMask(seven, 0), new Array(7).fill(false));
  assert.deepEqual(motpeBelowMask(seven, 7), new Array(7).fill(true));
});

test('hypervolumeContributionWeights: leave-one-out contributions over the largest, dominated points 1e-12', () => {
  // reference 1.1 x worst = [3.3, 3.3]; exclusive areas: [1,3] 1 x 0.3, [2,2] 1 x 1, [3,1] 0.3 x 1; [3,3] is dominated
  const w = hypervolumeContributionWeights([[1, 3], [2, 2], [3, 1], [3, 3]]);
  [0.3, 1, 0.3, 1e-12].forEach((e, i) => assert.ok(Math.abs(w[i]! - e) < 1e-12, `w[${i}] = ${w[i]}`));
  assert.deepEqual(hypervolumeContributionWeights([[5, 5]]), [1]);
  assert.deepEqual(hypervolumeContributionWeights([[-Infinity, 1], [0, 0]]), [1, 1]);
});
