import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../testing/dataFile.js';
import { referenceFeatures } from '../testing/referenceFeatures.js';
import { OnnxSession } from '../onnx/onnxSession.js';
import { binFeature, fitGbdt, predictGbdt, treeImportance, type GbdtModel } from './gradientBoosting.js';
import { exportTreeEnsemble } from './treeEnsembleOnnx.js';

// XGBoost 1.7 trained on the same rows with the same hyper-parameters (test/reference/xgboost_model.py).
const reference = (name: string) => JSON.parse(readFileSync(join(projectRoot, 'test', 'reference', name), 'utf8'));
const xgb = reference('xgboost_classifier.json');
const expected = reference('xgboost_predictions.json');
const hist = reference('xgboost_hist.json');

const { rows, labels } = referenceFeatures(expected.data);
const model = fitGbdt(rows, labels, 3, { rounds: 20, maxDepth: 3, eta: 0.3, lambda: 1 });

test('gradient boosting grows XGBoost\'s exact-greedy trees: the same 60 trees, split for split', () => {
  const theirs = xgb.learner.gradient_booster.model;
  assert.deepEqual(model.treeInfo, theirs.tree_info);
  model.trees.forEach((tree, k) => {
    const other = theirs.trees[k];
    assert.deepEqual(tree.left_children, other.left_children, `tree ${k} shape`);
    assert.deepEqual(tree.split_indices.filter((_, j) => tree.left_children[j] !== -1), other.split_indices.filter((_: number, j: number) => other.left_children[j] !== -1), `tree ${k} features`);
    // Thresholds and leaf values are float32 in both; leaf sums may differ in the last bit.
    tree.split_conditions.forEach((v, j) => assert.ok(Math.abs(v - other.split_conditions[j]) <= 1e-6 * Math.max(1, Math.abs(v)), `tree ${k} node ${j}: ${v} vs ${other.split_conditions[j]}`));
    // Gains: hean sums in double and rounds once; XGBoost rounds each term G^2/(H+lambda), far
    // larger than the gain, to float32: up to 5e-6 relative here.
    tree.loss_changes!.forEach((v, j) => assert.ok(Math.abs(v - other.loss_changes[j]) <= 1e-5 * Math.max(1, Math.abs(v)), `tree ${k} node ${j} gain: ${v} vs ${other.loss_changes[j]}`));
  });
});

const names = ['r1', 'r2', 'r3', 'hl'];
// get_score sums float32 gains in its own order: 1e-5 relative is that rounding; a split more or
// less would move a feature's total by at least the smallest gain (> 1e-3 here) and its count by 1.
function assertImportance(model: GbdtModel, theirs: { total_gain: Record<string, number>; weight: Record<string, number> }) {
  const { gain, splits } = treeImportance(model, 4);
  names.forEach((name, f) => {
    assert.equal(splits[f], theirs.weight[name], `${name} split count`);
    assert.ok(Math.abs(gain[f] - theirs.total_gain[name]) <= 1e-5 * theirs.total_gain[name], `${name} total gain ${gain[f]} vs ${theirs.total_gain[name]}`);
  });
}

test('gain and split count per feature are XGBoost\'s get_score total_gain and weight', () => assertImportance(model, hist.exact_classifier_importance));

for (const [policy, growth] of [['depthwise', 'depthwise'], ['lossguide', 'leafwise']] as const) {
  test(`histogram trees grown ${growth} are XGBoost's tree_method hist, grow_policy ${policy}: split for split`, () => {
    const theirs = hist.hist[policy];
    const p = theirs.params;
    const ours = fitGbdt(rows, labels, 3, { rounds: theirs.rounds, maxDepth: p.max_depth, eta: p.eta, lambda: p.lambda, method: 'hist', maxBins: p.max_bin, growth, maxLeaves: p.max_leaves ?? 0 });
    assert.deepEqual(ours.treeInfo, theirs.tree_info);
    ours.trees.forEach((tree, k) => {
      const other = theirs.trees[k];
      assert.deepEqual(tree.left_children, other.left_children, `tree ${k} shape`);
      assert.deepEqual(tree.right_children, other.left_children.map((l: number) => (l === -1 ? -1 : l + 1)), `tree ${k} right children`);
      tree.left_children.forEach((left, j) => {
        if (left === -1) {
          // Leaf values: float32 in both, from double sums of float32 gradients added in another order.
          assert.ok(Math.abs(tree.split_conditions[j] - other.split_conditions[j]) <= 1e-6, `tree ${k} leaf ${j}: ${tree.split_conditions[j]} vs ${other.split_conditions[j]}`);
        } else {
          assert.equal(tree.split_indices[j], other.split_indices[j], `tree ${k} node ${j} feature`);
          // Both thresholds are the same float32 data value (the cut), so they agree exactly.
          assert.equal(tree.split_conditions[j], Math.fround(other.split_conditions[j]), `tree ${k} node ${j} threshold`);
          // Gains are float32 computed alike (see growHistTree), the difference of terms G^2/(H+lambda)
          // far larger than it, so the terms' float32 rounding of sums added in another order shows
          // up to 7e-6 relative (6e-5 absolute) here; a different split would differ in its feature or threshold.
          assert.ok(Math.abs(tree.loss_changes![j] - other.loss_changes[j]) <= 1e-5 * Math.max(1, other.loss_changes[j]), `tree ${k} node ${j} gain: ${tree.loss_changes![j]} vs ${other.loss_changes[j]}`);
        }
      });
    });
    assertImportance(ours, theirs.importance);
    // Probabilities: float32 leaf sums of 10 rounds, so 1e-6 as above.
    const probabilities = predictGbdt(ours, rows.slice(0, 100));
    (theirs.probabilities as number[][]).flat().forEach((want, j) => assert.ok(Math.abs(probabilities[j] - want) < 1e-6, `${j}: ${probabilities[j]} vs ${want}`));
  });
}

test('binning: one bin per distinct value up to maxBins, else cuts at the quantiles; NaN in a bin of its own', () => {
  const few = binFeature(Float32Array.of(3, 1, 2, 2, NaN, 1), 3);
  assert.deepEqual([...few.cuts], [2, 3, Math.fround(3 + 3 + 1e-5)]);
  assert.deepEqual([...few.bin], [2, 0, 1, 1, 3, 0]);
  const many = binFeature(Float32Array.from({ length: 1000 }, (_, i) => 999 - i), 4);
  assert.deepEqual([...many.cuts].slice(0, 3), [250, 500, 750]);
  assert.deepEqual([0, 1, 2, 3].map((b) => many.bin.filter((x) => x === b).length), [250, 250, 250, 250]);
});

test('histogram trees learn where missing values go, and predict as their ONNX export does', () => {
  // hl (volatility) missing on a fifth of the rows, the calm ones: its NaN bin goes with the low values.
  const holed = rows.map((r) => (r[3] < 0.35 && r[0] > 0 ? Float64Array.of(r[0], r[1], r[2], NaN) : r));
  const m = fitGbdt(holed, labels, 3, { rounds: 5, method: 'hist', growth: 'leafwise', maxLeaves: 8, maxDepth: 0 });
  assert.ok(m.trees.some((t) => t.default_left.some((d, j) => d === 1 && t.split_indices[j] === 3)), 'some split on hl sends missing values left');
  const sample = holed.slice(0, 300);
  const { bytes } = exportTreeEnsemble({ trees: m.trees, treeInfo: m.treeInfo, baseScore: m.baseScore, objective: 'multi:softprob', numClass: 3, features: names, classes: ['DOWN', 'NEUTRAL', 'UP'], source: 'hean' }, 'test');
  const session = OnnxSession.fromBytes('gbdt.onnx', bytes);
  const got = session.run({ features: { type: 'float32', data: Float32Array.from(sample.flatMap((r) => [...r])), dims: [sample.length, 4] } }, ['probabilities']).probabilities.data as Float32Array;
  session.dispose();
  predictGbdt(m, sample).forEach((want, j) => assert.ok(Math.abs(got[j] - want) < 1e-6, `${j}: ${got[j]} vs ${want}`));
});

test('its ONNX export gives XGBoost\'s probabilities', () => {
  const { bytes } = exportTreeEnsemble({ trees: model.trees, treeInfo: model.treeInfo, baseScore: model.baseScore, objective: 'multi:softprob', numClass: 3, features: ['r1', 'r2', 'r3', 'hl'], classes: ['DOWN', 'NEUTRAL', 'UP'], source: 'hean' }, 'test');
  const session = OnnxSession.fromBytes('gbdt.onnx', bytes);
  const got = session.run({ features: { type: 'float32', data: Float32Array.from(expected.inputs.flat()), dims: [expected.inputs.length, 4] } }, ['probabilities']).probabilities.data as Float32Array;
  session.dispose();
  (expected.classifier_probabilities as number[][]).flat().forEach((want, j) => assert.ok(Math.abs(got[j] - want) < 1e-6, `${j}: ${got[j]} vs ${want}`));
});
