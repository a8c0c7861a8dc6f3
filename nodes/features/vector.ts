import { Type } from '@sinclair/typebox';
import { defineNode, type ParamProblem } from '../../runtime/defineNode.js';
import { port } from '../../runtime/ports.js';

export const vector = defineNode({
  kind: 'features.vector',
  summary: 'Collects named numeric wires into one feature vector per event, optionally normalised causally.',
  description:
    'The input of model nodes: one column per wired series, named after the wire as written ' +
    '(`rsi.value`) or by `names`. normalize: none passes values through; zscore replaces each ' +
    'value by (x - mean) / sd over the last `window` values of its own series, the current one ' +
    'included (sample sd; 0 when the window is constant); rank replaces it by its percentile rank ' +
    'in that window, (values below + (values equal - 1) / 2) / (window - 1), from 0 (lowest) to ' +
    '1 (highest). Both look only backwards, so a feature never sees the future. A window that ' +
    'contains a NaN gives NaN. affine applies a fixed (x - mean) / scale per feature, with the mean and scale a ' +
    'trainer\'s scaler saved (e.g. scikit-learn StandardScaler\'s mean_ and scale_), so a model sees its inputs ' +
    'scaled exactly as in training. Warm-up: window - 1 events for zscore and rank.',
  params: Type.Object(
    {
      names: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1, description: 'Feature names, one per wire (default: the wires as written).' })),
      normalize: Type.Union([Type.Literal('none'), Type.Literal('zscore'), Type.Literal('rank'), Type.Literal('affine')], { default: 'none', description: 'Causal normalisation of each feature (affine: fixed mean and scale).' }),
      mean: Type.Optional(Type.Array(Type.Number(), { minItems: 1, description: 'affine: the value subtracted from each feature, one per feature.' })),
      scale: Type.Optional(Type.Array(Type.Number({ exclusiveMinimum: 0 }), { minItems: 1, description: 'affine: the positive divisor of each feature, one per feature.' })),
      window: Type.Integer({ minimum: 2, maximum: 100000, default: 100, description: 'Rolling window of zscore and rank.' }),
    },
    { additionalProperties: false },
  ),
  inputs: { series: port.number({ many: true, description: 'The features, in order.' }) },
  outputs: { features: port.features() },
  warmup: (p) => (p.normalize === 'zscore' || p.normalize === 'rank' ? p.window - 1 : 0),
  check: (p) => {
    const problems: ParamProblem[] = [];
    if (p.normalize === 'affine' && (!p.mean || !p.scale)) problems.push({ path: [p.mean ? 'scale' : 'mean'], message: 'normalize: affine needs mean and scale, one value per feature (as the trainer\'s scaler saved them)' });
    if (p.normalize !== 'affine' && (p.mean || p.scale)) problems.push({ path: [p.mean ? 'mean' : 'scale'], message: `mean and scale are used only by normalize: affine (normalize is ${p.normalize}); remove them or set normalize: affine`, severity: 'warning', code: 'param/unused' });
    return problems;
  },
  featureNames: (p, { wires }) => ({ features: featureNamesOf(p, wires.series ?? []) }),
  // A feature set: cached with --cache, so a later run skips every indicator that only fed it.
  cacheAs: () => 'features',
  create: (p, ctx) => {
    const names = featureNamesOf(p, ctx.inputWires.series ?? []);
    const w = p.window;
    const rings = names.map(() => new Float64Array(w));
    const nanCounts = new Float64Array(names.length);
    const sums = new Float64Array(names.length);
    const sumSqs = new Float64Array(names.length);
    // Sums of (x - shift) keep the variance accurate for series far from 0 (prices).
    const shifts = new Float64Array(names.length).fill(NaN);
    let pos = 0;
    let seen = 0;
    return {
      featureNames: { features: names },
      step(n, _t, { series }, { features }) {
        const out = features.columns;
        if (p.normalize === 'none') {
          for (let j = 0; j < series.length; j++) out[j].set(series[j].subarray(0, n));
          return;
        }
        if (p.normalize === 'affine') {
          for (let j = 0; j < series.length; j++) {
            const x = series[j];
            const o = out[j];
            const mean = p.mean![j];
            const scale = p.scale![j];
            for (let i = 0; i < n; i++) o[i] = (x[i] - mean) / scale;
          }
          return;
        }
        for (let i = 0; i < n; i++) {
          const full = seen >= w - 1;
          for (let j = 0; j < series.length; j++) {
            const ring = rings[j];
            const x = series[j][i];
            if (seen >= w) {
              const old = ring[pos];
              if (old !== old) nanCounts[j]--;
              else {
                sums[j] -= old - shifts[j];
                sumSqs[j] -= (old - shifts[j]) * (old - shifts[j]);
              }
            }
            ring[pos] = x;
            if (x !== x) nanCounts[j]++;
            else {
              if (shifts[j] !== shifts[j]) shifts[j] = x;
              sums[j] += x - shifts[j];
              sumSqs[j] += (x - shifts[j]) * (x - shifts[j]);
            }
            if (!full || nanCounts[j] > 0) {
              out[j][i] = NaN;
            } else if (p.normalize === 'zscore') {
              const mean = sums[j] / w;
              const variance = Math.max(0, (sumSqs[j] - w * mean * mean) / (w - 1));
              const sd = Math.sqrt(variance);
              out[j][i] = sd > 0 ? (x - shifts[j] - mean) / sd : 0;
            } else {
              let below = 0;
              let equal = 0;
              for (let k = 0; k < w; k++) {
                const v = ring[k];
                if (v < x) below++;
                else if (v === x) equal++;
              }
              out[j][i] = (below + (equal - 1) / 2) / (w - 1);
            }
          }
          pos = pos + 1 === w ? 0 : pos + 1;
          seen++;
        }
      },
    };
  },
});

/** One name per wire (names, or the wires as written), unique; affine needs one mean and scale per feature. */
function featureNamesOf(p: { names?: string[]; normalize: string; mean?: number[]; scale?: number[] }, wires: readonly string[]): string[] {
  const names = p.names ?? [...wires];
  if (names.length !== wires.length) throw new Error(`names lists ${names.length} feature(s) but ${wires.length} wire(s) feed series; give one name per wire`);
  if (new Set(names).size !== names.length) throw new Error(`feature names must be unique, found ${names.join(', ')}`);
  if (p.normalize === 'affine' && (p.mean?.length !== names.length || p.scale?.length !== names.length)) {
    throw new Error(`normalize: affine has ${p.mean?.length ?? 0} mean(s) and ${p.scale?.length ?? 0} scale(s) for ${names.length} feature(s); give one of each per feature`);
  }
  return names;
}
