import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { RollingExtremes } from '../kernels/rollingExtreme.js';

export const minindex = defineNode({
  kind: 'indicator.minindex',
  summary: 'Event index of the lowest value over the last timePeriod events (TA-Lib MININDEX).',
  description:
    'The index of the smallest of the last timePeriod inputs, counted from the first event the node saw (0-based; TA-Lib\'s absolute index when run from the first row), kept across chunks. Ties as TA-Lib: a new value equal to the lowest takes over (newest wins), but when the lowest leaves the window the rescan keeps the oldest of equal values. No output for the first timePeriod - 1 events.',
  params: Type.Object(
    { timePeriod: Type.Integer({ minimum: 2, maximum: 100000, default: 30, description: 'Number of events in the window.' }) },
    { additionalProperties: false },
  ),
  inputs: { series: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => p.timePeriod - 1,
  create: ({ timePeriod }) => {
    // TA-Lib MININDEX: a new value equal to the lowest takes over (<=), a rescan keeps the oldest (<).
    const extremes = new RollingExtremes(timePeriod, { onNewValue: 'newest', onRescan: 'oldest', output: 'index' });
    return {
      step(n, _t, { series }, { value }) {
        extremes.run(undefined, series, 0, n, undefined, value);
      },
    };
  },
});
