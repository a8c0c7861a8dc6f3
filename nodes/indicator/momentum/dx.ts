import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { NO_DX, WilderDirectional } from '../kernels/wilderDirectional.js';

export const dx = defineNode({
  kind: 'indicator.dx',
  summary: "Wilder's directional movement index, 100 * |+DI - -DI| / (+DI + -DI) (TA-Lib DX).",
  description:
    'DX = 100 * |-DI - +DI| / (-DI + +DI), with +DI and -DI as in indicator.plus_di / minus_di: ' +
    '+DM, -DM and the true range summed over bars 1 .. timePeriod - 1, then smoothed the Wilder way ' +
    "(x - x / timePeriod + today's value), in TA-Lib order, so values equal TA-Lib DX to the last " +
    'bit. When the smoothed true range or -DI + +DI is within 1e-14 of zero, TA-Lib repeats the ' +
    'previous DX (0 on the first output); so does hean. TA-Lib gives DX an unstable period; hean uses ' +
    'its default, 0, so the warm-up is timePeriod events. Wilder smoothing never forgets its seed: ' +
    'values depend on where the stream starts.',
  params: Type.Object(
    {
      timePeriod: Type.Integer({
        minimum: 2,
        maximum: 100000,
        default: 14,
        description: 'Wilder smoothing period of +DM, -DM and the true range (factor 1 / timePeriod).',
      }),
    },
    { additionalProperties: false },
  ),
  inputs: { high: port.number(), low: port.number(), close: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => p.timePeriod,
  create: ({ timePeriod }) => {
    const dm = new WilderDirectional(timePeriod);
    let prevDX = 0.0; // TA-Lib repeats the last DX when a bar has none (0 before the first)
    return {
      step(n, _t, { high, low, close }, { value }) {
        let last = prevDX; // a local in the loop (closure doubles are boxed on every store)
        for (let i = 0; i < n; i++) {
          dm.push(high[i], low[i], close[i]);
          if (dm.bars <= timePeriod) {
            value[i] = NaN;
            continue;
          }
          const d = dm.dx();
          if (d !== NO_DX) last = d;
          value[i] = last;
        }
        prevDX = last;
      },
    };
  },
});
