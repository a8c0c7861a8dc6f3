import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { createMovingAverage, maLookback, maTypeParam, MA_TYPES_TEXT, type MovingAverage } from '../kernels/movingAverage.js';

/** Rows processed per inner block: the averages of every period are computed a block at a time. */
const BLOCK = 64;

export const mavp = defineNode({
  kind: 'indicator.mavp',
  summary: 'Moving average whose period is read, event by event, from a second series (TA-Lib MAVP).',
  description:
    'At each event the output is the moving average (type maType) of the series with the period ' +
    'given by the `periods` input at that event, truncated to an integer and clamped to [minPeriod, ' +
    'maxPeriod] (NaN or out-of-int-range periods count as minPeriod, as the C conversion does). As in ' +
    'TA-Lib, each possible period has its own continuously running average, started so that its first ' +
    'value falls on the first output event (an EMA of period p is seeded with the p values ending ' +
    'there), so values equal TA-Lib MAVP to the last bit. MA types: ' + MA_TYPES_TEXT + '. No output ' +
    'for the first TA-Lib MA lookback of maxPeriod events. Cost: one running average per period in ' +
    '[minPeriod, maxPeriod] (one for mama), updated at every event; memory O(sum of those periods) ' +
    'for sma, wma, trima and kama.',
  params: Type.Object(
    {
      minPeriod: Type.Integer({ minimum: 2, maximum: 100000, default: 2, description: 'Smallest period used (smaller periods are raised to it).' }),
      maxPeriod: Type.Integer({ minimum: 2, maximum: 100000, default: 30, description: 'Largest period used (larger periods are lowered to it); sets the warm-up.' }),
      maType: maTypeParam('Type of moving average.'),
    },
    { additionalProperties: false },
  ),
  inputs: { series: port.number(), periods: port.number({ description: 'Period to use at each event (truncated, clamped to [minPeriod, maxPeriod]).' }) },
  outputs: { value: port.number() },
  warmup: (p) => maLookback(p.maType, p.maxPeriod),
  check: (p) =>
    p.minPeriod > p.maxPeriod ? [{ path: ['minPeriod'], message: `minPeriod (${p.minPeriod}) must not exceed maxPeriod (${p.maxPeriod})` }] : [],
  create: ({ minPeriod, maxPeriod, maType }) => {
    if (minPeriod > maxPeriod) throw new Error(`indicator.mavp: minPeriod (${minPeriod}) must not exceed maxPeriod (${maxPeriod})`);
    const firstOut = maLookback(maType, maxPeriod);
    // mama ignores the period: one average serves every period.
    const count = maType === 'mama' ? 1 : maxPeriod - minPeriod + 1;
    const averages: MovingAverage[] = [];
    const starts = new Float64Array(count); // row where each average's stream starts
    const block = new Float64Array(BLOCK); // the inputs of the current block
    const results = new Float64Array(count * BLOCK);
    const views: Float64Array[] = [];
    for (let j = 0; j < count; j++) {
      const period = minPeriod + j;
      averages.push(createMovingAverage(maType, period));
      starts[j] = firstOut - maLookback(maType, period);
      views.push(results.subarray(j * BLOCK, (j + 1) * BLOCK));
    }
    const single = count === 1;
    let row = 0; // absolute row of the next event
    return {
      step(n, _t, { series, periods }, { value }) {
        // Closure constants in locals: the loops keep them in registers.
        const minPeriod_ = minPeriod;
        const maxPeriod_ = maxPeriod;
        const firstOut_ = firstOut;
        const count_ = count;
        const single_ = single;
        const block_ = block;
        const results_ = results;
        const averages_ = averages;
        const starts_ = starts;
        const views_ = views;
        for (let a = 0; a < n; a += BLOCK) {
          const m = n - a < BLOCK ? n - a : BLOCK;
          const base = row + a;
          for (let k = 0; k < m; k++) block_[k] = series[a + k];
          for (let j = 0; j < count_; j++) {
            const from = starts_[j] - base;
            if (from < m) averages_[j].run(block_, views_[j], from > 0 ? from : 0, m);
          }
          for (let k = 0; k < m; k++) {
            if (base + k < firstOut_) {
              value[a + k] = NaN;
              continue;
            }
            const v = periods[a + k];
            // C's (int) conversion: truncation; NaN and out-of-range give INT_MIN (then minPeriod_).
            let p = v >= -2147483648 && v < 2147483648 ? v | 0 : -2147483648;
            if (p < minPeriod_) p = minPeriod_;
            else if (p > maxPeriod_) p = maxPeriod_;
            value[a + k] = results_[(single_ ? 0 : p - minPeriod_) * BLOCK + k];
          }
        }
        row += n;
      },
    };
  },
});
