import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dataFile } from '../testing/dataFile.js';
import { TextModel } from './textModel.js';
import { classifyTexts, exportTextClassifier, trainTextClassifier } from './textClassifier.js';
import { columnOf, parseCsv, readCsvFile } from './labelledTexts.js';
import { isTestText } from './evaluation.js';
import { argmaxRow, scoreLabels } from '../learn/evaluate.js';
import { countGrams, lowerAscii, wordTokens, charTokens } from './textFeatures.js';

const classes = ['negative', 'neutral', 'positive'];
const file = dataFile('financial_phrasebank_v1.csv');
const table = readCsvFile(file);
const textAt = columnOf(file, table, 'sentence', '');
const labelAt = columnOf(file, table, 'label', '');
const rows = table.rows.map((r) => ({ text: r.cells[textAt], label: classes.indexOf(r.cells[labelAt]) }));
// A smaller model (character n-grams up to 4) keeps the test quick; the CLI trains the full one.
const train = rows.filter((r) => !isTestText(r.text));
const test_ = rows.filter((r) => isTestText(r.text));
const small = trainTextClassifier(train.map((r) => r.text), Int32Array.from(train, (r) => r.label), classes, {
  blocks: [
    { unit: 'word', minN: 1, maxN: 2, minDf: 2 },
    { unit: 'char', minN: 1, maxN: 4, minDf: 3 },
  ],
  lambda: 3e-5,
  maxIterations: 100,
});

test('the phrasebank reads as 3,392 labelled sentences in three classes', () => {
  assert.equal(rows.length, 3392);
  assert.ok(rows.every((r) => r.label >= 0 && r.text.length > 0));
});

test('tokens and n-grams follow the documented definitions', () => {
  assert.equal(lowerAscii('Net PROFIT Äpfel'), 'net profit Äpfel');
  assert.deepEqual(wordTokens('eur 1.5 mn, up 12 %'), ['eur', '1', '5', 'mn', 'up', '12']);
  assert.deepEqual(charTokens('añ😀'), ['a', 'ñ', '😀']);
  assert.deepEqual([...countGrams(['a', 'b', 'a', 'b'], 1, 2)], [['a', 2], ['b', 2], ['a\u0001b', 2], ['b\u0001a', 1]]);
});

test('the exported ONNX model gives the trainer\'s probabilities from raw text, odd texts included', () => {
  const odd = ['', '   ', 'PROFIT ROSE', 'Ägypten Öl Straße', 'emoji 😀 and U+FFFD \ufffd', 'a'.repeat(5000), 'x,y;"quoted"\nnext line'];
  const texts = [...test_.map((r) => r.text), ...odd];
  const expected = classifyTexts(small, texts);
  const model = TextModel.fromBytes('small.onnx', exportTextClassifier(small, {}, 'test'));
  assert.deepEqual(model.classes, classes);
  const got = model.classify(texts);
  let worst = 0;
  for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i] - expected[i]));
  assert.ok(worst < 1e-5, `largest difference ${worst}`);
  // A text with no known n-gram gets the intercepts' softmax, the same for every such text.
  const blank = test_.length * 3;
  assert.deepEqual([...got.subarray(blank, blank + 3)].map((v) => v.toFixed(6)), [...model.classify([''])].map((v) => v.toFixed(6)));
  model.dispose();
});

test('even a quick model beats the majority class on the held-out split', () => {
  const p = classifyTexts(small, test_.map((r) => r.text));
  const scores = scoreLabels(Int32Array.from(test_, (r) => r.label), Int32Array.from(test_, (_, i) => argmaxRow(p, i, 3)), 3);
  const majority = test_.filter((r) => r.label === 1).length / test_.length;
  assert.ok(scores.accuracy > majority + 0.15, `accuracy ${scores.accuracy} vs majority ${majority}`);
});

test('scores follow their definitions on a hand-checked case', () => {
  // actual:    0 0 1 1 2 2; predicted: 0 1 1 1 2 0
  const s = scoreLabels([0, 0, 1, 1, 2, 2], [0, 1, 1, 1, 2, 0], 3);
  assert.equal(s.accuracy, 4 / 6);
  assert.deepEqual(s.confusion, [[1, 1, 0], [0, 2, 0], [1, 0, 1]]);
  // class 0: P 1/2 R 1/2 F 1/2; class 1: P 2/3 R 1 F 0.8; class 2: P 1 R 1/2 F 2/3
  assert.ok(Math.abs(s.macroF1 - (0.5 + 0.8 + 2 / 3) / 3) < 1e-12);
});

test('CSV fields keep commas, doubled quotes and line breaks; an open quote names its line', () => {
  const t = parseCsv('t.csv', 'sentence,label\n"a, b ""c""\nd",positive\nplain,neutral\n');
  assert.deepEqual(t.rows.map((r) => [r.line, r.cells]), [[2, ['a, b "c"\nd', 'positive']], [4, ['plain', 'neutral']]]);
  assert.throws(() => parseCsv('t.csv', 'sentence,label\nok,neutral\n"never closed,positive\n'), /t\.csv:3: .*a quoted field opens here and never closes/);
});
