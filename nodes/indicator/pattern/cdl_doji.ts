import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { ohlcInputs } from '../kernels/candle.js';
import { port } from '../../../runtime/ports.js';
import { RollingWindow, sumOf } from '../kernels/pandas.js';

export const cdlDoji = defineNode({
  kind: 'indicator.cdl_doji',
  summary: 'Doji by pandas-ta\'s rule: real body below factor% of the SMA of the high-low range, current candle included (pandas-ta cdl_doji).',
  description:
    '|close - open| < 0.01 * factor * SMA(high - low, length) gives scalar, else 0 (pandas-ta cdl_doji). ' +
    'How it differs from TA-Lib CDLDOJI (indicator.cdldoji): the average range here covers the last length ' +
    'candles including the current one (TA-Lib: the 10 before it), the comparison is strict (TA-Lib: <=), ' +
    'and factor, length and the output value are parameters. Departure: pandas-ta gives 0 for the first ' +
    'length - 1 candles (its comparison with the missing average is false); here they have no output. ' +
    "pandas-ta's naive option (own range for the first candles) is not offered. pandas-ta adds machine " +
    'epsilon to every range when one is zero anywhere in the series; this changes no comparison and is ' +
    'not done.',
  params: Type.Object(
    {
      length: Type.Integer({ minimum: 1, maximum: 100000, default: 10, description: 'Number of candles in the average high-low range.' }),
      factor: Type.Number({ minimum: 0, maximum: 100, default: 10, description: 'Doji body limit, in percent of the average range.' }),
      scalar: Type.Number({ minimum: -1e6, maximum: 1e6, default: 100, description: 'Value output on a doji.' }),
    },
    { additionalProperties: false },
  ),
  inputs: ohlcInputs,
  outputs: { value: port.number({ description: 'scalar on a doji, else 0.' }) },
  warmup: (p) => p.length - 1,
  create: ({ length, factor, scalar }) => {
    const ranges = new RollingWindow(length);
    const limit = 0.01 * factor;
    return {
      step(n, _t, { open, high, low, close }, { value }) {
        for (let i = 0; i < n; i++) {
          if (!ranges.push(Math.abs(high[i] - low[i]))) {
            value[i] = NaN;
            continue;
          }
          const average = sumOf(ranges.ordered()) / length;
          value[i] = Math.abs(close[i] - open[i]) < limit * average ? scalar : 0;
        }
      },
    };
  },
});
