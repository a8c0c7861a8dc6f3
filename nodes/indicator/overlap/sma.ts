import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';

export const sma = defineNode({
  kind: 'indicator.sma',
  summary: 'Simple moving average over the last timePeriod values (TA-Lib SMA).',
  description:
    'Arithmetic mean of the last timePeriod inputs, kept as a running sum the way TA-Lib adds ' +
    'the newest value and subtracts the oldest, so values equal TA-Lib SMA to the last bit. ' +
    'No output for the first timePeriod - 1 events.',
  params: Type.Object(
    { timePeriod: Type.Integer({ minimum: 2, maximum: 100000, default: 30, description: 'Number of values averaged.' }) },
    { additionalProperties: false },
  ),
  inputs: { series: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => p.timePeriod - 1,
  create: ({ timePeriod }) => {
    const window = new Float64Array(timePeriod); // ring of the last timePeriod inputs
    // Streaming state; copied into locals for the loop (closure doubles are boxed in V8).
    let pos = 0; // next slot to write; after writing, the oldest value of the window
    let seen = 0;
    let sum = 0.0;
    return {
      step(n, _t, { series }, { value }) {
        // Context slots are reloaded on every access; locals stay in registers.
        const period = timePeriod;
        const ring = window;
        let p = pos;
        let s = sum;
        let i = 0;
        // Warm-up rows (the first timePeriod - 1 events of the run): no value yet.
        for (const warm = Math.min(n, period - 1 - seen); i < warm; i++) {
          const x = series[i];
          s += x;
          ring[p] = x;
          p = p + 1 === period ? 0 : p + 1;
          value[i] = NaN;
        }
        for (; i < n; i++) {
          const x = series[i];
          s += x;
          ring[p] = x;
          p = p + 1 === period ? 0 : p + 1;
          value[i] = s / period;
          // TA-Lib subtracts the oldest value after the division; keep its order of operations.
          s -= ring[p];
        }
        pos = p;
        seen = Math.min(seen + n, period);
        sum = s;
      },
    };
  },
});
