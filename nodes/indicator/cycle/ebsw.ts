import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';

const DEG = Math.PI / 180;

export const ebsw = defineNode({
  kind: 'indicator.ebsw',
  summary: "Ehlers' Even Better Sinewave: a high-passed, super-smoothed series normalized by its power, between -1 and 1 (pandas-ta ebsw).",
  description:
    'John F. Ehlers, "Cycle Analytics for Traders" (2013), Even Better Sinewave, angles in degrees: ' +
    'alpha1 = (1 - sin(360/length)) / cos(360/length); HP = 0.5 (1 + alpha1) (x - x[1]) + alpha1 HP[1]; ' +
    'a1 = exp(-sqrt(2) pi / bars), c2 = 2 a1 cos(sqrt(2) 180 / bars), c3 = -a1^2, c1 = 1 - c2 - c3; ' +
    'Filt = c1 (HP + HP[1]) / 2 + c2 Filt[1] + c3 Filt[2]; wave = (Filt + Filt[1] + Filt[2]) / 3, ' +
    'power = (Filt^2 + Filt[1]^2 + Filt[2]^2) / 3; value = wave / sqrt(power). The filters start at the ' +
    'first event (HP = 0 there); no output for the first length - 1 events, as in pandas-ta. ' +
    'Departures from pandas-ta 0.3.14b0 ebsw, which has known bugs (its issue #350, fixed in its ' +
    'development version): it takes the sine and cosine of the degree values as radians, and it ' +
    'starts its high-pass at event length from a previous close of 0 (a step from 0 to the price that ' +
    'takes hundreds of events to fade) after ignoring the first length closes; here the published ' +
    'degrees and a start from the first close.',
  params: Type.Object(
    {
      length: Type.Integer({ minimum: 39, maximum: 100000, default: 40, description: 'Longest cycle period kept by the high-pass filter (Duration).' }),
      bars: Type.Integer({ minimum: 1, maximum: 100000, default: 10, description: 'Period of the super-smoother (low-pass) filter.' }),
    },
    { additionalProperties: false },
  ),
  inputs: { series: port.number() },
  outputs: { value: port.number({ description: 'Normalized wave, between -1 and 1.' }) },
  warmup: (p) => p.length - 1,
  create: ({ length, bars }) => {
    const alpha1 = (1 - Math.sin((360 / length) * DEG)) / Math.cos((360 / length) * DEG);
    const a1 = Math.exp((-Math.sqrt(2) * Math.PI) / bars);
    const c2 = 2 * a1 * Math.cos(((Math.sqrt(2) * 180) / bars) * DEG);
    const c3 = -1 * a1 * a1;
    const c1 = 1 - c2 - c3;
    let seen = 0;
    let lastClose = NaN;
    let lastHP = 0;
    let filt1 = 0; // Filt[1]
    let filt2 = 0; // Filt[2]
    return {
      step(n, _t, { series }, { value }) {
        for (let i = 0; i < n; i++) {
          const x = series[i];
          const hp = seen === 0 ? 0 : 0.5 * (1 + alpha1) * (x - lastClose) + alpha1 * lastHP;
          const filt = (c1 * (hp + lastHP)) / 2 + c2 * filt1 + c3 * filt2;
          const wave = (filt + filt1 + filt2) / 3;
          const power = (filt * filt + filt1 * filt1 + filt2 * filt2) / 3;
          filt2 = filt1;
          filt1 = filt;
          lastHP = hp;
          lastClose = x;
          if (seen < length - 1) {
            seen++;
            value[i] = NaN;
          } else value[i] = wave / Math.sqrt(power);
        }
      },
    };
  },
});
