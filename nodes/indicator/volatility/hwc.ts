import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';

const weight = (def: number, description: string) => Type.Number({ exclusiveMinimum: 0, maximum: 1, default: def, description });

export const hwc = defineNode({
  kind: 'indicator.hwc',
  summary: 'Holt-Winters channel: a third-order Holt-Winters forecast of the series with a band of its smoothed error (pandas-ta hwc).',
  description:
    'Level F = (1 - na) (F\' + V\' + A\'/2) + na x, velocity V = (1 - nb) (V\' + A\') + nb (F - F\'), ' +
    'acceleration A = (1 - nc) A\' + nc (V - V\'); middle = F + V + A/2; the variance of the one-step ' +
    'error is smoothed as var = (1 - nd) var\' + nd (x\' - middle\')^2, and upper / lower = middle +/- ' +
    'scalar * sqrt(var\') (the previous event\'s variance) (Holt-Winters triple smoothing, C. Holt 1957 and ' +
    'P. Winters 1960, as a channel after an MQL5 publication; pandas-ta hwc). Starts from F = x, V = A = ' +
    'var = 0 at the first event, so values depend on where the stream starts. No warm-up. pandas-ta\'s ' +
    'channel_eval extras (width, percentage) are not offered.',
  params: Type.Object(
    {
      na: weight(0.2, 'Smoothing weight of the level.'),
      nb: weight(0.1, 'Smoothing weight of the velocity.'),
      nc: weight(0.1, 'Smoothing weight of the acceleration.'),
      nd: weight(0.1, 'Smoothing weight of the error variance.'),
      scalar: Type.Number({ minimum: 0, maximum: 1e6, default: 1, description: 'Standard deviations of the band.' }),
    },
    { additionalProperties: false },
  ),
  inputs: { series: port.number() },
  outputs: { middle: port.number(), upper: port.number(), lower: port.number() },
  defaultOutput: 'middle',
  warmup: () => 0,
  create: ({ na, nb, nc, nd, scalar }) => {
    let started = false;
    let lastA = 0.0;
    let lastV = 0.0;
    let lastVar = 0.0;
    let lastF = 0.0;
    let lastPrice = 0.0;
    let lastResult = 0.0;
    return {
      step(n, _t, { series }, { middle, upper, lower }) {
        for (let i = 0; i < n; i++) {
          const x = series[i];
          if (!started) {
            started = true;
            lastF = lastPrice = lastResult = x;
          }
          const F = (1.0 - na) * (lastF + lastV + 0.5 * lastA) + na * x;
          const V = (1.0 - nb) * (lastV + lastA) + nb * (F - lastF);
          const A = (1.0 - nc) * lastA + nc * (V - lastV);
          const result = F + V + 0.5 * A;
          const variance = (1.0 - nd) * lastVar + nd * (lastPrice - lastResult) * (lastPrice - lastResult);
          const stddev = Math.sqrt(lastVar);
          middle[i] = result;
          upper[i] = result + scalar * stddev;
          lower[i] = result - scalar * stddev;
          lastPrice = x;
          lastA = A;
          lastF = F;
          lastV = V;
          lastVar = variance;
          lastResult = result;
        }
      },
    };
  },
});
