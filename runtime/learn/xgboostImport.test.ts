import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../testing/dataFile.js';
import { OnnxSession } from '../onnx/onnxSession.js';
import { inspectOnnxModel } from '../onnx/onnxModel.js';
import { XgboostImportError, importXgboost } from './xgboostImport.js';

// Made by test/reference/xgboost_model.py with XGBoost 1.7 on real features (it says how).
const reference = (name: string) => JSON.parse(readFileSync(join(projectRoot, 'test', 'reference', name), 'utf8'));
const expected = reference('xgboost_predictions.json');
const inputs = Float32Array.from((expected.inputs as number[][]).flat());
const N = expected.inputs.length;

function run(bytes: Uint8Array, output: string): Float32Array {
  const session = OnnxSession.fromBytes('imported.onnx', bytes);
  const out = session.run({ features: { type: 'float32', data: inputs, dims: [N, 4] } }, [output])[output].data as Float32Array;
  session.dispose();
  return out;
}

// XGBoost sums leaf values in float32 tree by tree; onnxruntime's tree ensemble sums in its own
// order and precision, so the last bits of a 20-tree sum may differ: 1e-6 on probabilities and
// on returns of order 0.1 is that rounding, while one wrong split would move a value by a leaf
// (0.01 or more here).
test('an XGBoost multi:softprob model imported to ONNX gives XGBoost\'s own probabilities', () => {
  const imported = importXgboost(reference('xgboost_classifier.json'), 'xgboost_classifier.json', { classes: expected.classes }, 'test');
  assert.equal(imported.trees, 60);
  const info = inspectOnnxModel(imported.bytes);
  assert.deepEqual(JSON.parse(info.metadata['hean.features']), ['r1', 'r2', 'r3', 'hl']);
  assert.deepEqual(JSON.parse(info.metadata['hean.classes']), ['DOWN', 'NEUTRAL', 'UP']);
  // Its gains and split counts per feature are XGBoost's get_score (float32 sums in another order: 1e-5).
  const importance = JSON.parse(info.metadata['hean.importance']);
  const theirs = reference('xgboost_hist.json').exact_classifier_importance;
  assert.deepEqual(importance.splits, theirs.weight);
  for (const name of ['r1', 'r2', 'r3', 'hl']) assert.ok(Math.abs(importance.gain[name] - theirs.total_gain[name]) <= 1e-5 * theirs.total_gain[name], `${name}: ${importance.gain[name]} vs ${theirs.total_gain[name]}`);
  const got = run(imported.bytes, 'probabilities');
  (expected.classifier_probabilities as number[][]).flat().forEach((want, j) => assert.ok(Math.abs(got[j] - want) < 1e-6, `${j}: ${got[j]} vs ${want}`));
});

test('an XGBoost regressor imported to ONNX gives XGBoost\'s own predictions', () => {
  const imported = importXgboost(reference('xgboost_regressor.json'), 'xgboost_regressor.json', {}, 'test');
  const got = run(imported.bytes, 'prediction');
  (expected.regressor_predictions as number[]).forEach((want, j) => assert.ok(Math.abs(got[j] - want) < 1e-6, `${j}: ${got[j]} vs ${want}`));
});

test('a file that is not an XGBoost model, or one hean cannot import, says why', () => {
  assert.throws(() => importXgboost({ name: 'x' }, 'x.json', {}, 'test'), (e: Error) => e instanceof XgboostImportError && /x\.json: no "learner" object; expected an XGBoost model saved as JSON/.test(e.message));
  const model = reference('xgboost_classifier.json');
  model.learner.objective.name = 'rank:pairwise';
  assert.throws(() => importXgboost(model, 'm.json', {}, 'test'), /objective "rank:pairwise" is not supported/);
  assert.throws(() => importXgboost(reference('xgboost_regressor.json'), 'r.json', { features: ['a', 'b'] }, 'test'), /the model has 4 features, 2 names were given/);
});
