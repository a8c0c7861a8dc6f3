import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { RollingExtremes } from '../kernels/rollingExtreme.js';

export const max = defineNode({
  kind: 'indicator.max',
  summary: 'Highest value over the last timePeriod events (TA-Lib MAX).',
  description:
    'The greatest of the last timePeriod inputs (the current one included). TA-Lib keeps the index of the current highest and rescans the window only when it falls out of it (NaN inputs compare as in TA-Lib\'s C code). No output for the first timePeriod - 1 events.',
  params: Type.Object(
    { timePeriod: Type.Integer({ minimum: 2, maximum: 100000, default: 30, description: 'Number of events in the window.' }) },
    { additionalProperties: false },
  ),
  inputs: { series: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => p.timePeriod - 1,
  create: ({ timePeriod }) => {
    // TA-Lib MAX: a new value equal to the highest takes over (>=), a rescan keeps the oldest (>).
    const extremes = new RollingExtremes(timePeriod, { onNewValue: 'newest', onRescan: 'oldest', output: 'value' });
    return {
      step(n, _t, { series }, { value }) {
        extremes.run(series, undefined, 0, n, value, undefined);
      },
    };
  },
});
