/**
 * What a trained classifier is worth on held-out rows beyond accuracy: ranking (AUC), calibration
 * and which features it leans on (permutation importance). Probabilities are row-major (rows x K).
 */

export interface Scores {
  n: number;
  accuracy: number;
  /** Mean over classes of F1 (a class never predicted nor present counts 0). */
  macroF1: number;
  perClass: { precision: number; recall: number; f1: number; support: number }[];
  /** confusion[actual][predicted]. */
  confusion: number[][];
}

export function scoreLabels(actual: ArrayLike<number>, predicted: ArrayLike<number>, classes: number): Scores {
  const confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  let correct = 0;
  for (let i = 0; i < actual.length; i++) {
    confusion[actual[i]][predicted[i]]++;
    if (actual[i] === predicted[i]) correct++;
  }
  const perClass = confusion.map((row, k) => {
    const tp = row[k];
    const support = row.reduce((a, b) => a + b, 0);
    const predictedK = confusion.reduce((a, r) => a + r[k], 0);
    const precision = predictedK ? tp / predictedK : 0;
    const recall = support ? tp / support : 0;
    return { precision, recall, f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0, support };
  });
  return { n: actual.length, accuracy: actual.length ? correct / actual.length : NaN, macroF1: perClass.reduce((a, c) => a + c.f1, 0) / classes, perClass, confusion };
}

/** Index of the largest probability of row i (the first on ties). */
export function argmaxRow(probabilities: ArrayLike<number>, i: number, classes: number): number {
  let best = 0;
  for (let k = 1; k < classes; k++) if (probabilities[i * classes + k] > probabilities[i * classes + best]) best = k;
  return best;
}

/**
 * Area under the ROC curve of class k against the rest: the probability that a random row of
 * class k gets a higher p_k than a random other row, ties counting half (Mann-Whitney U / (n1 n0);
 * Hanley & McNeil 1982). NaN when either side is empty.
 */
export function aucOf(actual: ArrayLike<number>, p: ArrayLike<number>, K: number, k: number): number {
  const scores = Array.from({ length: actual.length }, (_, i) => ({ s: p[i * K + k], pos: actual[i] === k }));
  scores.sort((a, b) => a.s - b.s);
  let rankSumPos = 0;
  let pos = 0;
  for (let i = 0; i < scores.length; ) {
    let j = i;
    while (j < scores.length && scores[j].s === scores[i].s) j++;
    const midRank = (i + 1 + j) / 2; // ranks i+1..j share their mean
    for (let m = i; m < j; m++) if (scores[m].pos) {
      rankSumPos += midRank;
      pos++;
    }
    i = j;
  }
  const neg = scores.length - pos;
  if (!pos || !neg) return NaN;
  return (rankSumPos - (pos * (pos + 1)) / 2) / (pos * neg);
}

/**
 * The mean over classes of the one-vs-rest AUC (scikit-learn's roc_auc_score, multi_class='ovr',
 * average='macro'), over the classes both present and absent in `actual` (scikit-learn refuses a
 * class that never occurs; a fold without NEUTRAL rows still ranks UP and DOWN). NaN if none.
 */
export function macroAuc(actual: ArrayLike<number>, p: ArrayLike<number>, K: number): number {
  let sum = 0;
  let defined = 0;
  for (let k = 0; k < K; k++) {
    const auc = aucOf(actual, p, K, k);
    if (auc === auc) {
      sum += auc;
      defined++;
    }
  }
  return defined ? sum / defined : NaN;
}

/** The multi-class Brier score: mean over rows of the squared distance between p and the one-hot label (Brier 1950). */
export function brierOf(actual: ArrayLike<number>, p: ArrayLike<number>, K: number): number {
  let sum = 0;
  for (let i = 0; i < actual.length; i++) for (let k = 0; k < K; k++) sum += (p[i * K + k] - (k === actual[i] ? 1 : 0)) ** 2;
  return sum / actual.length;
}

export interface CalibrationBin {
  /** Lower edge of the bin of the top probability (confidence). */
  from: number;
  to: number;
  rows: number;
  meanConfidence: number;
  /** Share of these rows whose top class was right: a calibrated model has accuracy ~ meanConfidence. */
  accuracy: number;
}

/** Rows binned by the probability of their most probable class, with how often that class was right. */
export function calibrationTable(actual: ArrayLike<number>, p: ArrayLike<number>, K: number, bins = 10): CalibrationBin[] {
  const table = Array.from({ length: bins }, (_, b) => ({ from: b / bins, to: (b + 1) / bins, rows: 0, meanConfidence: 0, accuracy: 0 }));
  for (let i = 0; i < actual.length; i++) {
    let best = 0;
    for (let k = 1; k < K; k++) if (p[i * K + k] > p[i * K + best]) best = k;
    const c = p[i * K + best];
    const bin = table[Math.min(bins - 1, Math.floor(c * bins))];
    bin.rows++;
    bin.meanConfidence += c;
    bin.accuracy += actual[i] === best ? 1 : 0;
  }
  return table.filter((b) => b.rows).map((b) => ({ ...b, meanConfidence: b.meanConfidence / b.rows, accuracy: b.accuracy / b.rows }));
}

export function logLossOf(actual: ArrayLike<number>, p: ArrayLike<number>, K: number): number {
  let sum = 0;
  for (let i = 0; i < actual.length; i++) sum -= Math.log(Math.max(1e-15, p[i * K + actual[i]]));
  return sum / actual.length;
}

/**
 * Permutation importance (Breiman 2001; scikit-learn's permutation_importance): how much the
 * held-out log-loss rises when one feature's values are shuffled among the rows, breaking its link
 * to the label; the mean over `repeats` shuffles from a fixed seed, so the figures are reproducible.
 */
export function permutationImportance(rows: readonly Float64Array[], actual: ArrayLike<number>, K: number, predict: (rows: Float64Array[]) => ArrayLike<number>, repeats = 3, seed = 1): number[] {
  const base = logLossOf(actual, predict(rows as Float64Array[]), K);
  const F = rows[0]?.length ?? 0;
  let state = seed >>> 0;
  // mulberry32: a small, well-mixed 32-bit generator.
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const importance: number[] = [];
  for (let f = 0; f < F; f++) {
    let rise = 0;
    for (let r = 0; r < repeats; r++) {
      const column = rows.map((row) => row[f]);
      for (let i = column.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [column[i], column[j]] = [column[j], column[i]];
      }
      const shuffled = rows.map((row, i) => {
        const copy = Float64Array.from(row);
        copy[f] = column[i];
        return copy;
      });
      rise += logLossOf(actual, predict(shuffled), K) - base;
    }
    importance.push(rise / repeats);
  }
  return importance;
}
