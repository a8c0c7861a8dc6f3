import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataFile } from './dataFile.js';
import { readCsvFile } from '../text/labelledTexts.js';
import { isTestText } from '../text/evaluation.js';
import { exportTextClassifier, trainTextClassifier } from '../text/textClassifier.js';

let cached: string | undefined;

/**
 * A small real sentiment model for tests of the nodes that run one: word 1-2-grams and
 * logistic regression fitted on the PhraseBank's training split (a few seconds), written once
 * per test process to a temporary .onnx file, whose path is returned.
 */
export function smallSentimentModel(): string {
  if (cached) return cached;
  const file = dataFile('financial_phrasebank_v1.csv');
  const table = readCsvFile(file);
  const classes = ['negative', 'neutral', 'positive'];
  const rows = table.rows.filter((r) => !isTestText(r.cells[0]));
  const model = trainTextClassifier(rows.map((r) => r.cells[0]), Int32Array.from(rows, (r) => classes.indexOf(r.cells[1])), classes, {
    blocks: [{ unit: 'word', minN: 1, maxN: 2, minDf: 2 }],
    lambda: 1e-4,
    maxIterations: 60,
  });
  const path = join(mkdtempSync(join(tmpdir(), 'hean-model-')), 'sentiment.onnx');
  writeFileSync(path, exportTextClassifier(model, {}, 'test'));
  return (cached = path);
}
