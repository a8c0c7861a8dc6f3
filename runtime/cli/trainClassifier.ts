import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { writeAtomically, type OutputGuard } from '../adapters/outputGuard.js';
import { exportLogistic, fitLogistic, predictLogistic } from '../learn/logisticModel.js';
import { GBDT_DEFAULTS, fitGbdt, maxLeavesOf, predictGbdt, stagedPredictGbdt, treeImportance, type GbdtOptions } from '../learn/gradientBoosting.js';
import { exportTreeEnsemble } from '../learn/treeEnsembleOnnx.js';
import { argmaxRow, brierOf, calibrationTable, logLossOf, macroAuc, permutationImportance, scoreLabels, type CalibrationBin, type Scores } from '../learn/evaluate.js';
import { readDatasetTable } from '../data/datasetTable.js';

/** Label columns `hean dataset` writes: never features. */
export const LABEL_COLUMNS = ['forwardReturn', 'direction', 'barrier'];
/** L2 penalties tried on the validation slice when --lambda is not given. */
export const LOGISTIC_LAMBDAS = [1e-1, 1e-2, 1e-3, 1e-4];

export interface TrainClassifierOptions {
  /** logistic regression, or gradient-boosted trees (gbdt: `boosting` holds its hyper-parameters). */
  kind?: 'logistic' | 'gbdt';
  boosting?: Partial<GbdtOptions>;
  data: string;
  out: string;
  label: string;
  features?: string[];
  lambda?: number;
  testFraction: number;
  /** Training rows dropped just before the test (and validation) start: their labels look into it. */
  purge: number;
  version: string;
  log(line: string): void;
}

export interface ProbabilityScores extends Scores {
  logLoss: number;
  brier: number;
  /** One-vs-rest AUC, averaged over classes. */
  auc: number;
}

export interface TrainClassifierResult {
  features: string[];
  classes: string[];
  rows: number;
  dropped: number;
  train: number;
  test: number;
  kind: 'logistic' | 'gbdt';
  /** logistic: the L2 penalty; gbdt: the number of rounds kept. */
  lambda: number;
  rounds?: number;
  validation: { lambda?: number; rounds?: number; logLoss: number }[];
  model: ProbabilityScores;
  majority: ProbabilityScores;
  calibration: CalibrationBin[];
  /** Rise of the held-out log-loss when each feature is shuffled (permutation importance), by feature. */
  importance: number[];
  /** gbdt: per feature, the total gain of the final trees' splits on it and their number. */
  gain?: number[];
  splits?: number[];
  testStart: string;
}

function probabilityScores(actual: Int32Array, p: ArrayLike<number>, K: number): ProbabilityScores {
  const predicted = Int32Array.from(actual, (_, i) => argmaxRow(p, i, K));
  return { ...scoreLabels(actual, predicted, K), logLoss: logLossOf(actual, p, K), brier: brierOf(actual, p, K), auc: macroAuc(actual, p, K) };
}

/**
 * `hean train logistic` and `hean train gbdt`: rows in time order, the last testFraction of them
 * held out; on the last 20 % of the rest (fitted on what precedes it) the logistic L2 penalty or
 * the boosting round count is chosen by log-loss, then the model is refitted on all training rows;
 * `purge` rows before each held-out block are dropped from fitting.
 */
export async function trainClassifier(options: TrainClassifierOptions, outputs: OutputGuard): Promise<TrainClassifierResult> {
  const { data, log } = options;
  outputs.input(data, '--data');
  const target = outputs.file(options.out, '-o', 'command line');
  const table = await readDatasetTable(data);
  const timeColumn = table.column('time', '(a dataset from hean dataset has it)');
  const labelColumn = table.column(options.label, '--label');
  const names = options.features ?? table.header.filter((h) => h !== 'time' && h !== options.label && !LABEL_COLUMNS.includes(h));
  if (!names.length) throw new Error(`${data}: no feature columns besides time and the labels; the header has ${table.header.join(', ')}`);
  const featureColumns = names.map((name) => table.column(name, '--features'));
  const rows: Float64Array[] = [];
  const labelsText: string[] = [];
  const times: string[] = [];
  let dropped = 0;
  let previous = -Infinity;
  for (let row = 0; row < table.rows; row++) {
    const time = timeColumn.time(row);
    if (Number.isNaN(time)) throw new Error(`${table.where(row)}: time "${timeColumn.text(row)}" is not a date and time; expected ISO-8601 such as 2024-01-01T00:00:00.000Z`);
    if (!(time > previous)) throw new Error(`${table.where(row)}: time ${timeColumn.text(row)} is not after the previous row's; expected rows in time order (the split is chronological)`);
    previous = time;
    const values = Float64Array.from(featureColumns, (column) => column.number(row));
    const label = labelColumn.text(row);
    if (label === '' || !values.every(Number.isFinite)) {
      dropped++;
      continue;
    }
    rows.push(values);
    labelsText.push(label);
    times.push(timeColumn.text(row));
  }
  const classes = [...new Set(labelsText)].sort();
  if (classes.length < 2) throw new Error(`${data}: the label ${options.label} takes ${classes.length} value(s) (${classes.join(', ')}); a classifier needs at least two`);
  const labels = Int32Array.from(labelsText, (l) => classes.indexOf(l));
  const testStart = Math.floor(rows.length * (1 - options.testFraction));
  const fitEnd = Math.max(0, testStart - options.purge);
  if (fitEnd < 10 * names.length || rows.length - testStart < 10) throw new Error(`${data}: ${rows.length} complete rows leave ${fitEnd} to fit and ${rows.length - testStart} to test; give more rows`);
  log(`${rows.length} complete rows (${dropped} dropped: warm-up or no label), ${names.length} features, classes ${classes.join('/')}; fit on ${fitEnd}, test on the last ${rows.length - testStart} (from ${times[testStart]})`);
  const K = classes.length;
  const validation: { lambda?: number; rounds?: number; logLoss: number }[] = [];
  const validStart = Math.floor(fitEnd * 0.8);
  const validFitEnd = Math.max(0, validStart - options.purge);
  const validRows = rows.slice(validStart, fitEnd);
  const validLabels = labels.slice(validStart, fitEnd);
  const kind = options.kind ?? 'logistic';
  let lambda = options.lambda;
  let predict: (x: Float64Array[]) => Float64Array;
  let exportModel: (metadata: Record<string, string>) => Uint8Array;
  let rounds: number | undefined;
  let trees: { gain: number[]; splits: number[] } | undefined;
  if (kind === 'logistic') {
    if (lambda === undefined) {
      for (const candidate of LOGISTIC_LAMBDAS) {
        const m = fitLogistic(names, classes, rows.slice(0, validFitEnd), labels.slice(0, validFitEnd), candidate);
        const logLoss = probabilityScores(validLabels, predictLogistic(m, validRows), K).logLoss;
        validation.push({ lambda: candidate, logLoss });
        log(`  lambda ${candidate}: validation log-loss ${logLoss.toFixed(5)}`);
      }
      lambda = validation.reduce((best, v) => (v.logLoss < best.logLoss ? v : best)).lambda!;
    }
    const model = fitLogistic(names, classes, rows.slice(0, fitEnd), labels.slice(0, fitEnd), lambda);
    predict = (x) => predictLogistic(model, x);
    exportModel = (metadata) => exportLogistic(model, metadata, options.version);
  } else {
    // Early stopping: the round count with the lowest validation log-loss, then a refit on all training rows.
    const boosting = { ...GBDT_DEFAULTS, ...options.boosting };
    const seconds = (since: number) => ((performance.now() - since) / 1000).toFixed(2);
    let started = performance.now();
    const trial = fitGbdt(rows.slice(0, validFitEnd), labels.slice(0, validFitEnd), K, boosting, (r) => r % 25 === 0 && log(`  validation fit: round ${r}/${boosting.rounds}`));
    log(`  validation fit (${boosting.method}${boosting.method === 'hist' ? `, ${boosting.growth}` : ''}): ${boosting.rounds} rounds in ${seconds(started)} s`);
    stagedPredictGbdt(trial, validRows, boosting.rounds, (r, p) => validation.push({ rounds: r, logLoss: logLossOf(validLabels, p, K) }));
    rounds = validation.reduce((best, v) => (v.logLoss < best.logLoss ? v : best)).rounds!;
    log(`  validation log-loss is lowest after ${rounds} of ${boosting.rounds} rounds (${validation[rounds - 1].logLoss.toFixed(5)})`);
    started = performance.now();
    const model = fitGbdt(rows.slice(0, fitEnd), labels.slice(0, fitEnd), K, { ...boosting, rounds }, (r) => r % 25 === 0 && log(`  final fit: round ${r}/${rounds}`));
    log(`  final fit: ${rounds} rounds in ${seconds(started)} s`);
    lambda = boosting.lambda;
    trees = treeImportance(model, names.length);
    predict = (x) => predictGbdt(model, x);
    exportModel = (metadata) => exportTreeEnsemble({ trees: model.trees, treeInfo: model.treeInfo, baseScore: model.baseScore, objective: 'multi:softprob', numClass: K, features: names, classes, source: 'hean', metadata }, options.version).bytes;
  }
  const actual = labels.slice(testStart);
  const testRows = rows.slice(testStart);
  const probabilities = predict(testRows);
  const scores = probabilityScores(actual, probabilities, K);
  const calibration = calibrationTable(actual, probabilities, K);
  const importance = permutationImportance(testRows, actual, K, predict);
  const counts = classes.map((_, k) => labels.slice(0, fitEnd).filter((l) => l === k).length);
  const prior = counts.map((c) => c / fitEnd);
  const majority = probabilityScores(actual, Float64Array.from({ length: actual.length * K }, (_, j) => prior[j % K]), K);
  const training = {
    data: basename(data),
    sha256: createHash('sha256').update(readFileSync(data)).digest('hex'),
    label: options.label,
    rows: rows.length,
    // The span of the fitted rows: a run predicting at or before trainedTo is in-sample (model.onnx says so).
    trainedFrom: times[0],
    trainedTo: times[fitEnd - 1],
    split: `chronological: fit on rows before ${times[testStart]} (minus ${options.purge} purged), test from it`,
    model: kind,
    ...(kind === 'logistic' ? { lambda } : { ...GBDT_DEFAULTS, ...options.boosting, maxLeaves: maxLeavesOf({ ...GBDT_DEFAULTS, ...options.boosting }), rounds }),
  };
  const testScores = { accuracy: scores.accuracy, macroF1: scores.macroF1, logLoss: scores.logLoss, brier: scores.brier, auc: scores.auc, confusion: scores.confusion, classes, testRows: actual.length };
  const byName = (values: number[]) => Object.fromEntries(names.map((n, f) => [n, values[f]]));
  // Kinds of importance by feature name: permutation for every model, gain and splits for trees.
  const importanceByKind = { permutation: byName(importance), ...(trees ? { gain: byName(trees.gain), splits: byName(trees.splits) } : {}) };
  writeAtomically(target, exportModel({ 'hean.training': JSON.stringify(training), 'hean.testScores': JSON.stringify(testScores), 'hean.importance': JSON.stringify(importanceByKind) }));
  return { features: names, classes, rows: rows.length, dropped, train: fitEnd, test: actual.length, kind, lambda, rounds, validation, model: scores, majority, calibration, importance, ...trees, testStart: times[testStart] };
}

export function trainClassifierReport(r: TrainClassifierResult): string {
  const f = (x: number) => x.toFixed(4);
  const line = (s: ProbabilityScores) => `accuracy ${f(s.accuracy)}, macro-F1 ${f(s.macroF1)}, log-loss ${f(s.logLoss)}, Brier ${f(s.brier)}, AUC ${f(s.auc)}`;
  const ranked = r.features.map((name, i) => ({ name, rise: r.importance[i], gain: r.gain?.[i], splits: r.splits?.[i] })).sort((a, b) => b.rise - a.rise);
  const trees = r.gain !== undefined;
  return [
    `held-out test (${r.test} rows from ${r.testStart}, after every training row):`,
    `  model (${r.kind === 'logistic' ? `logistic regression, lambda ${r.lambda}` : `boosted trees, ${r.rounds} rounds`}): ${line(r.model)}`,
    `  class frequencies of the training rows:       ${line(r.majority)}`,
    'confusion matrix of the model (rows: actual, columns: predicted):',
    `  ${''.padEnd(10)}${r.classes.map((c) => c.padStart(10)).join('')}`,
    ...r.model.confusion.map((row, k) => `  ${r.classes[k].padEnd(10)}${row.map((v) => String(v).padStart(10)).join('')}`),
    'calibration (rows by the probability of the predicted class; a calibrated model is right that often):',
    ...r.calibration.map((b) => `  ${b.from.toFixed(1)}-${b.to.toFixed(1)}: ${String(b.rows).padStart(6)} rows, mean probability ${b.meanConfidence.toFixed(3)}, right ${b.accuracy.toFixed(3)}`),
    `permutation importance (held-out log-loss rise when the feature is shuffled, mean of 3)${trees ? ", gain (sum over the final trees' splits on the feature) and split count" : ''}:`,
    ...ranked.map((x) => `  ${x.name.padEnd(16)} ${x.rise >= 0 ? '+' : ''}${x.rise.toFixed(5)}${trees ? `  gain ${x.gain!.toFixed(2).padStart(10)}  splits ${String(x.splits).padStart(5)}` : ''}`),
  ].join('\n');
}
