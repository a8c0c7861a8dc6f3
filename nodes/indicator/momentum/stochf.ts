import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { FastK } from '../kernels/fastK.js';
import { chunkStart } from '../kernels/chunkStart.js';
import { createMovingAverage, maLookback, maTypeParam, MA_TYPES_TEXT } from '../kernels/maType.js';
import { fillNaN } from '../kernels/seriesLoops.js';

const period = (def: number, description: string) => Type.Integer({ minimum: 1, maximum: 100000, default: def, description });

export const stochf = defineNode({
  kind: 'indicator.stochf',
  summary: 'Fast stochastic oscillator: %K and its moving average %D (TA-Lib STOCHF).',
  description:
    'fastK = (close - lowest low) / ((highest high - lowest low) / 100) over the last fastKPeriod ' +
    'bars (0 when the range is 0), computed with TA-Lib\'s extreme-index trick (rescan the window only ' +
    'when the extreme leaves it); fastD = MA(fastDPeriod, fastDMAType) of fastK, started on the first ' +
    'fastK. MA types: ' + MA_TYPES_TEXT + '. Both outputs start after fastKPeriod - 1 + the fastD MA ' +
    'lookback events (fastK is held back until fastD has a value, as in TA-Lib). Values equal TA-Lib ' +
    'STOCHF to the last bit (mama: see indicator.mama).',
  params: Type.Object(
    {
      fastKPeriod: period(5, 'Number of bars of the highest-high / lowest-low window.'),
      fastDPeriod: period(3, 'Period of the moving average of fastK (fastD).'),
      fastDMAType: maTypeParam('Type of the fastD moving average.'),
    },
    { additionalProperties: false },
  ),
  inputs: { high: port.number(), low: port.number(), close: port.number() },
  outputs: { fastK: port.number(), fastD: port.number() },
  defaultOutput: 'fastK',
  warmup: (p) => p.fastKPeriod - 1 + maLookback(p.fastDMAType, p.fastDPeriod),
  create: ({ fastKPeriod, fastDPeriod, fastDMAType }) => {
    const kernel = new FastK(fastKPeriod);
    const fastDAverage = createMovingAverage(fastDMAType, fastDPeriod);
    const firstK = kernel.lookback;
    const firstOut = firstK + fastDAverage.lookback;
    let row = 0; // absolute row of the next event
    return {
      step(n, _t, { high, low, close }, { fastK, fastD }) {
        const r0 = row;
        kernel.run(high, low, close, fastK, 0, n);
        fastDAverage.run(fastK, fastD, chunkStart(firstK, r0, n), n);
        const oFrom = chunkStart(firstOut, r0, n);
        fillNaN(fastK, 0, oFrom);
        fillNaN(fastD, 0, oFrom);
        row = r0 + n;
      },
    };
  },
});
