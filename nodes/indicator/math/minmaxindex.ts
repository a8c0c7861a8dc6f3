import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { RollingExtremes } from '../kernels/rollingExtreme.js';

export const minmaxindex = defineNode({
  kind: 'indicator.minmaxindex',
  summary: 'Event indexes of the lowest and highest values over the last timePeriod events (TA-Lib MINMAXINDEX).',
  description:
    'minIdx and maxIdx: the indexes of the smallest and greatest of the last timePeriod inputs, counted from the first event the node saw (0-based; TA-Lib\'s absolute index when run from the first row), kept across chunks, with TA-Lib\'s tie-breaking (see indicator.maxindex). No output for the first timePeriod - 1 events.',
  params: Type.Object(
    { timePeriod: Type.Integer({ minimum: 2, maximum: 100000, default: 30, description: 'Number of events in the window.' }) },
    { additionalProperties: false },
  ),
  inputs: { series: port.number() },
  outputs: { minIdx: port.number(), maxIdx: port.number() },
  warmup: (p) => p.timePeriod - 1,
  create: ({ timePeriod }) => {
    // As TA-Lib MININDEX and MAXINDEX: a new equal extreme takes over, a rescan keeps the oldest.
    const extremes = new RollingExtremes(timePeriod, { onNewValue: 'newest', onRescan: 'oldest', output: 'index' });
    return {
      step(n, _t, { series }, out) {
        extremes.run(series, series, 0, n, out.maxIdx, out.minIdx);
      },
    };
  },
});
