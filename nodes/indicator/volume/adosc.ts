import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';

const period = (def: number, description: string) => Type.Integer({ minimum: 2, maximum: 100000, default: def, description });

export const adosc = defineNode({
  kind: 'indicator.adosc',
  summary: 'Chaikin A/D oscillator: fast EMA minus slow EMA of the accumulation/distribution line (TA-Lib ADOSC).',
  description:
    'ADOSC = EMA(fastPeriod) - EMA(slowPeriod) of the AD line (indicator.ad). As in TA-Lib both EMAs ' +
    'are seeded with the first AD value (not with an average) and updated as k * ad + (1 - k) * ema ' +
    'with k = 2 / (period + 1), in that order, so values equal TA-Lib ADOSC to the last bit. The ' +
    'periods are not swapped if fastPeriod > slowPeriod. No output for the first max(fastPeriod, ' +
    'slowPeriod) - 1 events (the lookback of the slower EMA; TA-Lib\'s EMA unstable period at its ' +
    'default, 0). EMAs never forget their seed: values depend on where the stream starts.',
  params: Type.Object(
    {
      fastPeriod: period(3, 'Period of the fast EMA of the AD line.'),
      slowPeriod: period(10, 'Period of the slow EMA of the AD line.'),
    },
    { additionalProperties: false },
  ),
  inputs: { high: port.number(), low: port.number(), close: port.number(), volume: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => Math.max(p.fastPeriod, p.slowPeriod) - 1,
  create: ({ fastPeriod, slowPeriod }) => {
    const firstOut = Math.max(fastPeriod, slowPeriod) - 1;
    const fastK = 2.0 / (fastPeriod + 1);
    const oneMinusFastK = 1.0 - fastK;
    const slowK = 2.0 / (slowPeriod + 1);
    const oneMinusSlowK = 1.0 - slowK;
    let seen = 0; // events consumed, counted up to firstOut + 1
    let sum = 0.0;
    let fastEMA = 0.0;
    let slowEMA = 0.0;
    return {
      step(n, _t, { high, low, close, volume }, { value }) {
        // State in locals for the loop (closure doubles are boxed on every store), written back after.
        let ad = sum;
        let fast = fastEMA;
        let slow = slowEMA;
        let i = 0;
        for (; i < n && seen <= firstOut; i++) {
          const h = high[i];
          const l = low[i];
          const range = h - l;
          const c = close[i];
          if (range > 0.0) ad += (((c - l) - (h - c)) / range) * volume[i];
          if (seen === 0) {
            fast = ad;
            slow = ad;
          } else {
            fast = fastK * ad + oneMinusFastK * fast;
            slow = slowK * ad + oneMinusSlowK * slow;
          }
          value[i] = seen < firstOut ? NaN : fast - slow;
          seen++;
        }
        for (; i < n; i++) {
          const h = high[i];
          const l = low[i];
          const range = h - l;
          const c = close[i];
          if (range > 0.0) ad += (((c - l) - (h - c)) / range) * volume[i];
          fast = fastK * ad + oneMinusFastK * fast;
          slow = slowK * ad + oneMinusSlowK * slow;
          value[i] = fast - slow;
        }
        sum = ad;
        fastEMA = fast;
        slowEMA = slow;
      },
    };
  },
});
