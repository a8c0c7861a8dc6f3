/**
 * The model workflow end to end, as a user runs it: a training set from the graph that trades
 * (hean dataset), a classifier trained on it (hean train logistic), and the same graph running the
 * model. The graph must feed the model exactly the features it was trained on: its predictions
 * equal the model run directly on the dataset's rows.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataDir, projectRoot } from '../runtime/testing/dataFile.js';
import { parseCsv } from '../runtime/text/labelledTexts.js';
import { OnnxSession } from '../runtime/onnx/onnxSession.js';

const tmp = mkdtempSync(join(tmpdir(), 'hean-ml-'));
const hean = (args: string[]) => {
  const r = spawnSync(process.execPath, ['bin/hean.js', ...args], { cwd: projectRoot, env: { ...process.env, HEAN_DATA_DIR: dataDir() }, encoding: 'utf8' });
  assert.equal(r.status, 0, `hean ${args.join(' ')}\n${r.stderr}`);
  return r.stdout;
};
const graph = 'test/direction-model.yaml';
const dataset = join(tmp, 'dataset.csv');
const cell = (c: string) => (c === '' ? NaN : Number(c));

test('hean dataset exports the features of a graph whose model is not trained yet', () => {
  // The graph names a model that does not exist yet: the export runs only what the features need.
  assert.match(hean(['dataset', graph, '--features', 'last3', '--band', '0.001', '-o', dataset]), /wrote .* \(12,556 rows, 6 features/);
});

for (const kind of ['logistic', 'gbdt']) test(`dataset -> train ${kind} -> the same graph: predictions in the graph equal the model on the training rows`, () => {
  const model = join(tmp, `direction-${kind}.onnx`);
  const predictions = join(tmp, `predictions-${kind}.csv`);
  const trained = hean(['train', kind, '--data', dataset, '-o', model, '--purge', '1', ...(kind === 'gbdt' ? ['--rounds', '30'] : [])]);
  assert.match(trained, /wrote .*\.onnx \(6 features: ret\[t-2\], natr\[t-2\], ret\[t-1\], natr\[t-1\], ret\[t-0\], natr\[t-0\]/);
  assert.match(trained, kind === 'gbdt' ? /model \(boosted trees, \d+ rounds\): accuracy 0\.\d+/ : /model \(logistic regression, lambda [0-9.e-]+\): accuracy 0\.\d+/);
  assert.match(trained, /AUC 0\.\d+\n/);
  assert.match(trained, /calibration \(rows by the probability of the predicted class.*\n {2}0\.[0-9]-0\.[0-9]: +\d+ rows, mean probability 0\.\d+, right 0\.\d+/);
  assert.match(trained, /permutation importance .*\n {2}natr\[t-/);
  hean(['run', graph, '--set', `model=${model}`, '--set', 'minConfidence=0.4', '--bind', `tape.file=${predictions}`]);

  const rows = parseCsv(dataset, readFileSync(dataset, 'utf8')).rows.map((r) => r.cells);
  const complete = rows.filter((r) => r.slice(1, 7).every((c) => c !== ''));
  const session = OnnxSession.open(model);
  const direct = session.run({ features: { type: 'float32', data: Float32Array.from(complete.flatMap((r) => r.slice(1, 7).map(Number))), dims: [complete.length, 6] } }, ['probabilities']).probabilities.data as Float32Array;
  session.dispose();
  const recorded = new Map(parseCsv(predictions, readFileSync(predictions, 'utf8')).rows.map((r) => [r.cells[0], r.cells.slice(1).map(cell)]));
  assert.equal(recorded.size, rows.length);
  const classes = ['DOWN', 'NEUTRAL', 'UP'];
  complete.forEach((r, i) => {
    const [down, neutral, up, direction, confidence] = recorded.get(r[0])!;
    const p = [direct[i * 3], direct[i * 3 + 1], direct[i * 3 + 2]];
    assert.deepEqual([down, neutral, up], p, `probabilities at ${r[0]}`);
    const best = p.indexOf(Math.max(...p));
    assert.equal(confidence, p[best]);
    assert.equal(direction, p[best] < 0.4 ? 0 : classes[best] === 'UP' ? 1 : classes[best] === 'DOWN' ? -1 : 0, `direction at ${r[0]}`);
  });
  // Warm-up rows (incomplete features) have no prediction.
  rows.filter((r) => !complete.includes(r)).forEach((r) => assert.ok(recorded.get(r[0])!.every(Number.isNaN)));
});

test('train gbdt --method hist --growth leafwise: gain, split count and permutation importance in the report and the model', () => {
  const model = join(tmp, 'direction-hist.onnx');
  const trained = hean(['train', 'gbdt', '--data', dataset, '-o', model, '--purge', '1', '--rounds', '20', '--method', 'hist', '--max-bins', '64', '--growth', 'leafwise', '--max-leaves', '15']);
  assert.match(trained, /permutation importance .*, gain .* and split count:\n {2}natr\[t-\d\] +[+-]\d\.\d{5} {2}gain +\d+\.\d\d {2}splits +\d+\n/);
  const inspected = hean(['model', 'inspect', model]);
  assert.match(inspected, /\n {2}hean\.importance:\n {4}permutation: ret\[t-2\] -?\d.*\n {4}gain: ret\[t-2\] \d.*\n {4}splits: ret\[t-2\] \d+, natr\[t-2\] \d+/);
  const training = JSON.parse(JSON.parse(hean(['model', 'inspect', model, '--json'])).metadata['hean.training']);
  assert.deepEqual([training.method, training.maxBins, training.growth, training.maxLeaves], ['hist', 64, 'leafwise', 15]);
  // Logistic models store permutation importance alone.
  assert.match(hean(['model', 'inspect', join(tmp, 'direction-logistic.onnx')]), /\n {4}permutation: ret\[t-2\] -?\d[^\n]*\n(?! {4}gain)/);
});

test('train gbdt rejects histogram options it cannot honour, with the reason', () => {
  const fails = (args: string[], message: RegExp) => {
    const r = spawnSync(process.execPath, ['bin/hean.js', 'train', ...args, '--data', dataset, '-o', join(tmp, 'x.onnx')], { cwd: projectRoot, encoding: 'utf8' });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, message);
  };
  fails(['gbdt', '--growth', 'leafwise'], /--growth needs --method hist/);
  fails(['gbdt', '--method', 'histogram'], /--method histogram: expected exact .* or hist/);
  fails(['gbdt', '--method', 'hist', '--max-bins', '1'], /--max-bins 1: expected a whole number of bins, 2 to 65536/);
  fails(['gbdt', '--method', 'hist', '--growth', 'breadth'], /--growth breadth: expected depthwise or leafwise/);
  fails(['gbdt', '--method', 'hist', '--max-leaves', '1'], /--max-leaves 1: expected a whole number of leaves, 2 or more, or 0 for no limit/);
  fails(['logistic', '--method', 'hist'], /--method is a train gbdt option/);
});
