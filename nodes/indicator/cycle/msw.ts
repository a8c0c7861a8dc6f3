import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';

export const msw = defineNode({
  kind: 'indicator.msw',
  summary: 'Mesa sine wave at a fixed period: the sine of the phase of the last period values, and the sine 45 degrees ahead (Tulip msw).',
  description:
    "The phase of the cycle of length period in the last period values: rp = sum of cos(2 pi j / period) " +
    "x[j ago], ip = sum of sin(2 pi j / period) x[j ago] (j = 0 .. period - 1); phase = atan(ip / rp) " +
    "(+-pi/2 when |rp| <= 0.001), + pi if rp < 0, + pi/2, wrapped into [0, 2 pi]; sine = sin(phase), " +
    "lead = sin(phase + pi/4). John Ehlers' MESA sine wave (Rocket Science for Traders, 2001) as Tulip " +
    "Indicators msw computes it: at the fixed period given, not at a measured dominant cycle (for that " +
    "see indicator.ht_sine), with Tulip's pi = 3.1415926. No output for the first period events (Tulip " +
    "starts one event later than the window needs). Tulip has no default period: 5 is taken, as in " +
    "Tulip's documentation.",
  params: Type.Object(
    { period: Type.Integer({ minimum: 1, maximum: 100000, default: 5, description: 'Length of the cycle, in events, and of the window.' }) },
    { additionalProperties: false },
  ),
  inputs: { series: port.number() },
  outputs: { sine: port.number(), lead: port.number() },
  warmup: (p) => p.period,
  create: ({ period }) => {
    const pi = 3.1415926; // Tulip's
    const tpi = 2 * pi;
    const cosj = new Float64Array(period);
    const sinj = new Float64Array(period);
    for (let j = 0; j < period; j++) {
      cosj[j] = Math.cos((tpi * j) / period);
      sinj[j] = Math.sin((tpi * j) / period);
    }
    const ring = new Float64Array(period); // the last period values; ring[pos - 1] the newest
    let pos = 0;
    let seen = 0; // events consumed, counted up to period + 1
    return {
      step(n, _t, { series }, { sine, lead }) {
        let p = pos;
        for (let i = 0; i < n; i++) {
          ring[p] = series[i];
          p = p + 1 === period ? 0 : p + 1;
          if (seen < period) {
            seen++;
            sine[i] = NaN;
            lead[i] = NaN;
            continue;
          }
          let rp = 0;
          let ip = 0;
          // Newest first: j = 0 is the value just written (slot p - 1).
          let k = p;
          for (let j = 0; j < period; j++) {
            k = k === 0 ? period - 1 : k - 1;
            const weight = ring[k];
            rp = rp + cosj[j] * weight;
            ip = ip + sinj[j] * weight;
          }
          let phase: number;
          if (Math.abs(rp) > 0.001) phase = Math.atan(ip / rp);
          else phase = (tpi / 2.0) * (ip < 0 ? -1.0 : 1.0);
          if (rp < 0.0) phase += pi;
          phase += pi / 2.0;
          if (phase < 0.0) phase += tpi;
          if (phase > tpi) phase -= tpi;
          sine[i] = Math.sin(phase);
          lead[i] = Math.sin(phase + pi / 4.0);
        }
        pos = p;
      },
    };
  },
});
