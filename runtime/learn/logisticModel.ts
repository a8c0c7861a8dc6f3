import { encodeOnnxModel } from '../onnx/onnxModel.js';
import { CLASSES_KEY, FEATURES_KEY } from '../onnx/featureModel.js';
import { fitSoftmax, predictRow, type SoftmaxModel, type SparseMatrix } from './softmaxRegression.js';

/**
 * Multinomial logistic regression on named numeric features, standardised with the training
 * rows' mean and population standard deviation (as scikit-learn's StandardScaler), exported as
 * one ONNX graph that takes the raw features: (x - mean) / scale, x W + b, softmax. The feature
 * names and classes travel in the file's metadata, so model.onnx checks the wiring against them.
 */
export interface LogisticModel {
  features: readonly string[];
  classes: readonly string[];
  mean: Float64Array;
  scale: Float64Array;
  model: SoftmaxModel;
  iterations: number;
  converged: boolean;
}

/** Rows as a dense matrix in CSR form, each value standardised. */
function standardised(rows: readonly Float64Array[], mean: Float64Array, scale: Float64Array): SparseMatrix {
  const F = mean.length;
  const rowStart = new Int32Array(rows.length + 1);
  const index = new Int32Array(rows.length * F);
  const value = new Float64Array(rows.length * F);
  rows.forEach((row, i) => {
    for (let f = 0; f < F; f++) {
      index[i * F + f] = f;
      value[i * F + f] = (row[f] - mean[f]) / scale[f];
    }
    rowStart[i + 1] = (i + 1) * F;
  });
  return { rows: rows.length, columns: F, rowStart, index, value };
}

export function fitLogistic(features: readonly string[], classes: readonly string[], rows: readonly Float64Array[], labels: Int32Array, lambda: number): LogisticModel {
  const F = features.length;
  const mean = new Float64Array(F);
  const scale = new Float64Array(F);
  for (const row of rows) for (let f = 0; f < F; f++) mean[f] += row[f] / rows.length;
  for (const row of rows) for (let f = 0; f < F; f++) scale[f] += (row[f] - mean[f]) ** 2 / rows.length;
  // A constant feature keeps scale 1 (StandardScaler's rule), so it cannot divide by zero.
  for (let f = 0; f < F; f++) scale[f] = scale[f] > 0 ? Math.sqrt(scale[f]) : 1;
  const fit = fitSoftmax(standardised(rows, mean, scale), labels, classes.length, { lambda, maxIterations: 1000, tolerance: 1e-9 });
  return { features, classes, mean, scale, model: fit.model, iterations: fit.iterations, converged: fit.converged };
}

/** Class probabilities, row-major (rows x classes), in float64. */
export function predictLogistic(m: LogisticModel, rows: readonly Float64Array[]): Float64Array {
  const K = m.classes.length;
  const x = standardised(rows, m.mean, m.scale);
  const out = new Float64Array(rows.length * K);
  const p = new Float64Array(K);
  for (let i = 0; i < rows.length; i++) {
    predictRow(m.model, x, i, p);
    out.set(p, i * K);
  }
  return out;
}

export function exportLogistic(m: LogisticModel, metadata: Record<string, string>, producerVersion: string): Uint8Array {
  const F = m.features.length;
  const K = m.classes.length;
  return encodeOnnxModel({
    opsets: { '': 17 },
    producer: 'hean',
    producerVersion,
    graphName: 'logistic',
    docString: `standardised ${F} features -> multinomial logistic regression over ${m.classes.join('/')}`,
    nodes: [
      { op: 'Sub', inputs: ['features', 'mean'], outputs: ['centred'] },
      { op: 'Div', inputs: ['centred', 'scale'], outputs: ['standardised'] },
      { op: 'MatMul', inputs: ['standardised', 'weights'], outputs: ['linear'] },
      { op: 'Add', inputs: ['linear', 'intercepts'], outputs: ['logits'] },
      { op: 'Softmax', inputs: ['logits'], outputs: ['probabilities'], attributes: { axis: { int: -1 } } },
    ],
    initializers: [
      { name: 'mean', dims: [F], floats: m.mean },
      { name: 'scale', dims: [F], floats: m.scale },
      { name: 'weights', dims: [F, K], floats: m.model.weights },
      { name: 'intercepts', dims: [K], floats: m.model.intercepts },
    ],
    inputs: [{ name: 'features', type: 'float', shape: ['N', F] }],
    outputs: [{ name: 'probabilities', type: 'float', shape: ['N', K] }],
    metadata: { [FEATURES_KEY]: JSON.stringify(m.features), [CLASSES_KEY]: JSON.stringify(m.classes), 'hean.kind': 'classifier', ...metadata },
  });
}
