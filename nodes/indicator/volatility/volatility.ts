import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';

export const volatility = defineNode({
  kind: 'indicator.volatility',
  summary: 'Annualized historical volatility: the population standard deviation of the last period simple returns, times sqrt(periodsPerYear) (Tulip volatility).',
  description:
    'r = x / x[1 ago] - 1; VOL = sqrt(mean of r^2 - (mean of r)^2) * sqrt(periodsPerYear) over the last ' +
    'period returns, from running sums updated as Tulip Indicators volatility does (add the newest, ' +
    'subtract the one leaving). Tulip fixes the annualization at sqrt(252) (daily bars of a stock ' +
    'market); periodsPerYear defaults to that and may be set for other bar sizes (8760 for hourly ' +
    'bars traded around the clock). A variance that rounds below 0 gives NaN, as in Tulip. No output ' +
    'for the first period events. Tulip has no default period: 20 is a common one.',
  params: Type.Object(
    {
      period: Type.Integer({ minimum: 2, maximum: 100000, default: 20, description: 'Number of returns in the window.' }),
      periodsPerYear: Type.Number({ exclusiveMinimum: 0, maximum: 1e9, default: 252, description: 'Events per year: the result is scaled by its square root.' }),
    },
    { additionalProperties: false },
  ),
  inputs: { series: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => p.period,
  create: ({ period, periodsPerYear }) => {
    const scale = 1.0 / period;
    const annual = Math.sqrt(periodsPerYear);
    const ring = new Float64Array(period); // the last period returns; ring[pos] the one leaving
    let pos = 0;
    let seen = 0; // events consumed, counted up to period + 1
    let prev = 0.0;
    let total = 0.0;
    let total2 = 0.0;
    return {
      step(n, _t, { series }, { value }) {
        let p = pos;
        let sum = total;
        let sum2 = total2;
        let last = prev;
        for (let i = 0; i < n; i++) {
          const x = series[i];
          if (seen === 0) {
            seen++;
            last = x;
            value[i] = NaN;
            continue;
          }
          const c = x / last - 1.0;
          last = x;
          sum += c;
          sum2 += c * c;
          if (seen <= period) {
            ring[p] = c;
            p = p + 1 === period ? 0 : p + 1;
            seen++;
            if (seen <= period) {
              value[i] = NaN;
              continue;
            }
          } else {
            const cp = ring[p];
            sum -= cp;
            sum2 -= cp * cp;
            ring[p] = c;
            p = p + 1 === period ? 0 : p + 1;
          }
          value[i] = Math.sqrt(sum2 * scale - sum * scale * (sum * scale)) * annual;
        }
        pos = p;
        total = sum;
        total2 = sum2;
        prev = last;
      },
    };
  },
});
