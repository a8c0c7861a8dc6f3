import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { RollingWindow, sumOf, varianceOf } from '../kernels/pandas.js';

export const tosStdevall = defineNode({
  kind: 'indicator.tos_stdevall',
  summary: 'Least-squares line over the last length values at the current event, with bands at 3 multiples of their standard deviation (pandas-ta tos_stdevall, causal form).',
  description:
    "A port of thinkorswim's StDevAll (pandas-ta tos_stdevall): the least-squares line through the last " +
    'length inputs (x = 0 .. length - 1), its value at the current event (lr), and lr -/+ k * stdev for ' +
    'the three levels k of stds (lower1/upper1 .. lower3/upper3), stdev of the same values with divisor ' +
    'length - ddof. Departure: pandas-ta fits one line over the whole series (length omitted) or over ' +
    'the last length bars of the series and draws it back over them, which looks ahead; here the fit ' +
    'is redone at every event over the length values ending there and only its end point is output ' +
    "(each row equals pandas-ta's last row when given the series up to that event). length is " +
    "required (default 30, pandas-ta's fallback). No output for the first length - 1 events.",
  params: Type.Object(
    {
      length: Type.Integer({ minimum: 3, maximum: 100000, default: 30, description: 'Number of values in the fit.' }),
      stds: Type.Array(Type.Number({ exclusiveMinimum: 0, maximum: 1e6 }), {
        minItems: 3,
        maxItems: 3,
        default: [1, 2, 3],
        description: 'The three multiples of the standard deviation, increasing.',
      }),
      ddof: Type.Integer({ minimum: 0, maximum: 99999, default: 1, description: 'Delta degrees of freedom of the standard deviation (below length).' }),
    },
    { additionalProperties: false },
  ),
  inputs: { series: port.number() },
  outputs: {
    lr: port.number({ description: 'The fitted line at the current event.' }),
    lower1: port.number(),
    upper1: port.number(),
    lower2: port.number(),
    upper2: port.number(),
    lower3: port.number(),
    upper3: port.number(),
  },
  warmup: (p) => p.length - 1,
  check: (p) => [
    ...(p.ddof >= p.length ? [{ path: ['ddof'], message: 'ddof must be below length' }] : []),
    ...(p.stds[0] < p.stds[1] && p.stds[1] < p.stds[2] ? [] : [{ path: ['stds'], message: 'stds must be increasing' }]),
  ],
  create: ({ length, stds, ddof }) => {
    const window = new RollingWindow(length);
    const xMean = (length - 1) / 2;
    let sxx = 0.0;
    for (let k = 0; k < length; k++) sxx += (k - xMean) * (k - xMean);
    const [k1, k2, k3] = stds;
    return {
      step(n, _t, { series }, { lr, lower1, upper1, lower2, upper2, lower3, upper3 }) {
        for (let i = 0; i < n; i++) {
          if (!window.push(series[i])) {
            lr[i] = lower1[i] = upper1[i] = lower2[i] = upper2[i] = lower3[i] = upper3[i] = NaN;
            continue;
          }
          const w = window.ordered();
          const yMean = sumOf(w) / length;
          let sxy = 0.0;
          for (let k = 0; k < length; k++) sxy += (k - xMean) * (w[k] - yMean);
          const line = yMean + (sxy / sxx) * (length - 1 - xMean);
          const sd = Math.sqrt(varianceOf(w, ddof));
          lr[i] = line;
          lower1[i] = line - k1 * sd;
          upper1[i] = line + k1 * sd;
          lower2[i] = line - k2 * sd;
          upper2[i] = line + k2 * sd;
          lower3[i] = line - k3 * sd;
          upper3[i] = line + k3 * sd;
        }
      },
    };
  },
});
