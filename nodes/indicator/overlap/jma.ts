import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';

const SUM_LENGTH = 10;
const AVG_LENGTH = 66; // v_sum[i - 65 .. i]

export const jma = defineNode({
  kind: 'indicator.jma',
  summary: 'Jurik moving average as reverse-engineered in pandas-ta jma: adaptive EMA, Kalman-style phase term and a final adaptive filter.',
  description:
    "pandas-ta jma (the public reverse engineering of Mark Jurik's proprietary JMA by Igor (mladen) and " +
    'others): volatility = the larger distance of the close to the Jurik bands, averaged over 10 bars and ' +
    'normalised by the mean of that average over the last 66 bars; its power sets alpha = beta^(r^pow1); ' +
    'stage 1 ma1 = (1 - alpha) close + alpha ma1, stage 2 det0 = (close - ma1)(1 - beta) + beta det0, ' +
    'ma2 = ma1 + pr det0 with pr = 1.5 + phase / 100 (0.5 below -100, 2.5 above 100), stage 3 det1 = ' +
    '(ma2 - JMA[-1])(1 - alpha)^2 + alpha^2 det1, JMA = JMA[-1] + det1, starting from JMA = the first close. ' +
    'Every step as pandas-ta computes it. No output for the first length - 1 events, as in pandas-ta.',
  params: Type.Object(
    {
      length: Type.Integer({ minimum: 2, maximum: 100000, default: 7, description: 'Period of the average.' }),
      phase: Type.Number({ default: 0, description: 'Phase: -100 (more lag, less overshoot) to 100 (less lag, more overshoot).' }),
    },
    { additionalProperties: false },
  ),
  inputs: { series: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => p.length - 1,
  create: ({ length: _length, phase }) => {
    const length = 0.5 * (_length - 1);
    const pr = phase < -100 ? 0.5 : phase > 100 ? 2.5 : 1.5 + phase * 0.01;
    const length1 = Math.max(Math.log(Math.sqrt(length)) / Math.log(2.0) + 2.0, 0);
    const pow1 = Math.max(length1 - 2.0, 0.5);
    const length2 = length1 * Math.sqrt(length);
    const bet = length2 / (length2 + 1);
    const beta = (0.45 * (_length - 1)) / (0.45 * (_length - 1) + 2.0);
    const rMax = Math.pow(length1, 1 / pow1);
    const volty = new Float64Array(SUM_LENGTH + 1); // volty[i - 10 .. i], ring
    const vSum = new Float64Array(AVG_LENGTH); // v_sum[i - 65 .. i], ring
    let i = 0; // index of the next event
    let det0 = 0.0;
    let det1 = 0.0;
    let ma1 = 0.0;
    let uBand = 0.0;
    let lBand = 0.0;
    let prev = 0.0;
    return {
      step(n, _t, { series }, { value }) {
        for (let r = 0; r < n; r++, i++) {
          const price = series[r];
          if (i === 0) {
            prev = ma1 = uBand = lBand = price;
            value[r] = _length - 1 > 0 ? NaN : price;
            continue;
          }
          const del1 = price - uBand;
          const del2 = price - lBand;
          const vol = Math.abs(del1) !== Math.abs(del2) ? Math.max(Math.abs(del1), Math.abs(del2)) : 0;
          volty[i % (SUM_LENGTH + 1)] = vol;
          const old = i - SUM_LENGTH > 0 ? volty[(i - SUM_LENGTH) % (SUM_LENGTH + 1)] : 0; // volty[0] = 0
          const vs = vSum[(i - 1) % AVG_LENGTH] + (vol - old) / SUM_LENGTH;
          vSum[i % AVG_LENGTH] = vs;
          const from = Math.max(i - 65, 0);
          let s = 0.0;
          for (let j = from; j <= i; j++) s += vSum[j % AVG_LENGTH];
          const avgVolty = s / (i - from + 1);
          const dVolty = avgVolty === 0 ? 0 : vol / avgVolty;
          const rVolty = Math.max(1.0, Math.min(rMax, dVolty));
          const pow2 = Math.pow(rVolty, pow1);
          const kv = Math.pow(bet, Math.sqrt(pow2));
          uBand = del1 > 0 ? price : price - kv * del1;
          lBand = del2 < 0 ? price : price - kv * del2;
          const power = Math.pow(rVolty, pow1);
          const alpha = Math.pow(beta, power);
          ma1 = (1 - alpha) * price + alpha * ma1;
          det0 = (price - ma1) * (1 - beta) + beta * det0;
          const ma2 = ma1 + pr * det0;
          det1 = (ma2 - prev) * (1 - alpha) * (1 - alpha) + alpha * alpha * det1;
          prev = prev + det1;
          value[r] = i < _length - 1 ? NaN : prev;
        }
      },
    };
  },
});
