import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { averageTrueRangeKernel } from '../kernels/averageTrueRange.js';

export const atr = defineNode({
  kind: 'indicator.atr',
  summary: "Wilder's average true range (TA-Lib ATR).",
  description:
    'True range from the second event on: the greatest of high - low, |previous close - high| and ' +
    '|previous close - low| (TA-Lib TRANGE, compared in that order). The first ATR, at event ' +
    'timePeriod, is the plain mean of the first timePeriod true ranges; after that it is smoothed the ' +
    'Wilder way (multiply by timePeriod - 1, add the true range, divide by timePeriod), in TA-Lib ' +
    'order, so values equal TA-Lib ATR (no unstable period) to the last bit. With timePeriod 1 the ' +
    'output is the true range itself. No output for the first timePeriod events. Wilder smoothing ' +
    'never forgets its seed: values depend on where the stream starts.',
  params: Type.Object(
    {
      timePeriod: Type.Integer({
        minimum: 1,
        maximum: 100000,
        default: 14,
        description: 'Number of true ranges averaged; Wilder smoothing factor 1 / timePeriod.',
      }),
    },
    { additionalProperties: false },
  ),
  inputs: { high: port.number(), low: port.number(), close: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => p.timePeriod,
  create: ({ timePeriod }) => averageTrueRangeKernel(timePeriod, (atr) => atr),
});
