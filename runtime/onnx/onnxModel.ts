import { ProtoError, ProtoWriter, decodeString, readFields } from './protobuf.js';

/**
 * Writing and inspecting ONNX model files (onnx/onnx.proto3, IR version 8). hean writes the
 * models it trains itself (a text classifier) and reads back what every model carries beside
 * its graph: `metadata_props` (feature names, labels, training range) and the declared inputs
 * and outputs, so a model that does not fit its wiring is a compile error, not a wrong number.
 */

/** Tensor element types hean writes; reading names every type of onnx.proto's TensorProto.DataType. */
export type ElemType = 'float' | 'int64' | 'string' | 'double';
const ELEM_TYPE_CODE: Record<ElemType, number> = { float: 1, int64: 7, string: 8, double: 11 };
const ELEM_TYPE_NAMES = ['undefined', 'float', 'uint8', 'int8', 'uint16', 'int16', 'int32', 'int64', 'string', 'bool', 'float16', 'double', 'uint32', 'uint64', 'complex64', 'complex128', 'bfloat16'];

/** A node attribute: the ONNX attribute kinds hean writes. */
export type Attribute =
  | { int: number }
  | { float: number }
  | { string: string }
  | { ints: ArrayLike<number> }
  | { floats: ArrayLike<number> }
  | { strings: readonly string[] };

export interface OnnxNode {
  op: string;
  /** Operator domain: '' is ai.onnx; `com.microsoft` holds onnxruntime's contrib ops. */
  domain?: string;
  inputs: string[];
  outputs: string[];
  name?: string;
  attributes?: Record<string, Attribute>;
}

export interface ValueInfo {
  name: string;
  /** Element type: one of ElemType when hean writes it; any onnx.proto type name when read. */
  type: ElemType | string;
  /** Dimensions: a size, or a symbolic name for a size known only at run time (`N`). */
  shape: (number | string)[];
}

export interface Initializer {
  name: string;
  dims: number[];
  /** float32 values (row-major). */
  floats: ArrayLike<number>;
}

export interface OnnxModelSpec {
  /** Operator set versions by domain ('' = ai.onnx). */
  opsets: Record<string, number>;
  producer: string;
  producerVersion: string;
  graphName: string;
  docString?: string;
  nodes: OnnxNode[];
  initializers: Initializer[];
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  /** Free-form key/value pairs stored in the file (`metadata_props`). */
  metadata: Record<string, string>;
}

const IR_VERSION = 8;
const ATTRIBUTE_TYPE = { FLOAT: 1, INT: 2, STRING: 3, FLOATS: 6, INTS: 7, STRINGS: 8 };

function attributeProto(name: string, a: Attribute): ProtoWriter {
  const w = new ProtoWriter().string(1, name);
  if ('int' in a) return w.int(3, a.int).int(20, ATTRIBUTE_TYPE.INT);
  if ('float' in a) return w.float(2, a.float).int(20, ATTRIBUTE_TYPE.FLOAT);
  if ('string' in a) return w.string(4, a.string).int(20, ATTRIBUTE_TYPE.STRING);
  if ('ints' in a) return w.packedInts(8, a.ints).int(20, ATTRIBUTE_TYPE.INTS);
  if ('floats' in a) return w.packedFloats(7, a.floats).int(20, ATTRIBUTE_TYPE.FLOATS);
  for (const s of a.strings) w.string(9, s);
  return w.int(20, ATTRIBUTE_TYPE.STRINGS);
}

function valueInfoProto(v: ValueInfo): ProtoWriter {
  const shape = new ProtoWriter();
  for (const d of v.shape) shape.message(1, typeof d === 'number' ? new ProtoWriter().int(1, d) : new ProtoWriter().string(2, d));
  const tensor = new ProtoWriter().int(1, ELEM_TYPE_CODE[v.type as ElemType]).message(2, shape);
  return new ProtoWriter().string(1, v.name).message(2, new ProtoWriter().message(1, tensor));
}

/** The model's bytes, ready for a file or for onnxruntime. */
export function encodeOnnxModel(spec: OnnxModelSpec): Uint8Array {
  const graph = new ProtoWriter();
  spec.nodes.forEach((n, i) => {
    const node = new ProtoWriter();
    for (const input of n.inputs) node.string(1, input);
    for (const output of n.outputs) node.string(2, output);
    node.string(3, n.name ?? `${n.op}_${i}`).string(4, n.op);
    for (const [name, a] of Object.entries(n.attributes ?? {})) node.message(5, attributeProto(name, a));
    if (n.domain) node.string(7, n.domain);
    graph.message(1, node);
  });
  graph.string(2, spec.graphName);
  for (const init of spec.initializers) {
    const size = init.dims.reduce((a, b) => a * b, 1);
    if (size !== init.floats.length) throw new Error(`initializer ${init.name}: dims ${init.dims.join('x')} hold ${size} values, got ${init.floats.length}`);
    const tensor = new ProtoWriter().packedInts(1, init.dims).int(2, ELEM_TYPE_CODE.float).string(8, init.name);
    const raw = new Uint8Array(size * 4);
    const view = new DataView(raw.buffer);
    for (let i = 0; i < size; i++) view.setFloat32(i * 4, init.floats[i], true);
    graph.message(5, tensor.bytes(9, raw));
  }
  if (spec.docString) graph.string(10, spec.docString);
  for (const input of spec.inputs) graph.message(11, valueInfoProto(input));
  for (const output of spec.outputs) graph.message(12, valueInfoProto(output));

  const model = new ProtoWriter().int(1, IR_VERSION).string(2, spec.producer).string(3, spec.producerVersion);
  model.message(7, graph);
  for (const [domain, version] of Object.entries(spec.opsets)) model.message(8, new ProtoWriter().string(1, domain).int(2, version));
  for (const [key, value] of Object.entries(spec.metadata)) model.message(14, new ProtoWriter().string(1, key).string(2, value));
  return model.encode();
}

/** What a model file says about itself, read without running it. */
export interface OnnxModelInfo {
  irVersion: number;
  producer: string;
  producerVersion: string;
  opsets: Record<string, number>;
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  metadata: Record<string, string>;
}

/** Reads a model file's header, declared inputs and outputs and metadata; throws ProtoError on bytes that are not an ONNX model. */
export function inspectOnnxModel(bytes: Uint8Array): OnnxModelInfo {
  if (bytes.length === 0) throw new ProtoError('the file is empty');
  const info: OnnxModelInfo = { irVersion: 0, producer: '', producerVersion: '', opsets: {}, inputs: [], outputs: [], metadata: {} };
  let sawGraph = false;
  for (const f of readFields(bytes)) {
    if (f.field === 1 && f.varint !== undefined) info.irVersion = Number(f.varint);
    else if (f.field === 2 && f.bytes) info.producer = decodeString(f.bytes);
    else if (f.field === 3 && f.bytes) info.producerVersion = decodeString(f.bytes);
    else if (f.field === 8 && f.bytes) {
      let domain = '';
      let version = 0;
      for (const g of readFields(f.bytes)) {
        if (g.field === 1 && g.bytes) domain = decodeString(g.bytes);
        else if (g.field === 2 && g.varint !== undefined) version = Number(g.varint);
      }
      info.opsets[domain] = version;
    } else if (f.field === 14 && f.bytes) {
      let key = '';
      let value = '';
      for (const g of readFields(f.bytes)) {
        if (g.field === 1 && g.bytes) key = decodeString(g.bytes);
        else if (g.field === 2 && g.bytes) value = decodeString(g.bytes);
      }
      info.metadata[key] = value;
    } else if (f.field === 7 && f.bytes) {
      sawGraph = true;
      for (const g of readFields(f.bytes)) {
        if (g.field === 11 && g.bytes) info.inputs.push(readValueInfo(g.bytes));
        else if (g.field === 12 && g.bytes) info.outputs.push(readValueInfo(g.bytes));
      }
    }
  }
  if (!sawGraph || info.irVersion === 0) throw new ProtoError('no ONNX model header (IR version and graph) found');
  return info;
}

function readValueInfo(bytes: Uint8Array): ValueInfo {
  const v: ValueInfo = { name: '', type: 'undefined', shape: [] };
  for (const f of readFields(bytes)) {
    if (f.field === 1 && f.bytes) v.name = decodeString(f.bytes);
    else if (f.field === 2 && f.bytes) {
      for (const t of readFields(f.bytes)) {
        if (t.field !== 1 || !t.bytes) continue;
        for (const e of readFields(t.bytes)) {
          if (e.field === 1 && e.varint !== undefined) v.type = ELEM_TYPE_NAMES[Number(e.varint)] ?? `type ${e.varint}`;
          else if (e.field === 2 && e.bytes) {
            for (const d of readFields(e.bytes)) {
              if (d.field !== 1 || !d.bytes) continue;
              for (const x of readFields(d.bytes)) {
                if (x.field === 1 && x.varint !== undefined) v.shape.push(Number(x.varint));
                else if (x.field === 2 && x.bytes) v.shape.push(decodeString(x.bytes));
              }
            }
          }
        }
      }
    }
  }
  return v;
}
