import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ProtoError } from './protobuf.js';
import { inspectOnnxModel, type OnnxModelInfo, type ValueInfo } from './onnxModel.js';
import { MODEL_MAX_BYTES } from './onnxSession.js';

/**
 * How a numeric ONNX model meets a graph: which input takes the wired features, in what shape,
 * and what columns its outputs give. Computed from the file alone (no inference), by the
 * compiler (`hean validate`) and again by the node when a run starts, so both say the same.
 */

/** Metadata key: the feature names, in order, the model was trained on (a JSON list). */
export const FEATURES_KEY = 'hean.features';
/** Metadata key: a classifier's class names, in the order of its first output's columns (a JSON list). */
export const CLASSES_KEY = 'hean.classes';

function classesOf(stored: string | undefined): string[] | undefined | string {
  if (stored === undefined) return undefined;
  let names: unknown;
  try {
    names = JSON.parse(stored);
  } catch {
    names = undefined;
  }
  return Array.isArray(names) && names.length > 1 && names.every((n) => typeof n === 'string') ? names : `its "${CLASSES_KEY}" metadata is not a JSON list of class names`;
}

/** +1, -1 or 0: what a class name says about direction (UP, positive, long, buy / DOWN, negative, short, sell / anything else). */
export function classDirection(name: string): number {
  const n = name.toLowerCase();
  if (['up', 'positive', 'long', 'buy', '1', '+1'].includes(n)) return 1;
  if (['down', 'negative', 'short', 'sell', '-1'].includes(n)) return -1;
  return 0;
}

export interface FeatureModelPlan {
  /** The class names of a classifier (metadata `hean.classes`), whose first output holds their probabilities. */
  classes?: string[];
  input: string;
  /** Input dimensions after the batch one (e.g. [48, 1]); their product is the number of features. */
  dims: number[];
  outputs: { name: string; width: number }[];
  /** Output column names, in order: `forecast[0]`, ... (a one-column output keeps its name). */
  columns: string[];
}

/**
 * direction and confidence of each row from class probabilities in columns[0..K): confidence the
 * largest probability, direction that class's (classDirection), 0 below minConfidence, NaN for a NaN row.
 */
export function classDecisions(n: number, columns: readonly Float64Array[], directions: readonly number[], minConfidence: number, out: { direction: Float64Array; confidence: Float64Array }): void {
  const K = directions.length;
  for (let i = 0; i < n; i++) {
    let best = -1;
    for (let k = 0; k < K; k++) if (best < 0 || columns[k][i] > columns[best][i]) best = k;
    const confidence = best < 0 ? NaN : columns[best][i];
    out.confidence[i] = confidence;
    out.direction[i] = confidence !== confidence ? NaN : confidence < minConfidence ? 0 : directions[best];
  }
}

/** The time of the last row the model was fitted on, when its metadata says (`hean.training`.trainedTo, written by hean train). */
export function trainedTo(info: OnnxModelInfo): number | undefined {
  try {
    const time = Date.parse(JSON.parse(info.metadata['hean.training'] ?? '{}').trainedTo);
    return Number.isFinite(time) ? time : undefined;
  } catch {
    return undefined;
  }
}

/** A model path as given (relative to the working directory) if it exists, else beside the graph file. */
export function locateModel(path: string, graphFile: string): string {
  if (existsSync(path)) return resolve(path);
  const beside = resolve(dirname(graphFile), path);
  return existsSync(beside) ? beside : resolve(path);
}

/** The file's header, or an error message saying what is wrong with the file. */
export function readModelInfo(file: string): OnnxModelInfo | string {
  if (!existsSync(file)) return `the model file ${file} does not exist; a relative path is looked up in the working directory, then beside the graph`;
  const stat = statSync(file);
  if (!stat.isFile()) return `the model ${file} is not a regular file`;
  if (stat.size > MODEL_MAX_BYTES) return `the model ${file} is ${stat.size} bytes; hean loads models up to ${MODEL_MAX_BYTES} bytes`;
  // The compiler asks twice per model node (its feature names, then its checks): read it once.
  const key = `${file}\0${stat.size}\0${stat.mtimeMs}`;
  if (lastRead?.key === key) return lastRead.info;
  let info: OnnxModelInfo | string;
  try {
    info = inspectOnnxModel(readFileSync(file));
  } catch (e) {
    if (!(e instanceof ProtoError)) throw e;
    info = `${file} is not a readable ONNX model (${e.message}); the file may be truncated or not a model: re-export it`;
  }
  lastRead = { key, info };
  return info;
}

let lastRead: { key: string; info: OnnxModelInfo | string } | undefined;

const shapeText = (v: ValueInfo) => `${v.type} [${v.shape.join(', ')}]`;

/** Matches a model to the wired feature names: the plan, or what differs (expected vs found). */
export function planFeatureModel(file: string, info: OnnxModelInfo, wired: readonly string[], inputName?: string): FeatureModelPlan | string {
  const inputs = inputName ? info.inputs.filter((i) => i.name === inputName) : info.inputs;
  if (inputs.length !== 1) {
    const found = info.inputs.map((i) => `${i.name}: ${shapeText(i)}`).join('; ') || 'none';
    return inputName ? `${file} has no input "${inputName}"; its inputs: ${found}` : `${file} has ${info.inputs.length} inputs (${found}); name the one that takes the features with input: NAME (hean feeds one)`;
  }
  const input = inputs[0];
  if (input.type !== 'float') return `${file}: input "${input.name}" is ${shapeText(input)}; hean feeds float32 features`;
  const dims = input.shape.slice(1);
  const symbolic = dims.find((d) => typeof d !== 'number');
  if (input.shape.length < 2 || symbolic !== undefined) return `${file}: input "${input.name}" is ${shapeText(input)}; expected [N, F] or [N, steps, F] with fixed sizes after the batch dimension${symbolic !== undefined ? ` (found the symbolic "${symbolic}")` : ''}`;
  const size = (dims as number[]).reduce((a, b) => a * b, 1);
  if (size !== wired.length) {
    const sample = wired.length > 6 ? `${wired.slice(0, 3).join(', ')}, ..., ${wired.slice(-2).join(', ')}` : wired.join(', ');
    return `${file}: input "${input.name}" is ${shapeText(input)} = ${size} values per event, but the wired features give ${wired.length} (${sample || 'none'}); wire ${size} features (features.window length x features per step)`;
  }
  const trained = info.metadata[FEATURES_KEY];
  if (trained !== undefined) {
    let names: unknown;
    try {
      names = JSON.parse(trained);
    } catch {
      names = undefined;
    }
    if (!Array.isArray(names) || !names.every((n) => typeof n === 'string')) return `${file}: its "${FEATURES_KEY}" metadata is not a JSON list of names`;
    const differ = names.findIndex((n, j) => n !== wired[j]);
    if (names.length !== wired.length || differ >= 0) {
      const at = differ >= 0 ? differ : Math.min(names.length, wired.length);
      return `${file} was trained on the features ${names.join(', ')}; the graph wires ${wired.join(', ')} (first difference at position ${at + 1}: expected ${names[at] ?? 'nothing'}, found ${wired[at] ?? 'nothing'}); wire the features in the model's order and names (features.vector names:)`;
    }
  }
  const outputs: { name: string; width: number }[] = [];
  for (const o of info.outputs) {
    const widths = o.shape.slice(1);
    if (o.type !== 'float' || o.shape.length < 1 || o.shape.length > 2 || widths.some((d) => typeof d !== 'number')) {
      return `${file}: output "${o.name}" is ${shapeText(o)}; hean reads float outputs of shape [N] or [N, K] with a fixed K`;
    }
    outputs.push({ name: o.name, width: o.shape.length === 1 ? 1 : (widths[0] as number) });
  }
  if (!outputs.length) return `${file} declares no outputs`;
  const classes = classesOf(info.metadata[CLASSES_KEY]);
  if (typeof classes === 'string') return `${file}: ${classes}`;
  if (classes && classes.length !== outputs[0].width) return `${file} names ${classes.length} classes (${classes.join(', ')}) but its first output "${outputs[0].name}" has ${outputs[0].width} columns`;
  const columns = outputs.flatMap((o, i) => (i === 0 && classes ? classes.map((c) => `${o.name}.${c}`) : o.width === 1 ? [o.name] : Array.from({ length: o.width }, (_, k) => `${o.name}[${k}]`)));
  return { classes, input: input.name, dims: dims as number[], outputs, columns };
}
