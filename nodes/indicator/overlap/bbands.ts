import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { BLOCK } from '../kernels/block.js';
import { createMovingAverage, maLookback, maTypeParam, MA_TYPES_TEXT, type MaType, type MovingAverage } from '../kernels/maType.js';
import { TA_EPSILON } from '../kernels/taEpsilon.js';

const deviations = (description: string) =>
  Type.Number({ minimum: -3e37, maximum: 3e37, default: 2, description });

export const bbands = defineNode({
  kind: 'indicator.bbands',
  summary: 'Bollinger Bands: a moving average plus and minus a multiple of the standard deviation (TA-Lib BBANDS).',
  description:
    'middleBand = simple moving average of the last timePeriod inputs; upperBand = middle + nbDevUp * ' +
    'std, lowerBand = middle - nbDevDn * std, where std is the population standard deviation of the ' +
    'same window, computed the TA-Lib way from running sums: variance = sum(x^2) / timePeriod - ' +
    'middle^2, and std = 0 when that variance is below 1e-14 (TA_EPSILON) (so tiny negative round-off gives 0). ' +
    'Both running sums add the newest value and subtract the oldest in TA-Lib order, and the band ' +
    'arithmetic follows TA-Lib branches (no multiply when a multiplier is 1), so values equal TA-Lib ' +
    'BBANDS with the SMA moving-average type to the last bit. No output for the first timePeriod - 1 ' +
    'events. The running sums can lose precision on long streams of large values, as in TA-Lib. ' +
    'Other maType values (' + MA_TYPES_TEXT + ') take that moving average as the middle band and, as ' +
    'TA-Lib does for them, TA-Lib STDDEV for the deviation: the same population formula from running ' +
    'sums started at the middle band\'s first output minus timePeriod - 1 events, 0 below 1e-14. ' +
    'Warm-up: the larger of the MA lookback and timePeriod - 1. TA-Lib quirk kept: when the MA ' +
    'lookback is shorter than timePeriod - 1 (mama with timePeriod > 33) TA-Lib pairs the deviation ' +
    'with the middle band of (timePeriod - 1 - 32) events earlier, and so does this node.',
  params: Type.Object(
    {
      timePeriod: Type.Integer({ minimum: 2, maximum: 100000, default: 5, description: 'Number of values in the window.' }),
      nbDevUp: deviations('Standard deviations added for the upper band.'),
      nbDevDn: deviations('Standard deviations subtracted for the lower band.'),
      maType: maTypeParam('Type of moving average for the middle band.'),
    },
    { additionalProperties: false },
  ),
  inputs: { series: port.number() },
  outputs: { upperBand: port.number(), middleBand: port.number(), lowerBand: port.number() },
  defaultOutput: 'middleBand',
  warmup: (p) => Math.max(maLookback(p.maType ?? 'sma', p.timePeriod), p.timePeriod - 1),
  create: ({ timePeriod, nbDevUp, nbDevDn, maType }) => {
    if (maType !== undefined && maType !== 'sma') return new OtherMaBands(timePeriod, nbDevUp, nbDevDn, maType);
    // TA-Lib's five band loops, chosen once: 0 same multiplier 1, 1 same multiplier,
    // 2 only the lower multiplied, 3 only the upper multiplied, 4 both multiplied.
    const branch =
      nbDevUp === nbDevDn ? (nbDevUp === 1.0 ? 0 : 1) : nbDevUp === 1.0 ? 2 : nbDevDn === 1.0 ? 3 : 4;
    const window = new Float64Array(timePeriod); // ring of the last timePeriod inputs
    let pos = 0; // next slot to write; after writing, the oldest value of the window
    let seen = 0;
    let sum = 0.0;
    let sum2 = 0.0;
    return {
      step(n, _t, { series }, { upperBand, middleBand, lowerBand }) {
        // Numeric state in locals for the loop (closure doubles are boxed in V8).
        let pos_ = pos;
        let seen_ = seen;
        let sum_ = sum;
        let sum2_ = sum2;
        for (let i = 0; i < n; i++) {
          const x = series[i];
          sum_ += x;
          sum2_ += x * x;
          window[pos_] = x;
          pos_ = pos_ + 1 === timePeriod ? 0 : pos_ + 1;
          if (seen_ < timePeriod - 1) {
            seen_++;
            upperBand[i] = NaN;
            middleBand[i] = NaN;
            lowerBand[i] = NaN;
            continue;
          }
          // TA-Lib order: divide, then drop the oldest value from the running sums.
          const mid = sum_ / timePeriod;
          let meanValue2 = sum2_ / timePeriod;
          const oldest = window[pos_];
          sum_ -= oldest;
          sum2_ -= oldest * oldest;
          meanValue2 -= mid * mid;
          const std = meanValue2 < TA_EPSILON ? 0.0 : Math.sqrt(meanValue2); // NaN takes sqrt, as in C
          middleBand[i] = mid;
          if (branch === 0) {
            upperBand[i] = mid + std;
            lowerBand[i] = mid - std;
          } else if (branch === 1) {
            const d = std * nbDevUp;
            upperBand[i] = mid + d;
            lowerBand[i] = mid - d;
          } else if (branch === 2) {
            upperBand[i] = mid + std;
            lowerBand[i] = mid - std * nbDevDn;
          } else if (branch === 3) {
            lowerBand[i] = mid - std;
            upperBand[i] = mid + std * nbDevUp;
          } else {
            upperBand[i] = mid + std * nbDevUp;
            lowerBand[i] = mid - std * nbDevDn;
          }
        }
        pos = pos_;
        seen = seen_;
        sum = sum_;
        sum2 = sum2_;
      },
    };
  },
});

/**
 * BBANDS with a non-SMA middle band: TA_MA for the middle band, TA_STDDEV(nbDev 1) started at the
 * MA's first output for the deviation, then TA-Lib's band loops. A class: V8 optimises a method once
 * for every instance.
 */
class OtherMaBands {
  private readonly branch: number;
  private readonly average: MovingAverage;
  private readonly maFirst: number; // row of the MA's first value
  private readonly firstOut: number; // TA-Lib STDDEV(startIdx = maFirst) moves up to here
  private readonly varFrom: number; // row where the variance's running sums start
  private readonly delay: number; // TA-Lib pairs std[row] with the MA of row - delay
  private readonly lag: Float64Array;
  private readonly window: Float64Array; // ring of the variance window
  private readonly totals = new Float64Array(2); // running sum and sum of squares (always loaded as doubles)
  private lagPos = 0;
  private pos = 0;
  private varSeen = 0;
  private row = 0;

  constructor(
    private readonly timePeriod: number,
    private readonly nbDevUp: number,
    private readonly nbDevDn: number,
    maType: MaType,
  ) {
    this.branch = nbDevUp === nbDevDn ? (nbDevUp === 1.0 ? 0 : 1) : nbDevUp === 1.0 ? 2 : nbDevDn === 1.0 ? 3 : 4;
    this.average = createMovingAverage(maType, timePeriod);
    this.maFirst = maLookback(maType, timePeriod);
    this.firstOut = Math.max(this.maFirst, timePeriod - 1);
    this.varFrom = this.firstOut - (timePeriod - 1);
    this.delay = this.firstOut - this.maFirst;
    this.lag = new Float64Array(this.delay > 0 ? this.delay : 1);
    this.window = new Float64Array(timePeriod);
  }

  step(n: number, _t: Float64Array, { series }: { series: Float64Array }, out: { upperBand: Float64Array; middleBand: Float64Array; lowerBand: Float64Array }): void {
    this.average.run(series, out.middleBand, 0, n);
    // Blocks of at most BLOCK rows: V8 optimises `range` between calls (see kernels/block.ts).
    for (let from = 0; from < n; ) {
      const to = n - from > BLOCK ? from + BLOCK : n;
      this.range(series, out, from, to);
      from = to;
    }
  }

  /** Bands of rows from..to; the middle band holds the MA there on entry. */
  private range(series: Float64Array, out: { upperBand: Float64Array; middleBand: Float64Array; lowerBand: Float64Array }, from: number, to: number): void {
    const branch = this.branch;
    const maFirst = this.maFirst;
    const firstOut = this.firstOut;
    const varFrom = this.varFrom;
    const delay = this.delay;
    const lag = this.lag;
    const window = this.window;
    const timePeriod = this.timePeriod;
    const pm1 = timePeriod - 1;
    const nbDevUp = this.nbDevUp;
    const nbDevDn = this.nbDevDn;
    const totals = this.totals;
    const upperBand = out.upperBand;
    const middleBand = out.middleBand;
    const lowerBand = out.lowerBand;
    let r = this.row;
    let p = this.pos;
    let seen = this.varSeen;
    let lp = this.lagPos;
    let t1 = totals[0];
    let t2 = totals[1];
    for (let i = from; i < to; i++, r++) {
      let mid = middleBand[i];
      if (delay > 0 && r >= maFirst) {
        const old = lag[lp];
        lag[lp] = mid;
        lp = lp + 1 === delay ? 0 : lp + 1;
        mid = old;
      }
      let std = NaN;
      if (r >= varFrom) {
        const x = series[i];
        t1 += x;
        t2 += x * x;
        window[p] = x;
        p = p + 1 === timePeriod ? 0 : p + 1;
        if (seen < pm1) {
          seen++;
        } else {
          const mean1 = t1 / timePeriod;
          const mean2 = t2 / timePeriod;
          const oldest = window[p];
          t1 -= oldest;
          t2 -= oldest * oldest;
          const variance = mean2 - mean1 * mean1;
          std = variance < 0.00000000000001 ? 0.0 : Math.sqrt(variance); // TA_IS_ZERO_OR_NEG; NaN takes sqrt
        }
      }
      if (r < firstOut) {
        upperBand[i] = NaN;
        middleBand[i] = NaN;
        lowerBand[i] = NaN;
        continue;
      }
      middleBand[i] = mid;
      if (branch === 0) {
        upperBand[i] = mid + std;
        lowerBand[i] = mid - std;
      } else if (branch === 1) {
        const d = std * nbDevUp;
        upperBand[i] = mid + d;
        lowerBand[i] = mid - d;
      } else if (branch === 2) {
        upperBand[i] = mid + std;
        lowerBand[i] = mid - std * nbDevDn;
      } else if (branch === 3) {
        lowerBand[i] = mid - std;
        upperBand[i] = mid + std * nbDevUp;
      } else {
        upperBand[i] = mid + std * nbDevUp;
        lowerBand[i] = mid - std * nbDevDn;
      }
    }
    this.row = r;
    this.pos = p;
    this.varSeen = seen;
    this.lagPos = lp;
    totals[0] = t1;
    totals[1] = t2;
  }
}
