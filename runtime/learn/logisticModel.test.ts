import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../testing/dataFile.js';
import { referenceFeatures } from '../testing/referenceFeatures.js';
import { OnnxSession } from '../onnx/onnxSession.js';
import { inspectOnnxModel } from '../onnx/onnxModel.js';
import { exportLogistic, fitLogistic, predictLogistic } from './logisticModel.js';

// scikit-learn's fit of the same problem (test/reference/sklearn_logistic.py says how it was made).
const reference = JSON.parse(readFileSync(join(projectRoot, 'test', 'reference', 'sklearn_logistic.json'), 'utf8'));

const { rows, labels } = referenceFeatures(reference.data);
// scikit-learn minimises C * sum(log-loss) + ||W||^2 / 2, hean (1/N) sum(log-loss) + lambda ||W||^2 / 2: lambda = 1 / (C N).
const fitted = fitLogistic(reference.features, reference.classes, rows, labels, 1 / (reference.C * rows.length));

/** The objective from its definition: mean log-loss on the standardised rows + lambda / 2 ||W||^2 (W[k][f]). */
function objective(W: number[][], b: number[]): number {
  const lambda = 1 / (reference.C * rows.length);
  let loss = 0;
  rows.forEach((row, i) => {
    const z = b.map((bk, k) => bk + W[k].reduce((s, w, f) => s + (w * (row[f] - reference.mean[f])) / reference.scale[f], 0));
    const m = Math.max(...z);
    loss += m + Math.log(z.reduce((s, v) => s + Math.exp(v - m), 0)) - z[labels[i]];
  });
  return loss / rows.length + (lambda / 2) * W.flat().reduce((s, w) => s + w * w, 0);
}

test('the logistic trainer finds scikit-learn\'s coefficients on the same standardised real features', () => {
  assert.equal(rows.length, reference.rows);
  assert.ok(fitted.converged);
  reference.mean.forEach((m: number, f: number) => assert.ok(Math.abs(fitted.mean[f] - m) < 1e-12 && Math.abs(fitted.scale[f] - reference.scale[f]) < 1e-12));
  const K = 3;
  // The objective is flat near its minimum: scikit-learn's lbfgs stops on a relative change of
  // 64 eps (after 10 iterations here), and the two solutions differ by a few 1e-6 in the weights.
  // hean's is at least as good (checked below), so 2e-5 is the solvers' stopping, not a bias.
  reference.coef.forEach((row: number[], k: number) => row.forEach((w, f) => assert.ok(Math.abs(fitted.model.weights[f * K + k] - w) < 2e-5, `coef[${k}][${f}]: ${fitted.model.weights[f * K + k]} vs ${w}`)));
  reference.intercept.forEach((b: number, k: number) => assert.ok(Math.abs(fitted.model.intercepts[k] - b) < 2e-5, `intercept[${k}]`));
  const ours = [0, 1, 2].map((k) => [0, 1, 2, 3].map((f) => fitted.model.weights[f * K + k]));
  assert.ok(objective(ours, [...fitted.model.intercepts]) <= objective(reference.coef, reference.intercept) + 1e-12);
  const p = predictLogistic(fitted, rows.slice(0, 5));
  reference.first_probabilities.flat().forEach((want: number, j: number) => assert.ok(Math.abs(p[j] - want) < 2e-5));
});

test('the exported ONNX model takes the raw features and gives the trainer\'s probabilities, with its names and classes', () => {
  const bytes = exportLogistic(fitted, {}, 'test');
  const info = inspectOnnxModel(bytes);
  assert.deepEqual(JSON.parse(info.metadata['hean.features']), ['r1', 'r2', 'r3', 'hl']);
  assert.deepEqual(JSON.parse(info.metadata['hean.classes']), ['DOWN', 'NEUTRAL', 'UP']);
  const session = OnnxSession.fromBytes('logistic.onnx', bytes);
  const some = rows.slice(0, 500);
  const out = session.run({ features: { type: 'float32', data: Float32Array.from(some.flatMap((r) => [...r])), dims: [some.length, 4] } }, ['probabilities']).probabilities.data as Float32Array;
  const want = predictLogistic(fitted, some);
  // float32 inputs and arithmetic in onnxruntime: agreement to about 1e-6.
  for (let j = 0; j < want.length; j++) assert.ok(Math.abs(out[j] - want[j]) < 1e-5, `${j}: ${out[j]} vs ${want[j]}`);
  session.dispose();
});
