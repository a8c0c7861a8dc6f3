import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { allEqual, sumOf, windowStatistic } from '../kernels/pandas.js';

/** pandas' rolling kurt: ((n^2 - 1) m4 / m2^2 - 3 (n - 1)^2) / ((n - 2)(n - 3)). */
function kurtosisOf(w: Float64Array): number {
  const n = w.length;
  if (allEqual(w)) return -3.0;
  const mean = sumOf(w) / n;
  let s2 = 0.0;
  let s4 = 0.0;
  for (let i = 0; i < n; i++) {
    const d = w[i] - mean;
    const d2 = d * d;
    s2 += d2;
    s4 += d2 * d2;
  }
  const b = s2 / n;
  const d = s4 / n;
  if (b <= 1e-14) return NaN;
  const k = ((n * n - 1) * d) / (b * b) - 3 * ((n - 1) * (n - 1));
  return k / ((n - 2) * (n - 3));
}

export const kurtosis = defineNode({
  kind: 'indicator.kurtosis',
  summary: 'Rolling excess kurtosis (unbiased, Fisher) of the last length values (pandas-ta kurtosis).',
  description:
    '((n^2 - 1) m4 / m2^2 - 3 (n - 1)^2) / ((n - 2)(n - 3)) with m2, m4 the second and fourth central ' +
    "moments (divided by n) of the last n = length inputs: pandas' close.rolling(length).kurt(), which " +
    'pandas-ta kurtosis returns (0 for a normal distribution). As in pandas: -3 for a window of equal ' +
    'values, no value when m2 <= 1e-14. Computed from the window at every event (mean first, then the ' +
    'deviations), where pandas keeps running power sums; both agree to rounding. No output for the first ' +
    'length - 1 events.',
  params: Type.Object(
    { length: Type.Integer({ minimum: 4, maximum: 100000, default: 30, description: 'Number of values in the window.' }) },
    { additionalProperties: false },
  ),
  inputs: { series: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => p.length - 1,
  create: ({ length }) => windowStatistic(length, kurtosisOf),
});
