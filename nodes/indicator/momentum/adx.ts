import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { NO_DX, WilderDirectional } from '../kernels/wilderDirectional.js';

export const adx = defineNode({
  kind: 'indicator.adx',
  summary: "Wilder's average directional movement index: DX smoothed over timePeriod bars (TA-Lib ADX).",
  description:
    'DX as in indicator.dx (Wilder-smoothed +DM, -DM and true range). The first ADX, at event ' +
    '2 * timePeriod - 1, is the sum of the timePeriod DX values of events timePeriod .. 2 * ' +
    'timePeriod - 1 divided by timePeriod; after that ADX = (ADX * (timePeriod - 1) + DX) / ' +
    'timePeriod, in TA-Lib order, so values equal TA-Lib ADX to the last bit. A bar whose true ' +
    'range or -DI + +DI is within 1e-14 of zero has no DX: it adds 0 to the first sum and leaves ' +
    'ADX unchanged afterwards, as in TA-Lib. TA-Lib gives ADX an unstable period; hean uses its ' +
    'default, 0, so the warm-up is 2 * timePeriod - 1 events. Wilder smoothing never forgets its ' +
    'seed: values depend on where the stream starts.',
  params: Type.Object(
    {
      timePeriod: Type.Integer({
        minimum: 2,
        maximum: 100000,
        default: 14,
        description: 'Wilder smoothing period of the DMs, the true range and DX (factor 1 / timePeriod).',
      }),
    },
    { additionalProperties: false },
  ),
  inputs: { high: port.number(), low: port.number(), close: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => 2 * p.timePeriod - 1,
  create: ({ timePeriod }) => {
    const p = timePeriod;
    const pm1 = timePeriod - 1;
    const dm = new WilderDirectional(p);
    const firstOut = 2 * p - 1; // event of the first ADX
    let sumDX = 0.0;
    let prevADX = 0.0;
    return {
      step(n, _t, { high, low, close }, { value }) {
        let adxValue = prevADX; // locals in the loop (closure doubles are boxed on every store)
        let sum = sumDX;
        for (let i = 0; i < n; i++) {
          dm.push(high[i], low[i], close[i]);
          const event = dm.bars - 1;
          if (event > firstOut) {
            const d = dm.dx();
            if (d !== NO_DX) adxValue = (adxValue * pm1 + d) / p;
            value[i] = adxValue;
          } else if (event >= p) {
            const d = dm.dx();
            if (d !== NO_DX) sum += d;
            if (event === firstOut) {
              adxValue = sum / p;
              value[i] = adxValue;
            } else value[i] = NaN;
          } else {
            value[i] = NaN;
          }
        }
        prevADX = adxValue;
        sumDX = sum;
      },
    };
  },
});
