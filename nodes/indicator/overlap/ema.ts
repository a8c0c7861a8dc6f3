import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { createEma } from '../kernels/ema.js';

export const ema = defineNode({
  kind: 'indicator.ema',
  summary: 'Exponential moving average seeded with a simple average (TA-Lib EMA).',
  description:
    'Exponential moving average with smoothing factor k = 2 / (timePeriod + 1): each value is ' +
    '(x - prev) * k + prev, in that order of operations. As in TA-Lib (default compatibility), the ' +
    'recursion is seeded with the simple average of the first timePeriod inputs (summed from 0 in ' +
    'input order, then divided), which is also the first output, so values equal TA-Lib EMA to the ' +
    'last bit. No output for the first timePeriod - 1 events. An EMA never forgets its seed: ' +
    'values depend on where the stream starts, fading with (1 - k) per event.',
  params: Type.Object(
    {
      timePeriod: Type.Integer({
        minimum: 2,
        maximum: 100000,
        default: 30,
        description: 'Number of values; sets k = 2 / (timePeriod + 1) and the length of the seeding average.',
      }),
    },
    { additionalProperties: false },
  ),
  inputs: { series: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => p.timePeriod - 1,
  // Ema.runRange event by event, for fused chains (runtime/fusible.ts): $s0 sum, $s1 prev, $i0 seen;
  // $c0 period, $c1 k (the same double createEma computes).
  fusible: {
    body: () => `
      const x = $in0;
      if ($i0 < $c0) {
        $s0 += x;
        $i0++;
        if ($i0 === $c0) {
          $s1 = $s0 / $c0;
          $out0 = $s1;
        } else {
          $out0 = NaN;
        }
      } else {
        $s1 = (x - $s1) * $c1 + $s1;
        $out0 = $s1;
      }`,
    init: ({ timePeriod }) => ({ state: [0, 0], ints: [0], constants: [timePeriod, createEma(timePeriod).k] }),
  },
  create: ({ timePeriod }) => {
    // The shared TA-Lib INT_EMA kernel (state in locals for the loop).
    const average = createEma(timePeriod);
    return {
      step(n, _t, { series }, { value }) {
        average.run(series, value, 0, n);
      },
    };
  },
});
