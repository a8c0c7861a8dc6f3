import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { averageTrueRangeKernel } from '../kernels/averageTrueRange.js';
import { TA_EPSILON } from '../kernels/taEpsilon.js';

export const natr = defineNode({
  kind: 'indicator.natr',
  summary: "Normalized average true range: Wilder's ATR as a percentage of the close (TA-Lib NATR).",
  description:
    'NATR = ATR / close * 100, with ATR exactly as indicator.atr: true ranges from the second event, ' +
    'the first ATR (event timePeriod) the plain mean of the first timePeriod true ranges, then Wilder ' +
    'smoothing (multiply by timePeriod - 1, add the true range, divide by timePeriod), in TA-Lib ' +
    'order, so values equal TA-Lib NATR to the last bit. When the close is within 1e-14 of zero the ' +
    'output is 0 (TA-Lib then writes 0 to its first output row instead and leaves that row unset: a ' +
    'bug a stream cannot reproduce). TA-Lib quirk kept: with timePeriod 1 the output is the raw true ' +
    'range, not normalized. TA-Lib gives NATR an unstable period; hean uses its default, 0, so the ' +
    'warm-up is timePeriod events. Wilder smoothing never forgets its seed: values depend on where ' +
    'the stream starts.',
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
  create: ({ timePeriod }) =>
    averageTrueRangeKernel(timePeriod, (atr, close) => (-TA_EPSILON < close && close < TA_EPSILON ? 0.0 : (atr / close) * 100.0)),
});
