import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { RollingExtremes } from '../kernels/rollingExtreme.js';

export const minmax = defineNode({
  kind: 'indicator.minmax',
  summary: 'Lowest and highest values over the last timePeriod events (TA-Lib MINMAX).',
  description:
    'min and max of the last timePeriod inputs (the current one included), as TA-Lib MIN and MAX compute them. No output for the first timePeriod - 1 events.',
  params: Type.Object(
    { timePeriod: Type.Integer({ minimum: 2, maximum: 100000, default: 30, description: 'Number of events in the window.' }) },
    { additionalProperties: false },
  ),
  inputs: { series: port.number() },
  outputs: { min: port.number(), max: port.number() },
  warmup: (p) => p.timePeriod - 1,
  create: ({ timePeriod }) => {
    // As TA-Lib MIN and MAX: a new equal extreme takes over, a rescan keeps the oldest.
    const extremes = new RollingExtremes(timePeriod, { onNewValue: 'newest', onRescan: 'oldest', output: 'value' });
    return {
      step(n, _t, { series }, out) {
        extremes.run(series, series, 0, n, out.max, out.min);
      },
    };
  },
});
