import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { WilderDirectional, directionalIndicator } from '../kernels/wilderDirectional.js';
import { TA_EPSILON } from '../kernels/taEpsilon.js';

export const minusDi = defineNode({
  kind: 'indicator.minus_di',
  summary: "Wilder's minus directional indicator, 100 * smoothed -DM / smoothed true range (TA-Lib MINUS_DI).",
  description:
    "-DI = 100 * -DM / TR. A bar's -DM is previous low - low when that is > 0 and greater than " +
    'high - previous high, else 0; its true range is max(high - low, |high - previous close|, |low - ' +
    'previous close|). Both are summed over bars 1 .. timePeriod - 1, then smoothed the Wilder way ' +
    "(x - x / timePeriod + today's value) from bar timePeriod on, when the first output comes, in " +
    'TA-Lib order, so values equal TA-Lib MINUS_DI to the last bit. When the smoothed true range is ' +
    'within 1e-14 of zero the output is 0. TA-Lib quirk kept: with timePeriod 1 the output is the ' +
    "bar's -DM / true range, not multiplied by 100. TA-Lib gives MINUS_DI an unstable period; hean " +
    'uses its default, 0, so the warm-up is timePeriod events (1 with timePeriod 1). Wilder smoothing ' +
    'never forgets its seed: values depend on where the stream starts.',
  params: Type.Object(
    {
      timePeriod: Type.Integer({
        minimum: 1,
        maximum: 100000,
        default: 14,
        description: 'Wilder smoothing period of -DM and the true range (factor 1 / timePeriod).',
      }),
    },
    { additionalProperties: false },
  ),
  inputs: { high: port.number(), low: port.number(), close: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => p.timePeriod,
  create: ({ timePeriod }) => {
    const dm = new WilderDirectional(timePeriod);
    return {
      step(n, _t, { high, low, close }, { value }) {
        for (let i = 0; i < n; i++) {
          dm.push(high[i], low[i], close[i]);
          if (dm.bars <= timePeriod) {
            value[i] = NaN;
          } else if (timePeriod > 1) {
            value[i] = directionalIndicator(dm.minusDM, dm.trueRange);
          } else {
            // TA-Lib's timePeriod 1 branch: the bar's -DM / TR, without the factor 100.
            const d = dm.minusDM1;
            const tr = dm.trueRange1;
            value[i] = d > 0 && !(-TA_EPSILON < tr && tr < TA_EPSILON) ? d / tr : 0.0;
          }
        }
      },
    };
  },
});
