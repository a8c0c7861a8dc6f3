import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { NO_DX, WilderDirectional } from '../kernels/wilderDirectional.js';

export const adxr = defineNode({
  kind: 'indicator.adxr',
  summary: 'Average directional movement index rating: mean of ADX now and timePeriod - 1 bars ago (TA-Lib ADXR).',
  description:
    'ADXR = (ADX + ADX of timePeriod - 1 events earlier) / 2, with ADX exactly as indicator.adx ' +
    '(Wilder-smoothed +DM, -DM, true range and DX, in TA-Lib order), so values equal TA-Lib ADXR to ' +
    'the last bit. TA-Lib gives ADX an unstable period; hean uses its default, 0, so the warm-up is ' +
    '3 * timePeriod - 2 events (ADX\'s 2 * timePeriod - 1 plus timePeriod - 1). Wilder smoothing ' +
    'never forgets its seed: values depend on where the stream starts.',
  params: Type.Object(
    {
      timePeriod: Type.Integer({
        minimum: 2,
        maximum: 100000,
        default: 14,
        description: 'Period of the ADX and distance (timePeriod - 1) between the two ADX values averaged.',
      }),
    },
    { additionalProperties: false },
  ),
  inputs: { high: port.number(), low: port.number(), close: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => 3 * p.timePeriod - 2,
  create: ({ timePeriod }) => {
    const p = timePeriod;
    const pm1 = timePeriod - 1;
    const dm = new WilderDirectional(p);
    const firstADX = 2 * p - 1;
    const ring = new Float64Array(pm1); // the last timePeriod - 1 ADX values
    let pos = 0; // slot of the ADX of timePeriod - 1 events ago, overwritten by today's
    let sumDX = 0.0;
    let prevADX = 0.0;
    return {
      step(n, _t, { high, low, close }, { value }) {
        let adxValue = prevADX; // locals in the loop (closure doubles are boxed on every store)
        let sum = sumDX;
        let slot = pos;
        for (let i = 0; i < n; i++) {
          dm.push(high[i], low[i], close[i]);
          const event = dm.bars - 1;
          if (event < p) {
            value[i] = NaN;
            continue;
          }
          const d = dm.dx();
          if (event > firstADX) {
            if (d !== NO_DX) adxValue = (adxValue * pm1 + d) / p;
          } else {
            if (d !== NO_DX) sum += d;
            if (event < firstADX) {
              value[i] = NaN;
              continue;
            }
            adxValue = sum / p;
          }
          value[i] = event - firstADX >= pm1 ? (adxValue + ring[slot]) / 2.0 : NaN;
          ring[slot] = adxValue;
          slot = slot + 1 === pm1 ? 0 : slot + 1;
        }
        prevADX = adxValue;
        sumDX = sum;
        pos = slot;
      },
    };
  },
});
