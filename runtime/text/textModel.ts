import { ModelError, OnnxSession } from '../onnx/onnxSession.js';
import type { OnnxModelInfo } from '../onnx/onnxModel.js';
import { TEXT_MODEL_KEYS } from './textClassifier.js';

/**
 * A text classifier as an ONNX file: one string input of shape [N], one float output of shape
 * [N, classes] holding probabilities, and the class names in the file's metadata
 * (`hean.classes`, a JSON list) or given by the user. `hean train text` writes such files; any
 * other exporter works if its model has that shape.
 */
export class TextModel {
  private constructor(
    readonly file: string,
    readonly classes: readonly string[],
    private readonly session: OnnxSession,
    private readonly input: string,
    private readonly output: string,
  ) {}

  static open(file: string, classes?: readonly string[]): TextModel {
    return TextModel.fromSession(OnnxSession.open(file), classes);
  }

  /** A model from bytes in memory (`file` names it in messages). */
  static fromBytes(file: string, bytes: Uint8Array, classes?: readonly string[]): TextModel {
    return TextModel.fromSession(OnnxSession.fromBytes(file, bytes), classes);
  }

  private static fromSession(session: OnnxSession, classes?: readonly string[]): TextModel {
    const plan = textModelPlan(session.info, classes);
    if (typeof plan === 'string') throw new ModelError(session.file, plan);
    return new TextModel(session.file, plan.classes, session, plan.input, plan.output);
  }

  /**
   * Probabilities, row-major (texts.length x classes). One text per inference: measured on the
   * trained phrasebank model, 400 sentences one by one take 0.15 s and as one batch 0.9 s (the
   * batch pads every text to the longest), and the results are bit-identical either way, so a
   * text's scores never depend on which texts share its chunk.
   */
  classify(texts: readonly string[]): Float32Array {
    const K = this.classes.length;
    const out = new Float32Array(texts.length * K);
    for (let i = 0; i < texts.length; i++) {
      const result = this.session.run({ [this.input]: { type: 'string', data: [texts[i]], dims: [1] } }, [this.output])[this.output];
      if (result.dims.length !== 2 || result.dims[0] !== 1 || result.dims[1] !== K || !(result.data instanceof Float32Array)) {
        throw new ModelError(this.file, `gave an output of shape [${result.dims.join(', ')}] (${result.type}) for one text; expected float [1, ${K}]`);
      }
      out.set(result.data, i * K);
    }
    return out;
  }

  metadata(): Readonly<Record<string, string>> {
    return this.session.info.metadata;
  }

  dispose(): void {
    this.session.dispose();
  }
}

/** Which input takes the text and which output holds the probabilities of which classes; or what is wrong. */
function textModelPlan(info: OnnxModelInfo, classes?: readonly string[]): { input: string; output: string; classes: readonly string[] } | string {
  const strings = info.inputs.filter((i) => i.type === 'string');
  if (info.inputs.length !== 1 || strings.length !== 1 || strings[0].shape.length !== 1) {
    const found = info.inputs.map((i) => `${i.name}: ${i.type}[${i.shape.join(', ')}]`).join('; ') || 'none';
    return `is not a text classifier: expected one input of strings with shape [N], found ${found}`;
  }
  const floats = info.outputs.filter((o) => o.type === 'float' && o.shape.length === 2);
  const wanted = info.metadata[TEXT_MODEL_KEYS.output];
  const output = wanted ? floats.find((o) => o.name === wanted) : floats.length === 1 ? floats[0] : undefined;
  if (!output) {
    const found = info.outputs.map((o) => `${o.name}: ${o.type}[${o.shape.join(', ')}]`).join('; ') || 'none';
    return `is not a text classifier: expected ${wanted ? `the output "${wanted}" its metadata names, as` : 'one'} float output of shape [N, classes] holding probabilities, found ${found}`;
  }
  let names = classes;
  const stored = info.metadata[TEXT_MODEL_KEYS.classes];
  if (!names) {
    if (stored === undefined) return `does not name its classes (no "${TEXT_MODEL_KEYS.classes}" metadata); give them in the order of the model's output columns`;
    try {
      names = JSON.parse(stored) as string[];
    } catch {
      names = undefined;
    }
    if (!Array.isArray(names) || !names.every((c) => typeof c === 'string')) return `its "${TEXT_MODEL_KEYS.classes}" metadata is ${JSON.stringify(stored.slice(0, 100))}; expected a JSON list of class names`;
  }
  const width = output.shape[1];
  if (typeof width === 'number' && width !== names.length) return `its output "${output.name}" has ${width} columns but ${names.length} classes are named (${names.join(', ')})`;
  return { input: strings[0].name, output: output.name, classes: names };
}

/** What makes a model unusable for sentiment.classify (a text classifier with positive and negative classes), or undefined. */
export function textModelProblem(info: OnnxModelInfo, classes?: readonly string[]): string | undefined {
  const plan = textModelPlan(info, classes);
  if (typeof plan === 'string') return plan;
  return sentimentClassesProblem(plan.classes);
}

/** Sentiment needs positive and negative classes (neutral is optional). */
export function sentimentClassesProblem(classes: readonly string[]): string | undefined {
  if (classes.includes('positive') && classes.includes('negative')) return undefined;
  return `the model's classes are ${classes.join(', ')}; sentiment.classify needs positive and negative among them (name them with classes: [...] in output order if the file does not)`;
}
