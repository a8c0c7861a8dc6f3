import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { FastK } from '../kernels/fastK.js';
import { chunkStart } from '../kernels/chunkStart.js';
import { createMovingAverage, maLookback, maTypeParam, MA_TYPES_TEXT } from '../kernels/maType.js';
import { fillNaN } from '../kernels/seriesLoops.js';

const period = (def: number, description: string) => Type.Integer({ minimum: 1, maximum: 100000, default: def, description });

export const stoch = defineNode({
  kind: 'indicator.stoch',
  summary: 'Slow stochastic oscillator: smoothed %K and its moving average %D (TA-Lib STOCH).',
  description:
    'fastK = (close - lowest low) / ((highest high - lowest low) / 100) over the last fastKPeriod ' +
    'bars (0 when the range is 0), computed with TA-Lib\'s extreme-index trick (rescan the window only ' +
    'when the extreme leaves it); slowK = MA(slowKPeriod, slowKMAType) of fastK; slowD = ' +
    'MA(slowDPeriod, slowDMAType) of slowK. Each average starts on the first value of its input. MA ' +
    'types: ' + MA_TYPES_TEXT + '. Both outputs start after fastKPeriod - 1 + the two MA lookbacks ' +
    'events. Values equal TA-Lib STOCH to the last bit (mama: see indicator.mama).',
  params: Type.Object(
    {
      fastKPeriod: period(5, 'Number of bars of the highest-high / lowest-low window.'),
      slowKPeriod: period(3, 'Period of the moving average of fastK (slowK).'),
      slowKMAType: maTypeParam('Type of the slowK moving average.'),
      slowDPeriod: period(3, 'Period of the moving average of slowK (slowD).'),
      slowDMAType: maTypeParam('Type of the slowD moving average.'),
    },
    { additionalProperties: false },
  ),
  inputs: { high: port.number(), low: port.number(), close: port.number() },
  outputs: { slowK: port.number(), slowD: port.number() },
  defaultOutput: 'slowK',
  warmup: (p) => p.fastKPeriod - 1 + maLookback(p.slowKMAType, p.slowKPeriod) + maLookback(p.slowDMAType, p.slowDPeriod),
  create: ({ fastKPeriod, slowKPeriod, slowKMAType, slowDPeriod, slowDMAType }) => {
    const fastK = new FastK(fastKPeriod);
    const slowKAverage = createMovingAverage(slowKMAType, slowKPeriod);
    const slowDAverage = createMovingAverage(slowDMAType, slowDPeriod);
    const firstK = fastK.lookback; // row of the first fastK
    const firstSlowK = firstK + slowKAverage.lookback;
    const firstOut = firstSlowK + slowDAverage.lookback;
    let kBuf = new Float64Array(0); // per-chunk scratch, grown to the largest chunk
    let row = 0; // absolute row of the next event
    return {
      step(n, _t, { high, low, close }, { slowK, slowD }) {
        if (kBuf.length < n) kBuf = new Float64Array(n);
        const k = kBuf;
        const r0 = row;
        fastK.run(high, low, close, k, 0, n);
        slowKAverage.run(k, slowK, chunkStart(firstK, r0, n), n);
        slowDAverage.run(slowK, slowD, chunkStart(firstSlowK, r0, n), n);
        const oFrom = chunkStart(firstOut, r0, n);
        fillNaN(slowK, 0, oFrom);
        fillNaN(slowD, 0, oFrom);
        row = r0 + n;
      },
    };
  },
});
