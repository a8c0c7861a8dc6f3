import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { Sma } from '../kernels/sma.js';

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
  // Sma.runRange event by event, for fused chains (runtime/fusible.ts): $s0 the sum, $i0 pos, $i1 seen;
  // $c0 period, $c1 lookback; $b0 the ring. TA-Lib subtracts the oldest value after the division.
  fusible: {
    body: () => `
      const x = $in0;
      $s0 += x;
      $b0[$i0] = x;
      $i0 = $i0 + 1 === $c0 ? 0 : $i0 + 1;
      if ($i1 < $c1) {
        $out0 = NaN;
        $i1++;
      } else {
        $out0 = $s0 / $c0;
        $s0 -= $b0[$i0];
      }`,
    init: ({ timePeriod }) => ({ state: [0], ints: [0, 0], constants: [timePeriod, timePeriod - 1], buffers: [new Float64Array(timePeriod)] }),
  },
  create: ({ timePeriod }) => {
    // The shared TA-Lib INT_SMA kernel (state in locals for the loop).
    const average = new Sma(timePeriod);
    return {
      step(n, _t, { series }, { value }) {
        average.run(series, value, 0, n);
      },
    };
  },
});
