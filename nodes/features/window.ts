import { Type } from '@sinclair/typebox';
import { defineNode, type FeatureInputs } from '../../runtime/defineNode.js';
import { port } from '../../runtime/ports.js';

export const window = defineNode({
  kind: 'features.window',
  summary: 'The last `length` feature vectors side by side, oldest first: the input of sequence models (an LSTM wants [N, length, F]).',
  description:
    'At each event, the feature vectors of this event and the length - 1 before it, as length x F columns in ' +
    'time-major order: all F features of the oldest event first, then the next, the current event last, so the ' +
    'columns reshape row-major to [length, F]. Column names say the lag: `ret[t-47]` ... `ret[t-0]`. Only past and ' +
    'present events are used. Warm-up: length - 1 events (NaN until the window is full); a NaN inside the window ' +
    'passes through, and a model node skips rows with any NaN.',
  params: Type.Object(
    { length: Type.Integer({ minimum: 2, maximum: 10000, default: 48, description: 'Events per window (the sequence length).' }) },
    { additionalProperties: false },
  ),
  inputs: { features: port.features({ description: 'The feature vector of each event (features.vector).' }) },
  outputs: { features: port.features({ description: 'length x F columns, oldest event first.' }) },
  warmup: (p) => p.length - 1,
  featureNames: (p, inputs) => ({ features: windowNames(p.length, inputNames(inputs.features)) }),
  create: (p, ctx) => {
    const names = inputNames(ctx.inputFeatures ?? {});
    const F = names.length;
    const L = p.length;
    // The last L vectors in a ring of L rows of F values.
    const ring = new Float64Array(L * F).fill(NaN);
    let head = 0;
    let seen = 0;
    return {
      featureNames: { features: windowNames(L, names) },
      step(n, _t, { features }, { features: out }) {
        const columns = features.columns;
        if (columns.length !== F) throw new Error(`the input has ${columns.length} features, the graph said ${F} (${names.join(', ')})`);
        for (let i = 0; i < n; i++) {
          for (let f = 0; f < F; f++) ring[head * F + f] = columns[f][i];
          head = head + 1 === L ? 0 : head + 1;
          seen++;
          const full = seen >= L;
          // After the write, `head` is the oldest row of the ring.
          for (let s = 0; s < L; s++) {
            const row = (head + s) % L;
            for (let f = 0; f < F; f++) out.columns[s * F + f][i] = full ? ring[row * F + f] : NaN;
          }
        }
      },
    };
  },
});

function inputNames(features: FeatureInputs['features']): readonly string[] {
  const names = features.features?.[0];
  if (!names) throw new Error('features.window needs to know the names of its input features; wire it from features.vector');
  return names;
}

/** `name[t-k]`, oldest (k = length - 1) first, all features of one step together. */
function windowNames(length: number, names: readonly string[]): string[] {
  const out: string[] = [];
  for (let k = length - 1; k >= 0; k--) for (const name of names) out.push(`${name}[t-${k}]`);
  return out;
}
