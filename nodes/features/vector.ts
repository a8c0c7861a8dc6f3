import { Type } from '@sinclair/typebox';
import { defineNode } from '../../runtime/defineNode.js';
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
    'contains a NaN gives NaN. Warm-up: window - 1 events when normalising.',
  params: Type.Object(
    {
      names: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1, description: 'Feature names, one per wire (default: the wires as written).' })),
      normalize: Type.Union([Type.Literal('none'), Type.Literal('zscore'), Type.Literal('rank')], { default: 'none', description: 'Causal normalisation of each feature.' }),
      window: Type.Integer({ minimum: 2, maximum: 100000, default: 100, description: 'Rolling window of zscore and rank.' }),
    },
    { additionalProperties: false },
  ),
  inputs: { series: port.number({ many: true, description: 'The features, in order.' }) },
  outputs: { features: port.features() },
  warmup: (p) => (p.normalize === 'none' ? 0 : p.window - 1),
  create: (p, ctx) => {
    const wires = ctx.inputWires.series ?? [];
    const names = p.names ?? [...wires];
    if (names.length !== wires.length) {
      throw new Error(`names lists ${names.length} feature(s) but ${wires.length} wire(s) feed series; give one name per wire`);
    }
    if (new Set(names).size !== names.length) throw new Error(`feature names must be unique, found ${names.join(', ')}`);
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
