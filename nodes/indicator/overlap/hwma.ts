import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';

export const hwma = defineNode({
  kind: 'indicator.hwma',
  summary: 'Holt-Winters moving average: triple exponential smoothing of level, velocity and acceleration (pandas-ta hwma).',
  description:
    'F = (1 - na)(F[-1] + V[-1] + A[-1] / 2) + na * close; V = (1 - nb)(V[-1] + A[-1]) + nb (F - F[-1]); ' +
    'A = (1 - nc) A[-1] + nc (V - V[-1]); HWMA = F + V + A / 2, starting from F = first close, V = A = 0 ' +
    '(Holt-Winters smoothing; pandas-ta hwma). A value from the first event.',
  params: Type.Object(
    {
      na: Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1, default: 0.2, description: 'Smoothing of the level (F).' }),
      nb: Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1, default: 0.1, description: 'Smoothing of the velocity (V).' }),
      nc: Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1, default: 0.1, description: 'Smoothing of the acceleration (A).' }),
    },
    { additionalProperties: false },
  ),
  inputs: { series: port.number() },
  outputs: { value: port.number() },
  warmup: () => 0,
  create: ({ na, nb, nc }) => {
    let started = false;
    let lastA = 0;
    let lastF = 0;
    let lastV = 0;
    return {
      step(n, _t, { series }, { value }) {
        for (let i = 0; i < n; i++) {
          const x = series[i];
          if (!started) {
            started = true;
            lastF = x;
          }
          const F = (1.0 - na) * (lastF + lastV + 0.5 * lastA) + na * x;
          const V = (1.0 - nb) * (lastV + lastA) + nb * (F - lastF);
          const A = (1.0 - nc) * lastA + nc * (V - lastV);
          value[i] = F + V + 0.5 * A;
          lastA = A;
          lastF = F;
          lastV = V;
        }
      },
    };
  },
});
