import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { RollingWindow } from '../kernels/pandas.js';
import { nonZeroRange, PandasTaEma } from '../kernels/pandasTa.js';

export const massi = defineNode({
  kind: 'indicator.massi',
  summary: 'Mass index: sum over slow events of EMA(high - low) / EMA(EMA(high - low)) (pandas-ta massi).',
  description:
    'e1 = EMA(high - low, fast), e2 = EMA(e1, fast), MASSI = sum of e1 / e2 over the last slow events ' +
    '(Donald Dorsey, 1992; pandas-ta massi; fast and slow are swapped if slow < fast). The EMAs are ' +
    "pandas-ta's: seeded with the mean of the defined values among the first fast events, then pandas " +
    'ewm(span=fast, adjust=False); so e2 starts at e1\'s first value, and the warm-up is fast + slow - 2 ' +
    'events. A zero high - low counts as machine epsilon (pandas-ta non_zero_range, per event).',
  params: Type.Object(
    {
      fast: Type.Integer({ minimum: 1, maximum: 100000, default: 9, description: 'Period of both EMAs.' }),
      slow: Type.Integer({ minimum: 1, maximum: 100000, default: 25, description: 'Number of ratios summed.' }),
    },
    { additionalProperties: false },
  ),
  inputs: { high: port.number(), low: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => p.fast + p.slow - 2,
  create: (p) => {
    const fast = Math.min(p.fast, p.slow);
    const slow = Math.max(p.fast, p.slow);
    const ema1 = new PandasTaEma(fast);
    const ema2 = new PandasTaEma(fast);
    const ratios = new RollingWindow(slow);
    return {
      step(n, _t, { high, low }, { value }) {
        for (let i = 0; i < n; i++) {
          const e1 = ema1.next(nonZeroRange(high[i], low[i]));
          const e2 = ema2.next(e1);
          ratios.push(e1 / e2);
          value[i] = ratios.sum();
        }
      },
    };
  },
});
