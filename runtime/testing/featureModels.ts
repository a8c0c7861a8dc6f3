import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeOnnxModel } from '../onnx/onnxModel.js';
import { FEATURES_KEY } from '../onnx/featureModel.js';

/**
 * A small real ONNX model over named features for tests of model nodes: [N, F] float in,
 * `score` = tanh(x w + b) [N, 1] and `mix` = x W [N, 2] out, with fixed weights, written once per
 * process to a temporary file. `features` go into its metadata when given.
 */
export function smallFeatureModel(inputs: number, features?: readonly string[]): string {
  const w = Array.from({ length: inputs }, (_, j) => (j % 2 ? -1 : 1) / (j + 1));
  const W = Array.from({ length: inputs * 2 }, (_, j) => ((j * 7) % 5) / 10 - 0.2);
  const bytes = encodeOnnxModel({
    opsets: { '': 17 },
    producer: 'hean-test',
    producerVersion: '1',
    graphName: 'small',
    nodes: [
      { op: 'MatMul', inputs: ['x', 'w'], outputs: ['xw'] },
      { op: 'Add', inputs: ['xw', 'b'], outputs: ['z'] },
      { op: 'Tanh', inputs: ['z'], outputs: ['score'] },
      { op: 'MatMul', inputs: ['x', 'W'], outputs: ['mix'] },
    ],
    initializers: [
      { name: 'w', dims: [inputs, 1], floats: w },
      { name: 'b', dims: [1], floats: [0.1] },
      { name: 'W', dims: [inputs, 2], floats: W },
    ],
    inputs: [{ name: 'x', type: 'float', shape: ['N', inputs] }],
    outputs: [
      { name: 'score', type: 'float', shape: ['N', 1] },
      { name: 'mix', type: 'float', shape: ['N', 2] },
    ],
    metadata: features ? { [FEATURES_KEY]: JSON.stringify(features) } : {},
  });
  const path = join(mkdtempSync(join(tmpdir(), 'hean-model-')), `small-${inputs}.onnx`);
  writeFileSync(path, bytes);
  return path;
}
