/**
 * Purged walk-forward retraining in a graph (model.onnx retrain:, runtime/learn/walkForward.ts)
 * on the real hourly candles: each fold's model is the one a trainer fitted by hand on exactly the
 * rows the purge rule allows gives; chunking changes nothing; the fold metrics are what the
 * predictions and the labels (labels.ts, as hean dataset computes them) say.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OutputGuard } from '../runtime/adapters/outputGuard.js';
import { runGraph } from '../runtime/exec/runGraph.js';
import { defaultRegistry, loadGraph } from '../runtime/loadGraph.js';
import { compileGraph } from '../runtime/graph/compileGraph.js';
import { directionOf, forwardReturns } from '../runtime/data/labels.js';
import { fitLogistic, exportLogistic, predictLogistic } from '../runtime/learn/logisticModel.js';
import { fitGbdt, predictGbdt } from '../runtime/learn/gradientBoosting.js';
import type { WalkForwardReport } from '../runtime/learn/walkForward.js';
import { dataDir, projectRoot } from '../runtime/testing/dataFile.js';
import { smallFeatureModel } from '../runtime/testing/featureModels.js';
import { realCandles } from '../runtime/testing/realCandles.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { Type } from '@sinclair/typebox';
import type { AdapterRegistry, SourceAdapter } from '../runtime/adapters/contract.js';
import { defaultAdapters } from '../runtime/adapters/index.js';
import { memorySinks } from '../runtime/adapters/memory.js';
import { CANDLE_FIELDS } from '../runtime/ports.js';
import { parseCsv } from '../runtime/text/labelledTexts.js';

const tmp = mkdtempSync(join(tmpdir(), 'hean-walk-forward-'));
const env = { ...process.env, HEAN_DATA_DIR: dataDir() };
const graphFile = join(projectRoot, 'test', 'walk-forward.yaml');
const CLASSES = ['DOWN', 'NEUTRAL', 'UP'];
const NAMES = ['ret[t-2]', 'natr[t-2]', 'ret[t-1]', 'natr[t-1]', 'ret[t-0]', 'natr[t-0]'];
// The graph's schedule and label (test/walk-forward.yaml).
const WINDOW = 2000;
const HORIZON = 12;
const BAND = 0.003;
const EMBARGO = 6;

let runs = 0;
async function walkForward(chunkSize: number, set: Record<string, string> = {}, file = graphFile) {
  const { graph, diagnostics } = loadGraph(file, { set });
  assert.ok(graph, diagnostics.map((d) => d.message).join('\n'));
  const tape = `tape-${runs++}.csv`;
  graph.byId.get('tape')!.binding = { file: tape };
  const result = await runGraph(graph, { chunkSize, env, outputs: new OutputGuard({ dir: tmp, overwrite: true }) });
  const text = readFileSync(join(tmp, tape), 'utf8');
  const rows = parseCsv(tape, text).rows.map((r) => r.cells.map((c, j) => (j === 0 ? Date.parse(c) : c === '' ? NaN : Number(c))));
  return {
    text,
    report: result.reports.model as WalkForwardReport,
    features: rows.map((r) => Float64Array.from(r.slice(1, 7))),
    close: Float64Array.from(rows, (r) => r[7]),
    probabilities: rows.map((r) => r.slice(8, 11)),
  };
}

/** Labels as hean dataset computes them: the sign of the 12-bar forward return with the band (-1: none). */
function labelsOf(close: Float64Array): Int32Array {
  const forward = forwardReturns(close, HORIZON);
  return Int32Array.from(forward, (r) => {
    const d = directionOf(r, BAND);
    return d === undefined ? -1 : CLASSES.indexOf(d);
  });
}

/** The rows the purge rule allows at a boundary: labels known one event before it, minus the embargo, the latest WINDOW. */
function trainingRows(features: Float64Array[], labels: Int32Array, boundary: number) {
  const last = boundary - 1 - HORIZON - EMBARGO;
  const rows: Float64Array[] = [];
  const y: number[] = [];
  for (let j = Math.max(0, last - WINDOW + 1); j <= last; j++) {
    if (labels[j] < 0 || !features[j].every(Number.isFinite)) continue;
    rows.push(features[j]);
    y.push(labels[j]);
  }
  return { rows, labels: Int32Array.from(y) };
}

const logistic = walkForward(1024);

test('every fold predicts what a logistic fitted by hand on the purged rows before its boundary predicts, to 1e-5', async () => {
  const { report, features, close, probabilities } = await logistic;
  const labels = labelsOf(close);
  assert.ok(report.folds.length >= 20, `${report.folds.length} folds`);
  const first = report.folds[0].fromEvent;
  assert.ok(probabilities.slice(0, first).every((p) => p.every(Number.isNaN)), 'no prediction before the first fit');
  assert.ok(probabilities[first].every(Number.isFinite), 'a prediction from the first fit on');
  assert.equal(loadGraph(graphFile).graph!.byId.get('model')!.warmup, first, 'the declared warm-up is the first fit');
  for (const [k, fold] of report.folds.entries()) {
    assert.equal(fold.fromEvent % 500, 0, 'refits every 500 events');
    const { rows, labels: y } = trainingRows(features, labels, fold.fromEvent);
    assert.equal(fold.trainRows, rows.length, `fold ${k + 1}: training rows`);
    const model = fitLogistic(NAMES, CLASSES, rows, y, 1e-3);
    const end = fold.fromEvent + fold.events;
    const expected = predictLogistic(model, features.slice(fold.fromEvent, end));
    for (let i = fold.fromEvent; i < end; i++) {
      for (let c = 0; c < 3; c++) {
        const got = probabilities[i][c];
        const want = expected[(i - fold.fromEvent) * 3 + c];
        assert.ok(Math.abs(got - want) < 1e-5, `fold ${k + 1}, event ${i}, ${CLASSES[c]}: ${got} vs ${want}`);
      }
    }
  }
});

test('the purge: no training row of a fold has a label that reaches its boundary', async () => {
  const { report } = await logistic;
  const hour = 3_600_000;
  for (const fold of report.folds) assert.ok(fold.trainTo + (HORIZON + EMBARGO) * hour < fold.from, `trained to ${new Date(fold.trainTo).toISOString()}, fold from ${new Date(fold.from).toISOString()}`);
});

test('fold metrics are the accuracy and log-loss of the fold\'s predictions against their labels', async () => {
  const { report, close, probabilities } = await logistic;
  const labels = labelsOf(close);
  for (const fold of report.folds) {
    let scored = 0;
    let correct = 0;
    let logLoss = 0;
    for (let i = fold.fromEvent; i < fold.fromEvent + fold.events; i++) {
      const p = probabilities[i];
      if (labels[i] < 0 || !p.every(Number.isFinite)) continue;
      scored++;
      const best = p.indexOf(Math.max(...p));
      if (best === labels[i]) correct++;
      logLoss -= Math.log(Math.max(p[labels[i]], 1e-15));
    }
    assert.equal(fold.scored, scored);
    assert.equal(fold.accuracy, correct / scored);
    assert.ok(Math.abs(fold.logLoss - logLoss / scored) < 1e-6, `${fold.logLoss} vs ${logLoss / scored}`);
  }
  const total = report.folds.reduce((a, f) => a + f.scored, 0);
  assert.equal(report.total.scored, total);
});

test('retraining happens at the same event whatever the chunk size: byte-identical predictions and folds', async () => {
  const whole = await logistic;
  for (const chunk of [1, 7]) {
    const run = await walkForward(chunk);
    assert.equal(run.text, whole.text, `chunk ${chunk}`);
    assert.equal(JSON.stringify(run.report), JSON.stringify(whole.report), `chunk ${chunk}`);
  }
});

test('the gbdt trainer: a fold predicts what boosted trees fitted by hand on its rows predict, to 1e-5', async () => {
  const { report, features, close, probabilities } = await walkForward(100_000, { trainer: 'gbdt', every: '3000' });
  const labels = labelsOf(close);
  assert.ok(report.folds.length >= 3);
  const fold = report.folds[1];
  const { rows, labels: y } = trainingRows(features, labels, fold.fromEvent);
  const model = fitGbdt(rows, y, 3, { rounds: 50, maxDepth: 3, eta: 0.1, lambda: 1, method: 'hist' });
  const expected = predictGbdt(model, features.slice(fold.fromEvent, fold.fromEvent + fold.events));
  for (let i = 0; i < fold.events; i++) {
    for (let c = 0; c < 3; c++) assert.ok(Math.abs(probabilities[fold.fromEvent + i][c] - expected[i * 3 + c]) < 1e-5);
  }
});

test('a given model predicts until the first refit, as fold 0', async () => {
  // A starting model (here fitted on the first 1,000 events; in use, one from hean train on earlier data).
  const { features, close } = await logistic;
  const labels = labelsOf(close);
  const { rows, labels: y } = trainingRows(features, labels, 1019);
  const start = fitLogistic(NAMES, CLASSES, rows, y, 1e-2);
  const file = join(tmp, 'start.onnx');
  writeFileSync(file, exportLogistic(start, {}, 'test'));
  const graph = join(tmp, 'with-start.yaml');
  writeFileSync(graph, readFileSync(graphFile, 'utf8').replace('minConfidence: 0.45', `minConfidence: 0.45\n      model: ${file}`));
  const run = await walkForward(1024, {}, graph);
  assert.equal(run.report.folds[0].given, true);
  const firstRefit = run.report.folds[1].fromEvent;
  const expected = predictLogistic(start, features.slice(0, firstRefit));
  for (let i = 0; i < firstRefit; i++) {
    if (!features[i].every(Number.isFinite)) continue;
    for (let c = 0; c < 3; c++) assert.ok(Math.abs(run.probabilities[i][c] - expected[i * 3 + c]) < 1e-5);
  }
  assert.deepEqual(run.probabilities.slice(firstRefit), (await logistic).probabilities.slice(firstRefit), 'the refits do not depend on the starting model');
});

test('a given model fitted on rows of the run is refused: fold 0 would be in-sample', async () => {
  const { features, close } = await logistic;
  const { rows, labels: y } = trainingRows(features, labelsOf(close), 1019);
  const file = join(tmp, 'start-late.onnx');
  // As hean train writes it: the span of the fitted rows.
  writeFileSync(file, exportLogistic(fitLogistic(NAMES, CLASSES, rows, y, 1e-2), { 'hean.training': JSON.stringify({ trainedTo: '2024-10-20T00:00:00.000Z' }) }, 'test'));
  const graph = join(tmp, 'with-late-start.yaml');
  writeFileSync(graph, readFileSync(graphFile, 'utf8').replace('minConfidence: 0.45', `minConfidence: 0.45\n      model: ${file}`));
  await assert.rejects(walkForward(1024, {}, graph), /start-late\.onnx was fitted on rows up to 2024-10-20T00:00:00\.000Z, and this run starts at 2024-09-14T\d\d:00:00\.000Z: its predictions until the first refit would be in-sample/);
});

test('a fixed model run on rows it was fitted on: the run warns that those predictions are in-sample', async () => {
  const { features, close } = await logistic;
  const { rows, labels: y } = trainingRows(features, labelsOf(close), 1019);
  const file = join(tmp, 'fixed.onnx');
  writeFileSync(file, exportLogistic(fitLogistic(NAMES, CLASSES, rows, y, 1e-2), { 'hean.training': JSON.stringify({ trainedTo: '2024-10-20T00:00:00.000Z' }) }, 'test'));
  const variant = join(tmp, 'fixed.yaml');
  writeFileSync(variant, readFileSync(graphFile, 'utf8').replace('features: last3.features, price: bars.close', 'features: last3.features').replace(/retrain: \{[^}]*\}/, `model: ${file}`));
  const { graph, diagnostics } = loadGraph(variant);
  assert.ok(graph, diagnostics.map((d) => d.message).join('\n'));
  graph.byId.get('tape')!.binding = { file: 'fixed-tape.csv' };
  const result = await runGraph(graph, { env, outputs: new OutputGuard({ dir: tmp, overwrite: true }) });
  assert.deepEqual(result.warnings.map((w) => `${w.node}: ${w.code}: ${w.message}`), ['model: in-sample: the model was fitted on rows up to 2024-10-20T00:00:00.000Z: its predictions up to then are in-sample; judge it only on later events (source start:)']);
});

/** A live feed of the real candles in batches of 20 events, 4 ms apart: events keep arriving while a model is fitted. */
const paced: SourceAdapter = {
  role: 'source',
  name: 'paced',
  key: 'paced',
  summary: 'Test feed: the real hourly candles, 20 events every 4 ms.',
  binding: Type.Object({ paced: Type.String() }, { additionalProperties: false }),
  example: '{ paced: btc }',
  records: ['candles'],
  async live() {
    const c = realCandles(Infinity, 'btcusdt_1h_binance_2024-09_2026-02.csv.gz');
    let at = 0;
    return {
      async next() {
        if (at >= c.time.length) return null;
        await sleep(4);
        const from = at;
        at = Math.min(c.time.length, at + 20);
        return { n: at - from, t: c.time.slice(from, at).map((x) => x + 3_600_000), columns: Object.fromEntries(CANDLE_FIELDS.map((f) => [f, c[f].slice(from, at)])) };
      },
      info: () => ({ paced: true }),
      async close() {},
    };
  },
};

test('paper mode: refits run on another thread while events keep flowing; each model takes over at an event after its boundary and predicts what the hand fit predicts', async () => {
  const { features, close } = await logistic;
  const labels = labelsOf(close);
  const adapters: AdapterRegistry = { sources: [...defaultAdapters.sources, paced], sinks: defaultAdapters.sinks };
  const text = readFileSync(graphFile, 'utf8').replace('modes:\n', 'modes:\n  paper:\n    bars: { paced: btc }\n    tape: { memory: wf-paper }\n');
  const { graph, diagnostics } = compileGraph(text, graphFile, defaultRegistry, { mode: 'paper', adapters, requireBindings: true });
  assert.ok(graph, diagnostics.map((d) => d.message).join('\n'));
  const result = await runGraph(graph, { adapters });
  const tape = memorySinks.get('wf-paper')!;
  assert.equal(tape.rows.length, close.length, 'every event processed');
  const probabilities = tape.rows.map((r) => r.slice(7, 10));
  const report = result.reports.model as WalkForwardReport;
  assert.ok(report.folds.length >= 15, `${report.folds.length} folds, ${report.skippedRefits} refits skipped`);
  assert.ok(report.folds.every((f) => f.fromEvent >= f.boundary), 'never before its boundary');
  assert.ok(report.folds.some((f) => f.fromEvent > f.boundary), 'events went on while a model was fitted');
  for (const [k, fold] of report.folds.entries()) {
    const { rows, labels: y } = trainingRows(features, labels, fold.boundary);
    const expected = predictLogistic(fitLogistic(NAMES, CLASSES, rows, y, 1e-3), features.slice(fold.fromEvent, fold.fromEvent + fold.events));
    for (let i = 0; i < fold.events; i++) {
      for (let c = 0; c < 3; c++) assert.ok(Math.abs(probabilities[fold.fromEvent + i][c] - expected[i * 3 + c]) < 1e-5, `fold ${k + 1} (boundary ${fold.boundary}, from ${fold.fromEvent}), event ${fold.fromEvent + i}`);
    }
  }
});

/** What `hean validate` says about a variant of the graph. */
function errorsOf(edit: (yaml: string) => string): string[] {
  const file = join(tmp, `v-${runs++}.yaml`);
  writeFileSync(file, edit(readFileSync(graphFile, 'utf8')));
  return loadGraph(file).diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.line}:${d.col} ${d.message}`);
}

test('hean validate: retrain without a price, a price without retrain, neither model nor retrain, a window below minRows, a starting model of other classes', () => {
  const noPrice = errorsOf((y) => y.replace('features: last3.features, price: bars.close', 'features: last3.features'));
  assert.match(noPrice.join('\n'), /retrain labels each row by the forward return of a price; wire it: in: \{ features: \.\.\., price: bars\.close \}/);
  const fixed = smallFeatureModel(6, NAMES);
  const priceOnly = errorsOf((y) => y.replace(/retrain: \{[^}]*\}/, `model: ${fixed}`));
  assert.match(priceOnly.join('\n'), /the price input is only read by retrain/);
  const neither = errorsOf((y) => y.replace(/retrain: \{[^}]*\}/, 'input: x'));
  assert.match(neither.join('\n'), /found neither model nor retrain/);
  const small = errorsOf((y) => y.replace('window: 2000', 'window: 800'));
  assert.match(small.join('\n'), /window 800 is below minRows 1000/);
  const otherClasses = errorsOf((y) => y.replace('minConfidence: 0.45', `minConfidence: 0.45\n      model: ${fixed}`));
  assert.match(otherClasses.join('\n'), /takes "x" of shape \[N, 6\]; a model that retrain replaces must take "features" of shape \[N, F\]/);
  const twoClasses = join(tmp, 'two-classes.onnx');
  const rows = Array.from({ length: 40 }, (_, i) => Float64Array.from(NAMES, (_, f) => Math.sin(i * (f + 1))));
  writeFileSync(twoClasses, exportLogistic(fitLogistic(NAMES, ['DOWN', 'UP'], rows, Int32Array.from(rows, (r) => (r[0] > 0 ? 1 : 0)), 1e-2), {}, 'test'));
  const classes = errorsOf((y) => y.replace('minConfidence: 0.45', `minConfidence: 0.45\n      model: ${twoClasses}`));
  assert.match(classes.join('\n'), /gives probabilities\.DOWN, probabilities\.UP; a model that retrain replaces must give probabilities\.DOWN, probabilities\.NEUTRAL, probabilities\.UP/);
  // The error points at the retrain param (line 23 of the graph).
  assert.ok(noPrice.every((e) => e.startsWith('23:')), noPrice.join('\n'));
});
