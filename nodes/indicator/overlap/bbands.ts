import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';

/** TA-Lib 0.6 TA_IS_ZERO_OR_NEG threshold. */
const EPSILON = 0.00000001;

const deviations = (description: string) =>
  Type.Number({ minimum: -3e37, maximum: 3e37, default: 2, description });

export const bbands = defineNode({
  kind: 'indicator.bbands',
  summary: 'Bollinger Bands: simple moving average plus and minus a multiple of the standard deviation (TA-Lib BBANDS).',
  description:
    'middleBand = simple moving average of the last timePeriod inputs; upperBand = middle + nbDevUp * ' +
    'std, lowerBand = middle - nbDevDn * std, where std is the population standard deviation of the ' +
    'same window, computed the TA-Lib way from running sums: variance = sum(x^2) / timePeriod - ' +
    'middle^2, and std = 0 when that variance is below 1e-8 (so tiny negative round-off gives 0). ' +
    'Both running sums add the newest value and subtract the oldest in TA-Lib order, and the band ' +
    'arithmetic follows TA-Lib branches (no multiply when a multiplier is 1), so values equal TA-Lib ' +
    'BBANDS with the SMA moving-average type to the last bit. No output for the first timePeriod - 1 ' +
    'events. The running sums can lose precision on long streams of large values, as in TA-Lib.',
  params: Type.Object(
    {
      timePeriod: Type.Integer({ minimum: 2, maximum: 100000, default: 5, description: 'Number of values in the window.' }),
      nbDevUp: deviations('Standard deviations added for the upper band.'),
      nbDevDn: deviations('Standard deviations subtracted for the lower band.'),
    },
    { additionalProperties: false },
  ),
  inputs: { series: port.number() },
  outputs: { upperBand: port.number(), middleBand: port.number(), lowerBand: port.number() },
  defaultOutput: 'middleBand',
  warmup: (p) => p.timePeriod - 1,
  create: ({ timePeriod, nbDevUp, nbDevDn }) => {
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
        for (let i = 0; i < n; i++) {
          const x = series[i];
          sum += x;
          sum2 += x * x;
          window[pos] = x;
          pos = pos + 1 === timePeriod ? 0 : pos + 1;
          if (seen < timePeriod - 1) {
            seen++;
            upperBand[i] = NaN;
            middleBand[i] = NaN;
            lowerBand[i] = NaN;
            continue;
          }
          // TA-Lib order: divide, then drop the oldest value from the running sums.
          const mid = sum / timePeriod;
          let meanValue2 = sum2 / timePeriod;
          const oldest = window[pos];
          sum -= oldest;
          sum2 -= oldest * oldest;
          meanValue2 -= mid * mid;
          const std = meanValue2 < EPSILON ? 0.0 : Math.sqrt(meanValue2); // NaN takes sqrt, as in C
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
      },
    };
  },
});
