import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { Lag } from '../kernels/pandas.js';

/** NVI / PVI as published: the index grows by the fractional change of the series on the events whose volume fell / rose. */
export function volumeIndex(kind: 'indicator.nvi' | 'indicator.pvi', side: 'negative' | 'positive', summary: string) {
  const fell = side === 'negative';
  return defineNode({
    kind,
    summary,
    description:
      `${fell ? 'NVI' : 'PVI'} = initial at the first event; then, on each event whose volume ${fell ? 'fell' : 'rose'} ` +
      'from the previous event, previous index + (series - series length events earlier) / (series length ' +
      'events earlier) * previous index; unchanged on the other events and while that change is undefined ' +
      `(Paul Dysart, 1930s; Norman Fosback, Stock Market Logic, 1976; pandas-ta ${fell ? 'nvi' : 'pvi'} with its length ` +
      'and initial). Departure from pandas-ta 0.3.14b0, which adds the percentage change to the index ' +
      'instead of multiplying the index by the change: reported as a bug for PVI (twopirllc/pandas-ta#625; ' +
      'its development version multiplies), the same construction in NVI; this node follows the published ' +
      'definition for both. No warm-up. A cumulative ' +
      'product: values depend on where the stream starts.',
    params: Type.Object(
      {
        length: Type.Integer({ minimum: 1, maximum: 100000, default: 1, description: 'Events back of the rate of change.' }),
        initial: Type.Integer({ minimum: 1, maximum: 1e9, default: 1000, description: 'Value at the first event.' }),
      },
      { additionalProperties: false },
    ),
    inputs: { series: port.number(), volume: port.number() },
    outputs: { value: port.number() },
    warmup: () => 0,
    create: ({ length, initial }) => {
      const past = new Lag(length); // the value `length` events back
      let row = 0;
      let prevVolume = NaN;
      let total = 0.0;
      return {
        step(n, _t, { series, volume }, { value }) {
          for (let i = 0; i < n; i++) {
            const x = series[i];
            const before = past.next(x);
            const v = volume[i];
            const dv = v - prevVolume;
            prevVolume = v;
            if (row++ === 0) {
              total = initial;
            } else if (fell ? dv < 0 : dv > 0) {
              const change = (x - before) / before;
              if (change === change) total += change * total;
            }
            value[i] = total;
          }
        },
      };
    },
  });
}

export const pvi = volumeIndex(
  'indicator.pvi',
  'positive',
  'Positive volume index: changes by the fractional change of the series on the events whose volume rose (Fosback; pandas-ta pvi, as published).',
);
