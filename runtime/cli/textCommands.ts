import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { writeAtomically, type OutputGuard } from '../adapters/outputGuard.js';
import { DEFAULT_BLOCKS, classifyTexts, exportTextClassifier, trainTextClassifier } from '../text/textClassifier.js';
import { FINBERT_PUBLISHED, foldOf, isTestText, lexiconLabel } from '../text/evaluation.js';
import { argmaxRow, scoreLabels, type Scores } from '../learn/evaluate.js';
import { cellOf, columnOf, readCsvFile } from '../text/labelledTexts.js';
import { TextModel } from '../text/textModel.js';

/** L2 penalties tried by cross-validation when --lambda is not given. */
export const LAMBDA_GRID = [1e-4, 3e-5, 1e-5];
const FOLDS = 3;

export interface TrainTextOptions {
  data: string;
  out: string;
  textColumn: string;
  labelColumn: string;
  lambda?: number;
  version: string;
  /** Progress lines (stderr). */
  log(line: string): void;
}

export interface TrainTextResult {
  classes: string[];
  train: number;
  test: number;
  lambda: number;
  cv: { lambda: number; accuracy: number }[];
  model: Scores;
  majority: Scores;
  lexicon: Scores;
}

/**
 * `hean train text`: the fixed split (evaluation.ts), the L2 penalty chosen by cross-validation
 * on the training split only, one fit on the whole training split, and scores on the test split
 * computed by running the exported ONNX file, so the figures are those of the file users get.
 */
export function trainText(options: TrainTextOptions, outputs: OutputGuard): TrainTextResult {
  const { data, log } = options;
  outputs.input(data, '--data');
  // Claimed before the minute of training, so a bad -o fails at once.
  const target = outputs.file(options.out, '-o', 'command line');
  const table = readCsvFile(data);
  const textAt = columnOf(data, table, options.textColumn, '--text-column');
  const labelAt = columnOf(data, table, options.labelColumn, '--label-column');
  const rows = table.rows.map((r) => ({ text: cellOf(data, table, r, textAt), label: cellOf(data, table, r, labelAt).trim(), line: r.line }));
  for (const r of rows) {
    if (r.text.trim() === '') throw new Error(`${data}:${r.line}: empty ${options.textColumn}; expected a text (remove the row)`);
    if (r.label === '') throw new Error(`${data}:${r.line}: empty ${options.labelColumn}; expected a class name such as positive`);
  }
  const classes = [...new Set(rows.map((r) => r.label))].sort();
  if (classes.length < 2) throw new Error(`${data}: only the class ${JSON.stringify(classes[0] ?? '')} occurs; a classifier needs texts of at least two classes`);
  const train = rows.filter((r) => !isTestText(r.text));
  const test = rows.filter((r) => isTestText(r.text));
  if (test.length === 0 || train.length < 10) throw new Error(`${data}: ${rows.length} texts give ${train.length} to train and ${test.length} to test; give more texts`);
  const label = (r: { label: string }) => classes.indexOf(r.label);
  log(`${rows.length} texts, ${classes.length} classes (${classes.map((c) => `${c} ${rows.filter((r) => r.label === c).length}`).join(', ')}); split by hash: ${train.length} train, ${test.length} test`);

  const fit = (texts: { text: string; label: string }[], lambda: number) =>
    trainTextClassifier(texts.map((r) => r.text), Int32Array.from(texts, label), classes, { blocks: DEFAULT_BLOCKS, lambda });

  const cv: { lambda: number; accuracy: number }[] = [];
  let lambda = options.lambda;
  if (lambda === undefined) {
    for (const candidate of LAMBDA_GRID) {
      let correct = 0;
      for (let f = 0; f < FOLDS; f++) {
        const inFold = train.filter((r) => foldOf(r.text, FOLDS) === f);
        const model = fit(train.filter((r) => foldOf(r.text, FOLDS) !== f), candidate);
        const p = classifyTexts(model, inFold.map((r) => r.text));
        inFold.forEach((r, i) => (correct += argmaxRow(p, i, classes.length) === label(r) ? 1 : 0));
        log(`  cross-validation lambda ${candidate}: fold ${f + 1}/${FOLDS} done`);
      }
      cv.push({ lambda: candidate, accuracy: correct / train.length });
      log(`  lambda ${candidate}: ${FOLDS}-fold accuracy ${(correct / train.length).toFixed(4)}`);
    }
    lambda = cv.reduce((best, c) => (c.accuracy > best.accuracy ? c : best)).lambda;
  }
  log(`fitting on the ${train.length} training texts (lambda ${lambda})`);
  const classifier = fit(train, lambda);

  const sha256 = createHash('sha256').update(readFileSync(data)).digest('hex');
  const training = {
    data: basename(data),
    sha256,
    texts: rows.length,
    split: 'test = FNV-1a-32(UTF-8 text) mod 5 == 0',
    train: train.length,
    test: test.length,
    lambda,
    crossValidation: cv,
    blocks: classifier.blocks.map((b) => ({ unit: b.unit, minN: b.minN, maxN: b.maxN, grams: b.grams.length })),
    iterations: classifier.iterations,
  };
  const provisional = exportTextClassifier(classifier, { 'hean.training': JSON.stringify(training) }, options.version);
  // Score the exported model itself (the file differs only by the scores added to its metadata).
  const model = TextModel.fromBytes(options.out, provisional);
  const probabilities = model.classify(test.map((r) => r.text));
  model.dispose();
  const actual = Int32Array.from(test, label);
  const scores = scoreLabels(actual, Int32Array.from(test, (_, i) => argmaxRow(probabilities, i, classes.length)), classes.length);
  const counts = classes.map((c) => train.filter((r) => r.label === c).length);
  const majorityClass = counts.indexOf(Math.max(...counts));
  const majority = scoreLabels(actual, new Int32Array(test.length).fill(majorityClass), classes.length);
  const lexiconScores = scoreLabels(actual, Int32Array.from(test, (r) => Math.max(0, classes.indexOf(lexiconLabel(r.text)))), classes.length);
  // The scores travel with the model: rewrite it with them in its metadata.
  const summary = { accuracy: scores.accuracy, macroF1: scores.macroF1, confusion: scores.confusion, classes, testTexts: test.length };
  writeAtomically(target, exportTextClassifier(classifier, { 'hean.training': JSON.stringify(training), 'hean.testScores': JSON.stringify(summary) }, options.version));
  return { classes, train: train.length, test: test.length, lambda, cv, model: scores, majority, lexicon: lexiconScores };
}

export function trainTextReport(result: TrainTextResult): string {
  const pct = (x: number) => x.toFixed(3);
  const lines = [
    `test split (${result.test} texts, never seen in training or model selection):`,
    `  model (TF-IDF words 1-2 + chars 1-5, logistic regression, lambda ${result.lambda}): accuracy ${pct(result.model.accuracy)}, macro-F1 ${pct(result.model.macroF1)}`,
    `  majority class:                                  accuracy ${pct(result.majority.accuracy)}, macro-F1 ${pct(result.majority.macroF1)}`,
    `  lexicon (up/down word counts):                   accuracy ${pct(result.lexicon.accuracy)}, macro-F1 ${pct(result.lexicon.macroF1)}`,
    `  FinBERT, published (not run here; its own 20 % test split): accuracy ${FINBERT_PUBLISHED.allAgreement.accuracy}, F1 ${FINBERT_PUBLISHED.allAgreement.f1} (${FINBERT_PUBLISHED.citation})`,
    'confusion matrix of the model (rows: actual, columns: predicted):',
    `  ${''.padEnd(10)}${result.classes.map((c) => c.padStart(10)).join('')}`,
    ...result.model.confusion.map((row, k) => `  ${result.classes[k].padEnd(10)}${row.map((v) => String(v).padStart(10)).join('')}`),
  ];
  return lines.join('\n');
}

/** `hean text classify`: adds label and confidence (the largest probability) to each row of a CSV. */
export function classifyTextFile(modelFile: string, input: string, out: string, column: string, outputs: OutputGuard, log: (line: string) => void): number {
  outputs.input(input, 'INPUT');
  outputs.input(modelFile, '--model');
  const target = outputs.file(out, '-o', 'command line');
  const model = TextModel.open(modelFile);
  const table = readCsvFile(input);
  const at = columnOf(input, table, column, '--column');
  const texts = table.rows.map((r) => cellOf(input, table, r, at));
  const K = model.classes.length;
  const probabilities = new Float32Array(texts.length * K);
  const BATCH = 256;
  for (let from = 0; from < texts.length; from += BATCH) {
    probabilities.set(model.classify(texts.slice(from, from + BATCH)), from * K);
    if (texts.length > BATCH) log(`classified ${Math.min(texts.length, from + BATCH)}/${texts.length}`);
  }
  model.dispose();
  const quote = (s: string) => (/[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s);
  const header = [...table.header, 'label', 'confidence'];
  const lines = [header.map(quote).join(',')];
  table.rows.forEach((r, i) => {
    const k = argmaxRow(probabilities, i, K);
    lines.push([...r.cells, model.classes[k], probabilities[i * K + k].toFixed(6)].map(quote).join(','));
  });
  writeAtomically(target, lines.join('\n') + '\n');
  return texts.length;
}
