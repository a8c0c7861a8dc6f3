/**
 * stacker.logistic over two walk-forward models on the real hourly candles (test/stacked-models.yaml):
 * it learns only from the base models' out-of-fold predictions, each fold's meta-model is the
 * logistic regression a test fits by hand on exactly those rows, its weights are the ones shown,
 * and a fixed (in-sample) base model is refused by the compiler.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OutputGuard } from '../runtime/adapters/outputGuard.js';
import { runGraph } from '../runtime/exec/runGraph.js';
import { loadGraph } from '../runtime/loadGraph.js';
import { directionOf, forwardReturns } from '../runtime/data/labels.js';
import { fitLogistic, predictLogistic } from '../runtime/learn/logisticModel.js';
import type { WalkForwardReport } from '../runtime/learn/walkForward.js';
import { dataDir, projectRoot } from '../runtime/testing/dataFile.js';
import { smallFeatureModel } from '../runtime/testing/featureModels.js';
import { parseCsv } from '../runtime/text/labelledTexts.js';

const tmp = mkdtempSync(join(tmpdir(), 'hean-stacker-'));
const env = { ...process.env, HEAN_DATA_DIR: dataDir() };
const graphFile = join(projectRoot, 'test', 'stacked-models.yaml');
const CLASSES = ['DOWN', 'NEUTRAL', 'UP'];
const INPUTS = ['a.DOWN', 'a.NEUTRAL', 'a.UP', 'b.DOWN', 'b.NEUTRAL', 'b.UP'];
// The stacker's schedule and label (test/stacked-models.yaml).
const WINDOW = 3000;
const HORIZON = 12;
const BAND = 0.003;
const EMBARGO = 6;
const LAMBDA = 0.01;

async function stacked(chunkSize: number) {
  const { graph, diagnostics } = loadGraph(graphFile);
  assert.ok(graph, diagnostics.map((d) => d.message).join('\n'));
  const tape = `tape-${chunkSize}.csv`;
  graph.byId.get('tape')!.binding = { file: tape };
  const result = await runGraph(graph, { chunkSize, env, outputs: new OutputGuard({ dir: tmp, overwrite: true }) });
  const text = readFileSync(join(tmp, tape), 'utf8');
  const rows = parseCsv(tape, text).rows.map((r) => r.cells.slice(1).map((c) => (c === '' ? NaN : Number(c))));
  return {
    text,
    report: result.reports.stack as WalkForwardReport,
    bases: rows.map((r) => Float64Array.from(r.slice(0, 6))),
    stack: rows.map((r) => r.slice(6, 9)),
    close: Float64Array.from(rows, (r) => r[9]),
  };
}

const run = stacked(1024);

test('each stacker fold is a logistic regression fitted by hand on the base models\' out-of-fold predictions before it, to 1e-5, with the weights shown', async () => {
  const { report, bases, stack, close } = await run;
  const labels = Int32Array.from(forwardReturns(close, HORIZON), (r) => {
    const d = directionOf(r, BAND);
    return d === undefined ? -1 : CLASSES.indexOf(d);
  });
  // The base models predict only from their own first fit on: every prediction the stacker learns from is out of sample.
  const firstBase = bases.findIndex((b) => b.every(Number.isFinite));
  assert.ok(firstBase >= 1000, `first base prediction at ${firstBase}`);
  assert.ok(report.folds.length >= 10);
  assert.deepEqual(report.inputs, INPUTS);
  for (const [k, fold] of report.folds.entries()) {
    const last = fold.fromEvent - 1 - HORIZON - EMBARGO;
    const rows: Float64Array[] = [];
    const y: number[] = [];
    for (let j = Math.max(0, last - WINDOW + 1); j <= last; j++) {
      if (labels[j] < 0 || !bases[j].every(Number.isFinite)) continue;
      rows.push(bases[j]);
      y.push(labels[j]);
    }
    assert.equal(rows.length, fold.trainRows, `fold ${k + 1}: ${fold.trainRows} rows vs ${rows.length}`);
    const model = fitLogistic(INPUTS, CLASSES, rows, Int32Array.from(y), LAMBDA);
    const expected = predictLogistic(model, bases.slice(fold.fromEvent, fold.fromEvent + fold.events));
    for (let i = 0; i < fold.events; i++) {
      for (let c = 0; c < 3; c++) assert.ok(Math.abs(stack[fold.fromEvent + i][c] - expected[i * 3 + c]) < 1e-5, `fold ${k + 1}, event ${fold.fromEvent + i}`);
    }
    CLASSES.forEach((_, c) => INPUTS.forEach((_, f) => assert.equal(fold.weights![c][f], model.model.weights[f * 3 + c])));
  }
});

test('the stacker gives the same predictions and folds whatever the chunk size', async () => {
  const whole = await run;
  for (const chunk of [1, 7]) {
    const other = await stacked(chunk);
    assert.equal(other.text, whole.text, `chunk ${chunk}`);
    assert.equal(JSON.stringify(other.report), JSON.stringify(whole.report), `chunk ${chunk}`);
  }
});

test('hean validate refuses a fixed base model: its predictions on its own training rows would be in-sample', () => {
  const fixed = smallFeatureModel(2, ['rsi', 'ret24']);
  const file = join(tmp, 'fixed-base.yaml');
  writeFileSync(file, readFileSync(graphFile, 'utf8').replace(/b: +\{ kind: model\.onnx, in: \{ features: mom\.features, price: bars\.close \}, params: \{ retrain: \{[^}]*\} \} \}/, `b: { kind: model.onnx, in: { features: mom.features }, params: { model: ${fixed} } }`));
  const errors = loadGraph(file).diagnostics.filter((d) => d.severity === 'error').map((d) => d.message);
  assert.ok(errors.some((m) => /wire 2 \(b\.prediction\) comes from model\.onnx "b" without retrain; stacker\.logistic learns only from out-of-fold predictions/.test(m)), errors.join('\n'));
  // Its columns are not class probabilities either: said too.
  assert.ok(errors.some((m) => /wire 2 \(b\.prediction\) has columns score, mix\[0\], mix\[1\]; expected probabilities\.DOWN/.test(m)), errors.join('\n'));
});
