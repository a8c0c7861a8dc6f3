import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { allEqual, sumOf, windowStatistic } from '../kernels/pandas.js';

/** pandas' rolling skew from the window's central moments: sqrt(n(n-1)) m3 / ((n-2) m2^1.5). */
function skewOf(w: Float64Array): number {
  const n = w.length;
  if (allEqual(w)) return 0.0;
  const mean = sumOf(w) / n;
  let s2 = 0.0;
  let s3 = 0.0;
  for (let i = 0; i < n; i++) {
    const d = w[i] - mean;
    const d2 = d * d;
    s2 += d2;
    s3 += d2 * d;
  }
  const b = s2 / n;
  const c = s3 / n;
  if (b <= 1e-14) return NaN;
  const r = Math.sqrt(b);
  return (Math.sqrt(n * (n - 1)) * c) / ((n - 2) * r * r * r);
}

export const skew = defineNode({
  kind: 'indicator.skew',
  summary: 'Rolling skewness (adjusted Fisher-Pearson) of the last length values (pandas-ta skew).',
  description:
    'sqrt(n (n - 1)) / (n - 2) * m3 / m2^1.5 with m2, m3 the second and third central moments ' +
    "(divided by n) of the last n = length inputs: pandas' close.rolling(length).skew(), which pandas-ta " +
    'skew returns. As in pandas: 0 for a window of equal values, no value when m2 <= 1e-14. Computed ' +
    'from the window at every event (mean first, then the deviations), where pandas keeps running ' +
    'power sums; both agree to rounding. No output for the first length - 1 events.',
  params: Type.Object(
    { length: Type.Integer({ minimum: 3, maximum: 100000, default: 30, description: 'Number of values in the window.' }) },
    { additionalProperties: false },
  ),
  inputs: { series: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => p.length - 1,
  create: ({ length }) => windowStatistic(length, skewOf),
});
