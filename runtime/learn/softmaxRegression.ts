/**
 * Multinomial logistic regression (softmax) on sparse rows, with an L2 penalty on the weights
 * (not the intercepts), fitted by L-BFGS (Nocedal & Wright, Numerical Optimization, 2nd ed.,
 * algorithm 7.4 with a backtracking Armijo line search). Minimises
 *   (1/N) sum_i -log p(y_i | x_i)  +  (lambda / 2) ||W||^2,   p = softmax(x W + b).
 * Deterministic: starts from zero, no randomness, fixed iteration order.
 */

/** Rows in compressed sparse row form: row i's entries are [rowStart[i], rowStart[i+1]). */
export interface SparseMatrix {
  rows: number;
  columns: number;
  rowStart: Int32Array;
  index: Int32Array;
  value: Float64Array;
}

export interface SoftmaxModel {
  classes: number;
  features: number;
  /** weights[j * classes + k]: feature j's weight for class k. */
  weights: Float64Array;
  intercepts: Float64Array;
}

export interface FitOptions {
  lambda: number;
  maxIterations?: number;
  /** Stop when the gradient's largest component falls below this. */
  tolerance?: number;
}

export interface FitResult {
  model: SoftmaxModel;
  iterations: number;
  loss: number;
  converged: boolean;
}

/** Class probabilities of row i into `out` (length classes). */
export function predictRow(model: SoftmaxModel, x: SparseMatrix, i: number, out: Float64Array): void {
  const K = model.classes;
  for (let k = 0; k < K; k++) out[k] = model.intercepts[k];
  for (let e = x.rowStart[i]; e < x.rowStart[i + 1]; e++) {
    const base = x.index[e] * K;
    const v = x.value[e];
    for (let k = 0; k < K; k++) out[k] += v * model.weights[base + k];
  }
  softmaxInPlace(out);
}

function softmaxInPlace(z: Float64Array): void {
  let max = -Infinity;
  for (let k = 0; k < z.length; k++) if (z[k] > max) max = z[k];
  let sum = 0;
  for (let k = 0; k < z.length; k++) sum += z[k] = Math.exp(z[k] - max);
  for (let k = 0; k < z.length; k++) z[k] /= sum;
}

/** Loss and gradient at parameters theta = [W (features x classes), b (classes)]. */
function lossAndGradient(theta: Float64Array, x: SparseMatrix, y: Int32Array, K: number, lambda: number, grad: Float64Array): number {
  const D = x.columns;
  const N = x.rows;
  const bOffset = D * K;
  grad.fill(0);
  const z = new Float64Array(K);
  let loss = 0;
  for (let i = 0; i < N; i++) {
    for (let k = 0; k < K; k++) z[k] = theta[bOffset + k];
    for (let e = x.rowStart[i]; e < x.rowStart[i + 1]; e++) {
      const base = x.index[e] * K;
      const v = x.value[e];
      for (let k = 0; k < K; k++) z[k] += v * theta[base + k];
    }
    let max = -Infinity;
    for (let k = 0; k < K; k++) if (z[k] > max) max = z[k];
    let sum = 0;
    for (let k = 0; k < K; k++) sum += Math.exp(z[k] - max);
    const logSum = max + Math.log(sum);
    loss += logSum - z[y[i]];
    for (let k = 0; k < K; k++) z[k] = Math.exp(z[k] - logSum) - (k === y[i] ? 1 : 0);
    for (let e = x.rowStart[i]; e < x.rowStart[i + 1]; e++) {
      const base = x.index[e] * K;
      const v = x.value[e];
      for (let k = 0; k < K; k++) grad[base + k] += v * z[k];
    }
    for (let k = 0; k < K; k++) grad[bOffset + k] += z[k];
  }
  loss /= N;
  for (let j = 0; j < grad.length; j++) grad[j] /= N;
  let penalty = 0;
  for (let j = 0; j < bOffset; j++) {
    penalty += theta[j] * theta[j];
    grad[j] += lambda * theta[j];
  }
  return loss + (lambda / 2) * penalty;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

export function fitSoftmax(x: SparseMatrix, y: Int32Array, classes: number, options: FitOptions): FitResult {
  const maxIterations = options.maxIterations ?? 500;
  const tolerance = options.tolerance ?? 1e-6;
  const size = x.columns * classes + classes;
  const M = 10;
  let theta = new Float64Array(size);
  let grad = new Float64Array(size);
  let loss = lossAndGradient(theta, x, y, classes, options.lambda, grad);
  const s: Float64Array[] = [];
  const yDiff: Float64Array[] = [];
  const rho: number[] = [];
  const alpha = new Float64Array(M);
  const direction = new Float64Array(size);
  const trial = new Float64Array(size);
  let trialGrad = new Float64Array(size);
  let iterations = 0;
  let converged = false;
  for (; iterations < maxIterations; iterations++) {
    let gmax = 0;
    for (let j = 0; j < size; j++) gmax = Math.max(gmax, Math.abs(grad[j]));
    if (gmax < tolerance) {
      converged = true;
      break;
    }
    // Two-loop recursion: direction = -H grad.
    for (let j = 0; j < size; j++) direction[j] = -grad[j];
    for (let m = s.length - 1; m >= 0; m--) {
      alpha[m] = rho[m] * dot(s[m], direction);
      const ym = yDiff[m];
      for (let j = 0; j < size; j++) direction[j] -= alpha[m] * ym[j];
    }
    const gamma = s.length ? dot(s[s.length - 1], yDiff[s.length - 1]) / dot(yDiff[s.length - 1], yDiff[s.length - 1]) : 1 / Math.max(1, gmax);
    for (let j = 0; j < size; j++) direction[j] *= gamma;
    for (let m = 0; m < s.length; m++) {
      const beta = rho[m] * dot(yDiff[m], direction);
      const sm = s[m];
      for (let j = 0; j < size; j++) direction[j] += (alpha[m] - beta) * sm[j];
    }
    let slope = dot(grad, direction);
    if (!(slope < 0)) {
      // Not a descent direction (curvature information went stale): restart from steepest descent.
      s.length = yDiff.length = rho.length = 0;
      for (let j = 0; j < size; j++) direction[j] = -grad[j] / Math.max(1, gmax);
      slope = dot(grad, direction);
    }
    let step = 1;
    let trialLoss = NaN;
    for (let tries = 0; tries < 40; tries++) {
      for (let j = 0; j < size; j++) trial[j] = theta[j] + step * direction[j];
      trialLoss = lossAndGradient(trial, x, y, classes, options.lambda, trialGrad);
      if (trialLoss <= loss + 1e-4 * step * slope) break;
      step /= 2;
    }
    if (!(trialLoss <= loss + 1e-4 * step * slope)) break;
    const sNew = new Float64Array(size);
    const yNew = new Float64Array(size);
    for (let j = 0; j < size; j++) {
      sNew[j] = trial[j] - theta[j];
      yNew[j] = trialGrad[j] - grad[j];
    }
    const sy = dot(sNew, yNew);
    if (sy > 1e-12) {
      if (s.length === M) {
        s.shift();
        yDiff.shift();
        rho.shift();
      }
      s.push(sNew);
      yDiff.push(yNew);
      rho.push(1 / sy);
    }
    const previous = loss;
    theta = Float64Array.from(trial);
    [grad, trialGrad] = [trialGrad, grad];
    loss = trialLoss;
    if (previous - loss < 1e-12 * Math.max(1, Math.abs(loss))) {
      converged = true;
      iterations++;
      break;
    }
  }
  const bOffset = x.columns * classes;
  return {
    model: { classes, features: x.columns, weights: theta.slice(0, bOffset), intercepts: theta.slice(bOffset) },
    iterations,
    loss,
    converged,
  };
}
