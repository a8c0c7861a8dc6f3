import { encodeOnnxModel, type Attribute, type Initializer, type OnnxNode } from '../onnx/onnxModel.js';
import { GRAM_SEPARATOR, WORD_PATTERN, blockRow, fitBlock, gramLookup, lowerAscii, type BlockOptions, type GramBlock } from './textFeatures.js';
import { fitSoftmax, predictRow, type SoftmaxModel, type SparseMatrix } from '../learn/softmaxRegression.js';

/**
 * A text classifier: word and character n-gram TF-IDF blocks (each scaled to unit length) into
 * a multinomial logistic regression. Trained here, exported as one ONNX graph that takes raw
 * text (a string tensor) and gives class probabilities, so whoever runs the file (hean's
 * sentiment.classify, onnxruntime in Python) needs no tokenizer of its own.
 */
export interface TextClassifier {
  classes: readonly string[];
  blocks: readonly GramBlock[];
  model: SoftmaxModel;
}

export interface TextClassifierOptions {
  blocks: BlockOptions[];
  /** L2 penalty (lambda in softmaxRegression.ts). */
  lambda: number;
  maxIterations?: number;
}

export const DEFAULT_BLOCKS: BlockOptions[] = [
  { unit: 'word', minN: 1, maxN: 2, minDf: 2 },
  { unit: 'char', minN: 1, maxN: 5, minDf: 3 },
];

/** The rows of `texts` in the classifier's feature space (blocks side by side). */
export function featureMatrix(blocks: readonly GramBlock[], texts: readonly string[]): SparseMatrix {
  const lookups = blocks.map(gramLookup);
  const offsets: number[] = [];
  let columns = 0;
  for (const b of blocks) {
    offsets.push(columns);
    columns += b.grams.length;
  }
  const rowStart = new Int32Array(texts.length + 1);
  const index: number[] = [];
  const value: number[] = [];
  texts.forEach((text, i) => {
    const lowered = lowerAscii(text);
    blocks.forEach((block, b) => {
      const row = blockRow(block, lookups[b], lowered);
      for (let e = 0; e < row.index.length; e++) {
        index.push(offsets[b] + row.index[e]);
        value.push(row.value[e]);
      }
    });
    rowStart[i + 1] = index.length;
  });
  return { rows: texts.length, columns, rowStart, index: Int32Array.from(index), value: Float64Array.from(value) };
}

export function trainTextClassifier(texts: readonly string[], labels: Int32Array, classes: readonly string[], options: TextClassifierOptions): TextClassifier & { iterations: number; converged: boolean } {
  const lowered = texts.map(lowerAscii);
  const blocks = options.blocks.map((b) => fitBlock(lowered, b));
  const empty = blocks.find((b) => b.grams.length === 0);
  if (empty) throw new Error(`no ${empty.unit} n-gram occurs in ${options.blocks.find((b) => b.unit === empty.unit)!.minDf} or more training texts; give more texts or a lower minimum document frequency`);
  const x = featureMatrix(blocks, texts);
  const fit = fitSoftmax(x, labels, classes.length, { lambda: options.lambda, maxIterations: options.maxIterations });
  return { classes, blocks, model: fit.model, iterations: fit.iterations, converged: fit.converged };
}

/** Class probabilities, row-major (texts.length x classes), computed in float64. */
export function classifyTexts(classifier: TextClassifier, texts: readonly string[]): Float64Array {
  const K = classifier.classes.length;
  const x = featureMatrix(classifier.blocks, texts);
  const out = new Float64Array(texts.length * K);
  const row = new Float64Array(K);
  for (let i = 0; i < texts.length; i++) {
    predictRow(classifier.model, x, i, row);
    out.set(row, i * K);
  }
  return out;
}

/** Metadata keys hean writes into (and reads from) a text classifier's ONNX file. */
export const TEXT_MODEL_KEYS = {
  kind: 'hean.kind',
  classes: 'hean.classes',
  input: 'hean.input',
  output: 'hean.output',
} as const;
export const TEXT_MODEL_KIND = 'text-classifier';
export const TEXT_INPUT = 'text';
export const TEXT_OUTPUT = 'probabilities';
/** Tokenizer padding: longer than one character and not [a-z0-9], so it never equals a pooled token. */
const PAD = '<pad>';

/** The ONNX graph of a classifier: raw text [N] in, probabilities [N, classes] out; `metadata` is stored with it. */
export function exportTextClassifier(classifier: TextClassifier, metadata: Record<string, string>, producerVersion: string): Uint8Array {
  const K = classifier.classes.length;
  const nodes: OnnxNode[] = [
    // Locale "C": lowercases A-Z only, like lowerAscii, and exists on every machine.
    { op: 'StringNormalizer', inputs: [TEXT_INPUT], outputs: ['lowered'], attributes: { case_change_action: { string: 'LOWER' }, is_case_sensitive: { int: 1 }, locale: { string: 'C' } } },
  ];
  const initializers: Initializer[] = [{ name: 'tiny', dims: [1], floats: [1e-30] }];
  let offset = 0;
  const logits: string[] = [];
  classifier.blocks.forEach((block) => {
    const V = block.grams.length;
    const tokens = `${block.unit}_tokens`;
    const tokenizer: Record<string, Attribute> =
      block.unit === 'word'
        ? { mark: { int: 0 }, mincharnum: { int: 1 }, pad_value: { string: PAD }, tokenexp: { string: WORD_PATTERN } }
        : { mark: { int: 0 }, mincharnum: { int: 1 }, pad_value: { string: PAD }, separators: { strings: [''] } };
    nodes.push({ op: 'Tokenizer', domain: 'com.microsoft', inputs: ['lowered'], outputs: [tokens], attributes: tokenizer });
    // The pool lists n-grams by length, each as its tokens; ngram_counts gives where each length starts.
    const pool: string[] = [];
    const starts: number[] = [];
    let n = 0;
    for (const gram of block.grams) {
      const parts = gram.split(GRAM_SEPARATOR);
      while (n < parts.length) {
        starts.push(pool.length);
        n++;
      }
      pool.push(...parts);
    }
    while (n < block.maxN) {
      starts.push(pool.length);
      n++;
    }
    const tf = `${block.unit}_tfidf`;
    nodes.push({
      op: 'TfIdfVectorizer',
      inputs: [tokens],
      outputs: [tf],
      attributes: {
        mode: { string: 'IDF' },
        min_gram_length: { int: block.minN },
        max_gram_length: { int: block.maxN },
        max_skip_count: { int: 0 },
        ngram_counts: { ints: starts },
        ngram_indexes: { ints: Array.from(block.grams, (_, j) => j) },
        pool_strings: { strings: pool },
        weights: { floats: block.idf },
      },
    });
    // Unit length: x / max(sqrt(sum x^2), tiny); the sum is a product with a column of ones.
    const p = block.unit;
    initializers.push({ name: `${p}_ones`, dims: [V, 1], floats: new Float32Array(V).fill(1) });
    const W = new Float32Array(V * K);
    for (let j = 0; j < V; j++) for (let k = 0; k < K; k++) W[j * K + k] = classifier.model.weights[(offset + j) * K + k];
    initializers.push({ name: `${p}_weights`, dims: [V, K], floats: W });
    nodes.push(
      { op: 'Mul', inputs: [tf, tf], outputs: [`${p}_squares`] },
      { op: 'MatMul', inputs: [`${p}_squares`, `${p}_ones`], outputs: [`${p}_sumsq`] },
      { op: 'Sqrt', inputs: [`${p}_sumsq`], outputs: [`${p}_norm`] },
      { op: 'Max', inputs: [`${p}_norm`, 'tiny'], outputs: [`${p}_divisor`] },
      { op: 'Div', inputs: [tf, `${p}_divisor`], outputs: [`${p}_unit`] },
      { op: 'MatMul', inputs: [`${p}_unit`, `${p}_weights`], outputs: [`${p}_logits`] },
    );
    logits.push(`${p}_logits`);
    offset += V;
  });
  initializers.push({ name: 'intercepts', dims: [K], floats: classifier.model.intercepts });
  let sum = 'intercepts';
  logits.forEach((l, i) => {
    const out = i === logits.length - 1 ? 'logits' : `logits_${i}`;
    nodes.push({ op: 'Add', inputs: [sum, l], outputs: [out] });
    sum = out;
  });
  nodes.push({ op: 'Softmax', inputs: ['logits'], outputs: [TEXT_OUTPUT], attributes: { axis: { int: -1 } } });
  return encodeOnnxModel({
    opsets: { '': 17, 'com.microsoft': 1 },
    producer: 'hean',
    producerVersion,
    graphName: 'text_classifier',
    docString: `TF-IDF (${classifier.blocks.map((b) => `${b.unit} ${b.minN}-${b.maxN}-grams: ${b.grams.length}`).join(', ')}) + multinomial logistic regression over ${classifier.classes.join('/')}`,
    nodes,
    initializers,
    inputs: [{ name: TEXT_INPUT, type: 'string', shape: ['N'] }],
    outputs: [{ name: TEXT_OUTPUT, type: 'float', shape: ['N', K] }],
    metadata: {
      [TEXT_MODEL_KEYS.kind]: TEXT_MODEL_KIND,
      [TEXT_MODEL_KEYS.classes]: JSON.stringify(classifier.classes),
      [TEXT_MODEL_KEYS.input]: TEXT_INPUT,
      [TEXT_MODEL_KEYS.output]: TEXT_OUTPUT,
      ...metadata,
    },
  });
}
