import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { gainLossKernel } from '../kernels/gainLoss.js';
import { TA_EPSILON } from '../kernels/taEpsilon.js';

export const rsi = defineNode({
  kind: 'indicator.rsi',
  summary: "Wilder's relative strength index, 0 to 100 (TA-Lib RSI).",
  description:
    'RSI = 100 * avgGain / (avgGain + avgLoss) over the changes x[i] - x[i-1] (a change < 0 is a ' +
    'loss, anything else a gain). The first averages are the plain sums of the first timePeriod ' +
    "changes divided by timePeriod; after that both are smoothed the Wilder way (multiply by " +
    'timePeriod - 1, add the new gain or loss, divide by timePeriod), in TA-Lib order, so values equal ' +
    'TA-Lib RSI (default compatibility, no unstable period) to the last bit. When avgGain + avgLoss is ' +
    'within 1e-14 of zero (a flat window) the output is 0, as in TA-Lib. No output for the first ' +
    'timePeriod events (one is consumed to form the first change). Wilder smoothing never forgets ' +
    'its seed: values depend on where the stream starts.',
  params: Type.Object(
    {
      timePeriod: Type.Integer({
        minimum: 2,
        maximum: 100000,
        default: 14,
        description: 'Number of changes averaged; Wilder smoothing factor 1 / timePeriod.',
      }),
    },
    { additionalProperties: false },
  ),
  inputs: { series: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => p.timePeriod,
  create: ({ timePeriod }) =>
    gainLossKernel(timePeriod, (gain, loss) => {
      const total = gain + loss;
      return -TA_EPSILON < total && total < TA_EPSILON ? 0.0 : 100.0 * (gain / total);
    }),
});
