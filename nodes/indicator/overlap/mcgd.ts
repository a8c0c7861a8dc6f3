import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';

export const mcgd = defineNode({
  kind: 'indicator.mcgd',
  summary: 'McGinley Dynamic: an average that speeds up when price runs away from it, MD + (close - MD) / (c * length * (close / MD)^4) (pandas-ta mcgd).',
  description:
    'MD = MD[-1] + (close - MD[-1]) / (c * length * (close / MD[-1])^4), starting from MD = the first close ' +
    '(John R. McGinley; pandas-ta mcgd). A value from the first event.',
  params: Type.Object(
    {
      length: Type.Integer({ minimum: 1, maximum: 100000, default: 10, description: 'Nominal length N of the average.' }),
      c: Type.Number({ exclusiveMinimum: 0, maximum: 1, default: 1, description: 'Constant k scaling the length (McGinley suggested 0.6).' }),
    },
    { additionalProperties: false },
  ),
  inputs: { series: port.number() },
  outputs: { value: port.number() },
  warmup: () => 0,
  create: ({ length, c }) => {
    let started = false;
    let md = NaN;
    return {
      step(n, _t, { series }, { value }) {
        for (let i = 0; i < n; i++) {
          const x = series[i];
          if (!started) {
            started = true;
            md = x;
          } else {
            const denom = c * length * Math.pow(x / md, 4);
            md = md + (x - md) / denom;
          }
          value[i] = md;
        }
      },
    };
  },
});
