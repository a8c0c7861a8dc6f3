import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { Lag } from '../kernels/pandas.js';

export const psl = defineNode({
  kind: 'indicator.psl',
  summary: 'Psychological line: the percentage of the last length bars that closed up (pandas-ta psl).',
  description:
    'psl = scalar * (number of up bars among the last length) / length, a bar being up when close > ' +
    'open (open wired) or close > close[drift] (open unwired) (pandas-ta psl). A bar without a ' +
    'comparison (the first drift events, NaN) counts as not up, as pandas-ta fills it with 0. Warm-up: ' +
    'length - 1 events.',
  params: Type.Object(
    {
      length: Type.Integer({ minimum: 1, maximum: 100000, default: 12, description: 'Number of bars counted.' }),
      scalar: Type.Number({ exclusiveMinimum: 0, maximum: 1e12, default: 100, description: 'Multiplier (100: percent).' }),
      drift: Type.Integer({ minimum: 1, maximum: 100000, default: 1, description: 'Events between the closes compared when open is not wired.' }),
    },
    { additionalProperties: false },
  ),
  inputs: {
    close: port.number(),
    open: port.number({ optional: true, description: 'Compare each close with its open; leave unwired to compare with the close drift events earlier.' }),
  },
  outputs: { value: port.number() },
  warmup: (p) => p.length - 1,
  create: ({ length, scalar, drift }) => {
    const prevClose = new Lag(drift);
    const ups = new Uint8Array(length); // ring of the last length up flags
    let pos = 0;
    let seen = 0;
    let count = 0;
    return {
      step(n, _t, { close, open }, { value }) {
        for (let i = 0; i < n; i++) {
          const c = close[i];
          const ref = open !== undefined ? open[i] : prevClose.next(c);
          const up = c - ref > 0 ? 1 : 0; // NaN is not up
          if (seen === length) count -= ups[pos];
          else seen++;
          ups[pos] = up;
          count += up;
          pos = pos + 1 === length ? 0 : pos + 1;
          value[i] = seen === length ? (scalar * count) / length : NaN;
        }
      },
    };
  },
});
