import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../testing/dataFile.js';
import { referenceFeatures } from '../testing/referenceFeatures.js';
import { OnnxSession } from '../onnx/onnxSession.js';
import { fitGbdt } from './gradientBoosting.js';
import { exportTreeEnsemble } from './treeEnsembleOnnx.js';

// XGBoost 1.7 trained on the same rows with the same hyper-parameters (test/reference/xgboost_model.py).
const reference = (name: string) => JSON.parse(readFileSync(join(projectRoot, 'test', 'reference', name), 'utf8'));
const xgb = reference('xgboost_classifier.json');
const expected = reference('xgboost_predictions.json');

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
  });
});

test('its ONNX export gives XGBoost\'s probabilities', () => {
  const { bytes } = exportTreeEnsemble({ trees: model.trees, treeInfo: model.treeInfo, baseScore: model.baseScore, objective: 'multi:softprob', numClass: 3, features: ['r1', 'r2', 'r3', 'hl'], classes: ['DOWN', 'NEUTRAL', 'UP'], source: 'hean' }, 'test');
  const session = OnnxSession.fromBytes('gbdt.onnx', bytes);
  const got = session.run({ features: { type: 'float32', data: Float32Array.from(expected.inputs.flat()), dims: [expected.inputs.length, 4] } }, ['probabilities']).probabilities.data as Float32Array;
  session.dispose();
  (expected.classifier_probabilities as number[][]).flat().forEach((want, j) => assert.ok(Math.abs(got[j] - want) < 1e-6, `${j}: ${got[j]} vs ${want}`));
});
