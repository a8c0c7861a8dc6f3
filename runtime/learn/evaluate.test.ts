import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aucOf, calibrationTable, macroAuc, permutationImportance } from './evaluate.js';

/** AUC by its definition: over every (positive, negative) pair, 1 if the positive scores higher, 1/2 on a tie. */
function pairAuc(actual: number[], p: number[], K: number, k: number): number {
  let sum = 0;
  let pairs = 0;
  actual.forEach((a, i) => {
    if (a !== k) return;
    actual.forEach((b, j) => {
      if (b === k) return;
      pairs++;
      sum += p[i * K + k] > p[j * K + k] ? 1 : p[i * K + k] === p[j * K + k] ? 0.5 : 0;
    });
  });
  return sum / pairs;
}

test('AUC equals the pair-counting definition, ties included', () => {
  const K = 3;
  const actual = Array.from({ length: 60 }, (_, i) => (i * 7) % 3);
  // Coarse probabilities (many ties), leaning towards the right class.
  const p = actual.flatMap((a, i) => {
    const raw = [0, 1, 2].map((k) => Math.round(((k === a ? 2 : 1) + ((i * (k + 3)) % 5) / 4) * 2) / 2);
    const sum = raw.reduce((x, y) => x + y, 0);
    return raw.map((x) => x / sum);
  });
  for (let k = 0; k < K; k++) assert.ok(Math.abs(aucOf(actual, p, K, k) - pairAuc(actual, p, K, k)) < 1e-12, `class ${k}`);
  assert.ok(Math.abs(macroAuc(actual, p, K) - [0, 1, 2].reduce((s, k) => s + pairAuc(actual, p, K, k), 0) / 3) < 1e-12);
  assert.ok(Number.isNaN(aucOf([0, 0], [0.6, 0.4, 0.7, 0.3], 2, 0)), 'no negatives: undefined');
  // A class that never occurs (class 1 here) is left out of the mean, not made NaN.
  const two = actual.map((a) => (a === 1 ? 2 : a));
  assert.ok(Math.abs(macroAuc(two, p, K) - (pairAuc(two, p, K, 0) + pairAuc(two, p, K, 2)) / 2) < 1e-12);
});

test('calibration bins rows by their top probability and says how often the top class was right', () => {
  // rows: top p 0.35 (right), 0.38 (wrong), 0.92 (right)
  const table = calibrationTable([0, 1, 1], [0.35, 0.33, 0.32, 0.38, 0.31, 0.31, 0.04, 0.92, 0.04], 3);
  assert.deepEqual(table.map((b) => [b.from, b.rows, +b.meanConfidence.toFixed(3), b.accuracy]), [[0.3, 2, 0.365, 0.5], [0.9, 1, 0.92, 1]]);
});

test('permutation importance: shuffling an informative feature hurts, shuffling noise does not', () => {
  const rows = Array.from({ length: 400 }, (_, i) => Float64Array.of(i % 2, Math.sin(i * 12.9898) * 0.5));
  const actual = rows.map((r) => r[0]);
  // The "model" reads feature 0 only.
  const predict = (x: Float64Array[]) => x.flatMap((r) => (r[0] === 1 ? [0.1, 0.9] : [0.9, 0.1]));
  const [informative, noise] = permutationImportance(rows, actual, 2, predict);
  assert.ok(informative > 0.5, `informative ${informative}`);
  assert.equal(noise, 0);
  assert.deepEqual(permutationImportance(rows, actual, 2, predict), [informative, noise], 'reproducible');
});
