import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { nonZeroRange } from '../kernels/pandasTa.js';

export const pdist = defineNode({
  kind: 'indicator.pdist',
  summary: 'Price distance: 2 (high - low) + |open - previous close| - |close - open| (pandas-ta pdist).',
  description:
    'PDIST = 2 * (high - low) + |open - previous close| - |close - open|, the distance the price travelled ' +
    'in the bar beyond its body, with the gap from the previous close (pandas-ta pdist, after ' +
    'ProRealCode\'s Price Distance). A zero difference counts as machine epsilon (pandas-ta non_zero_range, ' +
    'applied per event: pandas-ta adds it to the whole series when any value is 0, which looks at the ' +
    'future; elsewhere that moves a term by at most 2.2e-16 absolute). Warm-up: 1 event.',
  params: Type.Object({}, { additionalProperties: false }),
  inputs: { open: port.number(), high: port.number(), low: port.number(), close: port.number() },
  outputs: { value: port.number() },
  warmup: () => 1,
  create: () => {
    let prevClose = NaN;
    return {
      step(n, _t, { open, high, low, close }, { value }) {
        for (let i = 0; i < n; i++) {
          let d = 2 * nonZeroRange(high[i], low[i]);
          d += Math.abs(nonZeroRange(open[i], prevClose));
          d -= Math.abs(nonZeroRange(close[i], open[i]));
          prevClose = close[i];
          value[i] = d;
        }
      },
    };
  },
});
