/**
 * A model trained elsewhere through a graph: the PyTorch LSTM fixture (../shared/fixtures) fed
 * windows that hean builds from the real candles (test/lstm-forecast.yaml), and the compiler's
 * checks of a model against its wiring (`hean validate`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OutputGuard } from '../runtime/adapters/outputGuard.js';
import { runGraph } from '../runtime/exec/runGraph.js';
import { loadGraph } from '../runtime/loadGraph.js';
import { dataDir, fixtureFile, projectRoot } from '../runtime/testing/dataFile.js';
import { smallFeatureModel } from '../runtime/testing/featureModels.js';
import { parseCsv } from '../runtime/text/labelledTexts.js';

const tmp = mkdtempSync(join(tmpdir(), 'hean-model-graph-'));
const env = { ...process.env, HEAN_DATA_DIR: dataDir() };
const fixture = JSON.parse(readFileSync(fixtureFile('lstm_forecaster.json'), 'utf8')) as { sample_target_times: string[][]; expected_outputs: number[][] };
const graphFile = join(projectRoot, 'test', 'lstm-forecast.yaml');

async function forecasts(chunkSize: number): Promise<string> {
  const { graph, diagnostics } = loadGraph(graphFile, { set: { model: fixtureFile('lstm_forecaster.onnx') } });
  assert.ok(graph, diagnostics.map((d) => d.message).join('\n'));
  graph.byId.get('tape')!.binding = { file: `forecast-${chunkSize}.csv` };
  await runGraph(graph, { chunkSize, env, outputs: new OutputGuard({ dir: tmp, overwrite: true }) });
  return readFileSync(join(tmp, `forecast-${chunkSize}.csv`), 'utf8');
}

test('the LSTM fixture, fed windows hean builds from the candles, gives the outputs PyTorch\'s export gave, to 1e-5', async () => {
  const csv = await forecasts(1024);
  const rows = new Map(parseCsv('forecast.csv', csv).rows.map((r) => [r.cells[0], r.cells.slice(1).map((c) => (c === '' ? NaN : Number(c)))]));
  assert.equal(fixture.expected_outputs.length, 20);
  fixture.sample_target_times.forEach((targets, i) => {
    // The forecast is made when the window's last bar closes: the event at the first target bar's open time.
    const row = rows.get(new Date(targets[0]).toISOString());
    assert.ok(row, `no forecast at ${targets[0]}`);
    fixture.expected_outputs[i].forEach((want, k) => assert.ok(Math.abs(row[k] - want) < 1e-5, `sample ${i} horizon ${k + 1}: ${row[k]} vs ${want}`));
  });
  // 48 returns need 49 closes: the first 48 events have no forecast.
  const values = [...rows.values()];
  assert.ok(values.slice(0, 48).every((v) => v.every(Number.isNaN)) && values.slice(48).every((v) => v.every(Number.isFinite)));
});

test('inference per event and per chunk give byte-identical forecasts', async () => {
  const whole = await forecasts(1_000_000);
  for (const chunk of [1, 7, 1024]) assert.equal(await forecasts(chunk), whole, `chunk ${chunk}`);
});

/** The errors `hean validate` reports for a model wired into a graph. */
function modelErrors(model: string, length = 48): string[] {
  const text = readFileSync(graphFile, 'utf8').replace('length: 48', `length: ${length}`);
  const file = join(tmp, `g-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, text);
  const { diagnostics } = loadGraph(file, { set: { model } });
  return diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.line}:${d.col} ${d.message}`);
}

test('a model that does not fit the wiring is a compile error that says what differs', () => {
  assert.deepEqual(modelErrors(fixtureFile('lstm_forecaster.onnx')), []);
  const [size] = modelErrors(fixtureFile('lstm_forecaster.onnx'), 47);
  assert.match(size, /input "window" is float \[N, 48, 1\] = 48 values per event, but the wired features give 47 \(ret\[t-46\], ret\[t-45\], ret\[t-44\], \.\.\., ret\[t-1\], ret\[t-0\]\)/);
  assert.match(size, /^1[0-9]:/, 'points at the model node');
  const named = smallFeatureModel(48, Array.from({ length: 48 }, (_, k) => (k === 5 ? 'volume' : `ret[t-${47 - k}]`)));
  assert.match(modelErrors(named)[0], /was trained on the features .*first difference at position 6: expected volume, found ret\[t-42\]/);
});

test('a missing, truncated or foreign model file is a compile error, not a crash at run time', () => {
  assert.match(modelErrors(join(tmp, 'nowhere.onnx'))[0], /nowhere\.onnx does not exist; a relative path is looked up in the working directory, then beside the graph/);
  const cut = join(tmp, 'cut.onnx');
  writeFileSync(cut, readFileSync(fixtureFile('lstm_forecaster.onnx')).subarray(0, 2000));
  assert.match(modelErrors(cut)[0], /cut\.onnx is not a readable ONNX model \(.*\); the file may be truncated/);
  const foreign = join(tmp, 'notes.onnx');
  copyFileSync(graphFile, foreign);
  assert.match(modelErrors(foreign)[0], /notes\.onnx is not a readable ONNX model/);
});

test('hean model inspect prints what a model file says about itself; a foreign file exits 1 saying so', () => {
  const run = (args: string[]) => spawnSync(process.execPath, ['bin/hean.js', 'model', 'inspect', ...args], { cwd: projectRoot, encoding: 'utf8' });
  const lstm = run([fixtureFile('lstm_forecaster.onnx')]);
  assert.equal(lstm.status, 0, lstm.stderr);
  assert.match(lstm.stdout, /ONNX IR 7, by pytorch 1\.13\.0, opsets ai\.onnx 14\ninputs:\n {2}window: float \[N, 48, 1\]\noutputs:\n {2}forecast: float \[N, 3\]/);
  const named = run([smallFeatureModel(2, ['close', 'volume']), '--json']);
  assert.deepEqual(JSON.parse(JSON.parse(named.stdout).metadata['hean.features']), ['close', 'volume']);
  const foreign = run([graphFile]);
  assert.equal(foreign.status, 1);
  assert.match(foreign.stderr, /lstm-forecast\.yaml is not a readable ONNX model/);
});

test('hean model import xgboost writes a model that model.onnx accepts, with its names and classes', () => {
  const out = join(tmp, 'xgb.onnx');
  const r = spawnSync(process.execPath, ['bin/hean.js', 'model', 'import', 'xgboost', 'test/reference/xgboost_classifier.json', '-o', out, '--classes', 'DOWN,NEUTRAL,UP'], { cwd: projectRoot, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /XGBoost multi:softprob, 60 trees, features r1, r2, r3, hl, classes DOWN, NEUTRAL, UP/);
  const bad = spawnSync(process.execPath, ['bin/hean.js', 'model', 'import', 'xgboost', graphFile, '-o', join(tmp, 'y.onnx')], { cwd: projectRoot, encoding: 'utf8' });
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /lstm-forecast\.yaml: not JSON .*Booster\.save_model/);
});
