import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { FastK } from '../kernels/maExtremes.js';
import { chunkStart, createMovingAverage, maLookback, maTypeParam, MA_TYPES_TEXT } from '../kernels/movingAverage.js';

/** TA-Lib TA_IS_ZERO: -1e-14 < v < 1e-14. */
const TA_EPSILON = 0.00000000000001;

export const stochrsi = defineNode({
  kind: 'indicator.stochrsi',
  summary: 'Stochastic RSI: the fast stochastic oscillator applied to RSI (TA-Lib STOCHRSI).',
  description:
    "rsi = Wilder's RSI(timePeriod) (TA-Lib RSI: average gain and loss seeded with simple averages of " +
    'the first timePeriod changes, then smoothed by (prev * (timePeriod - 1) + change) / timePeriod; ' +
    '0 when gain + loss is within 1e-14 of 0); fastK = (rsi - lowest rsi) / ((highest rsi - lowest ' +
    'rsi) / 100) over the last fastKPeriod RSI values (0 when the range is 0), with TA-Lib\'s ' +
    'extreme-index trick; fastD = MA(fastDPeriod, fastDMAType) of fastK. MA types: ' + MA_TYPES_TEXT +
    '. Both outputs start after timePeriod + fastKPeriod - 1 + the fastD MA lookback events (TA-Lib ' +
    'RSI unstable period 0). Values equal TA-Lib STOCHRSI to the last bit (mama: see indicator.mama). ' +
    'Wilder smoothing never forgets its seed: values depend on where the stream starts.',
  params: Type.Object(
    {
      timePeriod: Type.Integer({ minimum: 2, maximum: 100000, default: 14, description: 'Period of the RSI.' }),
      fastKPeriod: Type.Integer({ minimum: 1, maximum: 100000, default: 5, description: 'Number of RSI values of the highest / lowest window.' }),
      fastDPeriod: Type.Integer({ minimum: 1, maximum: 100000, default: 3, description: 'Period of the moving average of fastK (fastD).' }),
      fastDMAType: maTypeParam('Type of the fastD moving average.'),
    },
    { additionalProperties: false },
  ),
  inputs: { series: port.number() },
  outputs: { fastK: port.number(), fastD: port.number() },
  defaultOutput: 'fastK',
  warmup: (p) => p.timePeriod + p.fastKPeriod - 1 + maLookback(p.fastDMAType, p.fastDPeriod),
  create: ({ timePeriod, fastKPeriod, fastDPeriod, fastDMAType }) => {
    const kernel = new FastK(fastKPeriod);
    const fastDAverage = createMovingAverage(fastDMAType, fastDPeriod);
    const period = timePeriod;
    const pm1 = timePeriod - 1;
    const firstK = period + kernel.lookback; // row of the first fastK
    const firstOut = firstK + fastDAverage.lookback;
    let rsiBuf = new Float64Array(0); // per-chunk scratch, grown to the largest chunk
    let row = 0; // absolute row of the next event
    // RSI state in a typed array (always loaded as doubles): previous value, average gain, average loss.
    const state = new Float64Array(3);
    return {
      step(n, _t, { series }, { fastK, fastD }) {
        // Closure constants in locals: the loop keeps them in registers.
        const period_ = period;
        const pm1_ = pm1;
        if (rsiBuf.length < n) rsiBuf = new Float64Array(n);
        const rsi = rsiBuf;
        const r0 = row;
        let pv = state[0];
        let gain = state[1];
        let loss = state[2];
        let i = 0;
        // RSI warm-up (TA-Lib RSI): the first value, then timePeriod changes summed.
        for (let r = r0; i < n && r <= period_; i++, r++) {
          const x = series[i];
          if (r === 0) {
            pv = x;
            rsi[i] = NaN;
            continue;
          }
          const d = x - pv;
          pv = x;
          if (d < 0) loss -= d;
          else gain += d;
          if (r < period_) {
            rsi[i] = NaN;
            continue;
          }
          loss /= period_;
          gain /= period_;
          const sum = gain + loss;
          rsi[i] = !(-TA_EPSILON < sum && sum < TA_EPSILON) ? 100.0 * (gain / sum) : 0.0;
        }
        for (; i < n; i++) {
          const x = series[i];
          const d = x - pv;
          pv = x;
          loss *= pm1_;
          gain *= pm1_;
          if (d < 0) loss -= d;
          else gain += d;
          loss /= period_;
          gain /= period_;
          const sum = gain + loss;
          rsi[i] = !(-TA_EPSILON < sum && sum < TA_EPSILON) ? 100.0 * (gain / sum) : 0.0;
        }
        state[0] = pv;
        state[1] = gain;
        state[2] = loss;
        // Fast stochastic of the RSI, started on the first RSI value.
        const kFrom = chunkStart(period_, r0, n);
        kernel.run(rsi, rsi, rsi, fastK, kFrom, n);
        fastDAverage.run(fastK, fastD, chunkStart(firstK, r0, n), n);
        const oFrom = chunkStart(firstOut, r0, n);
        for (let j = 0; j < oFrom; j++) {
          fastK[j] = NaN;
          fastD[j] = NaN;
        }
        row = r0 + n;
      },
    };
  },
});
