import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { createMovingAverage, maLookback, maTypeParam, MA_TYPES_TEXT, type MaType, type MovingAverage } from '../kernels/maType.js';

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
    return new MavpKernel(minPeriod, maxPeriod, maType);
  },
});

/** One running average per period, a block of rows at a time; a class: V8 optimises a method once for every instance. */
class MavpKernel {
  private readonly firstOut: number;
  private readonly count: number; // averages kept (one for mama, which ignores the period)
  private readonly averages: MovingAverage[] = [];
  private readonly starts: Float64Array; // row where each average's stream starts
  private readonly block_ = new Float64Array(BLOCK); // the inputs of the current block
  private readonly results: Float64Array; // BLOCK outputs per average
  private readonly views: Float64Array[] = [];
  private row = 0; // absolute row of the next event

  constructor(
    private readonly minPeriod: number,
    private readonly maxPeriod: number,
    maType: MaType,
  ) {
    this.firstOut = maLookback(maType, maxPeriod);
    this.count = maType === 'mama' ? 1 : maxPeriod - minPeriod + 1;
    this.starts = new Float64Array(this.count);
    this.results = new Float64Array(this.count * BLOCK);
    for (let j = 0; j < this.count; j++) {
      const period = minPeriod + j;
      this.averages.push(createMovingAverage(maType, period));
      this.starts[j] = this.firstOut - maLookback(maType, period);
      this.views.push(this.results.subarray(j * BLOCK, (j + 1) * BLOCK));
    }
  }

  step(n: number, _t: Float64Array, { series, periods }: { series: Float64Array; periods: Float64Array }, { value }: { value: Float64Array }): void {
    // One call per block: V8 optimises `block` between calls (see kernels/block.ts).
    for (let a = 0; a < n; a += BLOCK) this.block(series, periods, value, a, n - a < BLOCK ? n - a : BLOCK);
    this.row += n;
  }

  /** Rows a..a+m of the chunk: every average over the block, then each row picks its period's. */
  private block(series: Float64Array, periods: Float64Array, value: Float64Array, a: number, m: number): void {
    const minPeriod = this.minPeriod;
    const maxPeriod = this.maxPeriod;
    const firstOut = this.firstOut;
    const count = this.count;
    const single = count === 1;
    const block = this.block_;
    const results = this.results;
    const averages = this.averages;
    const starts = this.starts;
    const views = this.views;
    const base = this.row + a;
    for (let k = 0; k < m; k++) block[k] = series[a + k];
    for (let j = 0; j < count; j++) {
      const from = starts[j] - base;
      if (from < m) averages[j].run(block, views[j], from > 0 ? from : 0, m);
    }
    for (let k = 0; k < m; k++) {
      if (base + k < firstOut) {
        value[a + k] = NaN;
        continue;
      }
      const v = periods[a + k];
      // C's (int) conversion: truncation; NaN and out-of-range give INT_MIN (then minPeriod).
      let p = v >= -2147483648 && v < 2147483648 ? v | 0 : -2147483648;
      if (p < minPeriod) p = minPeriod;
      else if (p > maxPeriod) p = maxPeriod;
      value[a + k] = results[(single ? 0 : p - minPeriod) * BLOCK + k];
    }
  }
}
