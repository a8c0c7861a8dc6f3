import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeOnnxModel, inspectOnnxModel, type OnnxModelSpec } from './onnxModel.js';
import { ProtoError, ProtoWriter, readFields } from './protobuf.js';
import { ModelError, OnnxSession } from './onnxSession.js';

// logits = x W + b, probabilities = softmax(logits): small enough to check by hand.
const W = [1, -1, 0.5, 2, 0, -0.5];
const b = [0.1, 0.2];
const spec: OnnxModelSpec = {
  opsets: { '': 17 },
  producer: 'hean-test',
  producerVersion: '1',
  graphName: 'softmax',
  nodes: [
    { op: 'MatMul', inputs: ['x', 'W'], outputs: ['xw'] },
    { op: 'Add', inputs: ['xw', 'b'], outputs: ['logits'] },
    { op: 'Softmax', inputs: ['logits'], outputs: ['p'], attributes: { axis: { int: -1 } } },
  ],
  initializers: [
    { name: 'W', dims: [3, 2], floats: W },
    { name: 'b', dims: [2], floats: b },
  ],
  inputs: [{ name: 'x', type: 'float', shape: ['N', 3] }],
  outputs: [{ name: 'p', type: 'float', shape: ['N', 2] }],
  metadata: { 'hean.classes': '["down","up"]', note: 'ünïcode ✓' },
};

test('protobuf varints, strings and packed fields read back as written', () => {
  const bytes = new ProtoWriter().int(1, 300).int(2, -1).string(3, 'héllo').packedInts(4, [1, 150, 2 ** 40]).encode();
  const fields = readFields(bytes);
  assert.equal(fields[0].varint, 300n);
  assert.equal(BigInt.asIntN(64, fields[1].varint!), -1n);
  assert.equal(new TextDecoder().decode(fields[2].bytes), 'héllo');
  // 300 = 0b1_0010_1100 -> 0xac 0x02 (the protobuf encoding guide's own example).
  assert.deepEqual([...bytes.subarray(0, 3)], [0x08, 0xac, 0x02]);
});

test('an ONNX model written here keeps its inputs, outputs, opsets and metadata', () => {
  const info = inspectOnnxModel(encodeOnnxModel(spec));
  assert.equal(info.producer, 'hean-test');
  assert.deepEqual(info.opsets, { '': 17 });
  assert.deepEqual(info.inputs, [{ name: 'x', type: 'float', shape: ['N', 3] }]);
  assert.deepEqual(info.outputs, [{ name: 'p', type: 'float', shape: ['N', 2] }]);
  assert.deepEqual(info.metadata, spec.metadata);
});

test('onnxruntime runs the written model and gives the softmax of x W + b', () => {
  const session = OnnxSession.fromBytes('softmax.onnx', encodeOnnxModel(spec));
  const x = [1, 2, 3, -1, 0, 0.5];
  const out = session.run({ x: { type: 'float32', data: Float32Array.from(x), dims: [2, 3] } }, ['p']).p;
  assert.deepEqual(out.dims, [2, 2]);
  for (let i = 0; i < 2; i++) {
    const logits = [0, 1].map((k) => b[k] + x[i * 3] * W[k] + x[i * 3 + 1] * W[2 + k] + x[i * 3 + 2] * W[4 + k]);
    const e = logits.map(Math.exp);
    for (let k = 0; k < 2; k++) assert.ok(Math.abs((out.data as Float32Array)[i * 2 + k] - e[k] / (e[0] + e[1])) < 1e-6);
  }
  session.dispose();
});

test('a truncated, empty or foreign file is a ModelError saying so, not a crash', () => {
  const bytes = encodeOnnxModel(spec);
  assert.throws(() => OnnxSession.fromBytes('cut.onnx', bytes.subarray(0, bytes.length - 7)), (e: Error) => e instanceof ModelError && /cut\.onnx: .*(truncated|runs past the end)/.test(e.message));
  assert.throws(() => OnnxSession.fromBytes('empty.onnx', new Uint8Array(0)), (e: Error) => e instanceof ModelError && /empty\.onnx: .*empty/.test(e.message));
  assert.throws(() => OnnxSession.fromBytes('notes.onnx', new TextEncoder().encode('these are not model bytes at all\n')), (e: Error) => e instanceof ModelError && /notes\.onnx: is not a readable ONNX model/.test(e.message));
  assert.throws(() => OnnxSession.open('/nonexistent/model.onnx'), (e: Error) => e instanceof ModelError && /ENOENT.*check the path/.test(e.message));
  assert.throws(() => readFields(Uint8Array.of(0x0a, 0x05, 0x01)), ProtoError);
});

test('a well-formed file with a graph onnxruntime refuses names the problem', () => {
  const broken = encodeOnnxModel({ ...spec, nodes: [{ op: 'NoSuchOperator', inputs: ['x'], outputs: ['p'] }] });
  assert.throws(() => OnnxSession.fromBytes('odd.onnx', broken), (e: Error) => e instanceof ModelError && /odd\.onnx: onnxruntime refused the model: .*NoSuchOperator/.test(e.message));
});
