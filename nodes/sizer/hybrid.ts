import { Type } from '@sinclair/typebox';
import { defineNode, type ParamProblem } from '../../runtime/defineNode.js';
import { port } from '../../runtime/ports.js';

export const hybrid = defineNode({
  kind: 'sizer.hybrid',
  summary: 'Combines several sizers\' orders for the same signal into one: the smallest, the mean or the product of their sizes.',
  description:
    'The inputs are the orders of several sizers fed by the same signal (sizer.kelly, sizer.volTarget, ' +
    'sizer.confidence, ...), so they pulse at the same events. At an event where every input has an order: if ' +
    'any order is 0 (flat) or their signs disagree, the order is 0 (flat); otherwise, with s the common sign and ' +
    '|x_k| the sizes, rule min gives s * min |x_k| (the most conservative), mean s * (sum |x_k|) / k, product ' +
    's * prod |x_k| (e.g. a Kelly fraction times a volatility-target leverage), each capped at cap. An event where ' +
    'any input has no order (NaN: no pulse, or a sizer still warming up) gives no order (NaN): the combination ' +
    'waits for all of its parts.',
  params: Type.Object(
    {
      rule: Type.Union([Type.Literal('min'), Type.Literal('mean'), Type.Literal('product')], {
        default: 'min',
        description: 'How the sizes combine: min, the smallest |order|; mean, their mean; product, their product. The sign is the common sign.',
      }),
      cap: Type.Number({ exclusiveMinimum: 0, maximum: 10, default: 1, description: 'The largest order, as a fraction of equity.' }),
    },
    { additionalProperties: false },
  ),
  inputs: { orders: port.orders({ many: true, description: 'The orders of the sizers combined, all sized from the same signal.' }) },
  outputs: { orders: port.orders({ description: 'Target exposure: ±min(combined size, cap), 0 or NaN.' }) },
  warmup: () => 0,
  checkWiring: (_p, context) => {
    const problems: ParamProblem[] = [];
    const k = context.wires.orders?.length ?? 0;
    if (k < 2) {
      problems.push({
        path: [],
        severity: 'warning',
        code: 'input/single',
        message: `sizer.hybrid combines several sizers' orders but found ${k} wire${k === 1 ? '' : 's'} on input orders; wire two or more: in: { orders: [kelly.orders, vol.orders] }`,
      });
    }
    return problems;
  },
  create: (p) => {
    const cap = p.cap * 1.0;
    const rule = p.rule === 'min' ? 0 : p.rule === 'mean' ? 1 : 2;
    return {
      step(n, _t, { orders: inputs }, { orders }) {
        const k = inputs.length;
        for (let i = 0; i < n; i++) {
          let target = NaN;
          let longs = 0;
          let shorts = 0;
          let zero = false;
          let size = rule === 0 ? Infinity : rule === 1 ? 0.0 : 1.0;
          let j = 0;
          for (; j < k; j++) {
            const x = inputs[j][i];
            if (x !== x) break; // an input without an order: no order
            const a = Math.abs(x);
            if (x > 0) longs++;
            else if (x < 0) shorts++;
            else zero = true;
            if (rule === 0) size = a < size ? a : size;
            else if (rule === 1) size += a;
            else size *= a;
          }
          if (j === k && k > 0) {
            if (zero || (longs > 0 && shorts > 0)) target = 0.0;
            else {
              if (rule === 1) size /= k;
              const f = size > cap ? cap : size;
              target = longs > 0 ? f : 0 - f;
            }
          }
          orders[i] = target;
        }
      },
    };
  },
});
