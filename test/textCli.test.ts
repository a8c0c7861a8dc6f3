/** `hean train text` and `hean text classify` as a user runs them, on the real Financial PhraseBank. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataDir, projectRoot } from '../runtime/testing/dataFile.js';
import { parseCsv } from '../runtime/text/labelledTexts.js';
import { TextModel } from '../runtime/text/textModel.js';

const tmp = mkdtempSync(join(tmpdir(), 'hean-text-'));
const env = { ...process.env, HEAN_DATA_DIR: dataDir(), HEAN_HOME: join(tmp, 'home') };
const hean = (args: string[]) => {
  const r = spawnSync(process.execPath, ['bin/hean.js', ...args], { cwd: projectRoot, env, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
const model = join(tmp, 'sentiment.onnx');
// A fixed penalty skips cross-validation (the README command runs it); the test checks the rest.
const trained = hean(['train', 'text', '--data', 'financial_phrasebank_v1.csv', '-o', model, '--lambda', '3e-5']);

test('train text scores the model on the held-out split beside both baselines and stores the scores in the file', () => {
  assert.equal(trained.code, 0, trained.err);
  const figure = (name: string) => Number(new RegExp(`${name}[^\\n]*?accuracy ([0-9.]+)`).exec(trained.out)![1]);
  const accuracy = figure('model');
  assert.ok(accuracy >= 0.75, trained.out);
  assert.ok(accuracy > figure('lexicon') && figure('lexicon') > figure('majority class'), trained.out);
  assert.match(trained.err, /3392 texts, 3 classes \(negative 411, neutral 2016, positive 965\); split by hash: 2741 train, 651 test/);
  const stored = JSON.parse(TextModel.open(model).metadata()['hean.testScores']);
  assert.equal(stored.accuracy.toFixed(3), accuracy.toFixed(3));
  assert.equal(stored.confusion.flat().reduce((a: number, b: number) => a + b, 0), 651);
  assert.match(trained.out, /wrote .*sentiment\.onnx/);
});

test('outputs never replace inputs: not the texts classified, not the model', () => {
  const input = join(tmp, 'keep.csv');
  writeFileSync(input, 'sentence\nProfit rose.\n');
  const over = hean(['text', 'classify', '--model', model, input, '-o', input]);
  assert.equal(over.code, 2);
  assert.match(over.err, /is read by INPUT; an output never writes over an input/);
  assert.equal(readFileSync(input, 'utf8'), 'sentence\nProfit rose.\n');
  assert.equal(hean(['text', 'classify', '--model', model, input, '-o', model]).code, 2);
  assert.ok(TextModel.open(model).classes.length === 3);
});

test('text classify adds label and confidence to every row, as the model says', () => {
  const input = join(tmp, 'headlines.csv');
  const sentences = ['Operating profit rose to EUR 13.1 mn from EUR 8.7 mn a year earlier.', 'The company said, "sales fell by 30 %", and cut jobs.', 'The annual meeting is held in Helsinki.'];
  writeFileSync(input, `id,sentence\n${sentences.map((s, i) => `${i},"${s.replace(/"/g, '""')}"`).join('\n')}\n`);
  const out = join(tmp, 'labelled.csv');
  const r = hean(['text', 'classify', '--model', model, input, '-o', out]);
  assert.equal(r.code, 0, r.err);
  const table = parseCsv(out, readFileSync(out, 'utf8'));
  assert.deepEqual(table.header, ['id', 'sentence', 'label', 'confidence']);
  const m = TextModel.open(model);
  const p = m.classify(sentences);
  table.rows.forEach((row, i) => {
    assert.equal(row.cells[1], sentences[i]);
    const k = [0, 1, 2].reduce((best, c) => (p[i * 3 + c] > p[i * 3 + best] ? c : best), 0);
    assert.equal(row.cells[2], m.classes[k]);
    assert.equal(Number(row.cells[3]).toFixed(5), p[i * 3 + k].toFixed(5));
  });
  assert.equal(table.rows[0].cells[2], 'positive');
  assert.equal(table.rows[1].cells[2], 'negative');
});

test('bad input: a missing column, a corrupt model, a missing flag each say what to do', () => {
  const input = join(tmp, 'wrong.csv');
  writeFileSync(input, 'headline\nProfit rose.\n');
  const column = hean(['text', 'classify', '--model', model, input, '-o', join(tmp, 'x.csv')]);
  assert.equal(column.code, 1);
  assert.match(column.err, /wrong\.csv:1: no column "sentence"; the header has "headline"; name the column with --column/);
  const corrupt = join(tmp, 'corrupt.onnx');
  writeFileSync(corrupt, readFileSync(model).subarray(0, 1000));
  const bad = hean(['text', 'classify', '--model', corrupt, input, '--column', 'headline', '-o', join(tmp, 'y.csv')]);
  assert.equal(bad.code, 1);
  assert.match(bad.err, /corrupt\.onnx: is not a readable ONNX model .*truncated/);
  const usage = hean(['train', 'text', '-o', join(tmp, 'z.onnx')]);
  assert.equal(usage.code, 2);
  assert.match(usage.err, /needs --data/);
});
