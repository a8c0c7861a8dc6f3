import { Type } from '@sinclair/typebox';
import { defineNode } from '../../runtime/defineNode.js';
import { port } from '../../runtime/ports.js';

export const fixedFraction = defineNode({
  kind: 'sizer.fixedFraction',
  summary: 'Turns each signal pulse into a target exposure of a fixed fraction of equity.',
  description:
    'Per event: signal +1 becomes the order +fraction, -1 becomes -fraction, 0 becomes 0 (flat) ' +
    'and NaN stays NaN (no order). The order is a target exposure as a fraction of equity, not ' +
    'a quantity: the broker turns it into a quantity at fill time, from the equity and fill ' +
    'price then (all-in, fraction 1, buys cash / (fillPrice * (1 + fee))). A long-only broker ' +
    'treats a negative target as "exit".',
  params: Type.Object(
    {
      fraction: Type.Number({
        exclusiveMinimum: 0,
        maximum: 1,
        default: 1,
        description: 'Fraction of equity; 1 = all-in.',
      }),
    },
    { additionalProperties: false },
  ),
  inputs: { signal: port.signal({ description: 'The decisions to size.' }) },
  outputs: { orders: port.orders({ description: 'Target exposure: ±fraction, 0 or NaN.' }) },
  warmup: () => 0,
  // The loop body of create's kernel, event by event ($c0: long, $c1: short), for fused chains (runtime/fusible.ts).
  fusible: {
    body: () => `
      const x = $in0;
      $out0 = x > 0 ? $c0 : x < 0 ? $c1 : x === 0 ? 0 : NaN;`,
    init: ({ fraction }) => ({ constants: [fraction * 1.0, -fraction] }),
  },
  create: ({ fraction }) => ({
    step(n, _t, { signal }, { orders }) {
      // Constants in locals: the loop then works on unboxed doubles only.
      const long = fraction * 1.0;
      const short = -fraction;
      for (let i = 0; i < n; i++) {
        const x = signal[i];
        // One expression, no reassigned local: V8 compiles it to selects rather than a phi of
        // branches (2x faster here). NaN fails every comparison and stays NaN; +0 for any zero.
        orders[i] = x > 0 ? long : x < 0 ? short : x === 0 ? 0 : NaN;
      }
    },
  }),
});
