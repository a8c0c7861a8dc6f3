import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { gainLossKernel } from '../kernels/gainLoss.js';
import { TA_EPSILON } from '../kernels/taEpsilon.js';

export const cmo = defineNode({
  kind: 'indicator.cmo',
  summary: "Chande momentum oscillator with Wilder-smoothed gains and losses, -100 to 100 (TA-Lib CMO).",
  description:
    'CMO = 100 * (avgGain - avgLoss) / (avgGain + avgLoss) over the changes x[i] - x[i-1] (a change ' +
    '< 0 is a loss, anything else a gain). As in TA-Lib (unlike Chande\'s plain sums) the averages ' +
    'are RSI\'s: the first ones are the sums of the first timePeriod changes divided by timePeriod, ' +
    'then each is smoothed the Wilder way (multiply by timePeriod - 1, add the new gain or loss, ' +
    'divide by timePeriod), in TA-Lib order, so values equal TA-Lib CMO (default compatibility) to ' +
    'the last bit. 0 when avgGain + avgLoss is within 1e-14 of zero. TA-Lib gives CMO an unstable ' +
    'period; hean uses its default, 0, so the warm-up is timePeriod events. Wilder smoothing never ' +
    'forgets its seed: values depend on where the stream starts.',
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
      return -TA_EPSILON < total && total < TA_EPSILON ? 0.0 : 100.0 * ((gain - loss) / total);
    }),
});
