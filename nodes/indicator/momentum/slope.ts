import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { Lag } from '../kernels/pandas.js';

export const slope = defineNode({
  kind: 'indicator.slope',
  summary: 'Slope of the line from the value length events ago to now, or its angle (pandas-ta slope).',
  description:
    'slope = (series - series[length]) / length; with asAngle, atan(slope) in radians, or in degrees with ' +
    'toDegrees too (pandas-ta slope). Warm-up: length events. pandas-ta quirk not followed: it turns ' +
    'as_angle and to_degrees on when they are passed as any bool, False included; here false means false.',
  params: Type.Object(
    {
      length: Type.Integer({ minimum: 1, maximum: 100000, default: 1, description: 'Events between the two values.' }),
      asAngle: Type.Boolean({ default: false, description: 'Output the angle atan(slope) instead of the slope.' }),
      toDegrees: Type.Boolean({ default: false, description: 'With asAngle: the angle in degrees instead of radians.' }),
    },
    { additionalProperties: false },
  ),
  inputs: { series: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => p.length,
  create: ({ length, asAngle, toDegrees }) => {
    const prev = new Lag(length);
    const degrees = 180 / Math.PI;
    return {
      step(n, _t, { series }, { value }) {
        for (let i = 0; i < n; i++) {
          const x = series[i];
          let s = (x - prev.next(x)) / length;
          if (asAngle) {
            s = Math.atan(s);
            if (toDegrees) s *= degrees;
          }
          value[i] = s;
        }
      },
    };
  },
});
