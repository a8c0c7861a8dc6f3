import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { RollingWindow } from '../kernels/pandas.js';
import { ptaLinreg } from '../kernels/pandasTa.js';

export const cti = defineNode({
  kind: 'indicator.cti',
  summary: "Correlation Trend Indicator: Pearson correlation of the last length closes with time (pandas-ta cti).",
  description:
    'CTI = the correlation coefficient of the last length closes with x = 1..length (oldest = 1), ' +
    '(n sum(xy) - sum(x) sum(y)) / sqrt((n sum(x^2) - sum(x)^2) (n sum(y^2) - sum(y)^2)), from -1 ' +
    '(falling line) to 1 (rising line) (John Ehlers, "Correlation as a Trend Indicator", 2020; ' +
    'pandas-ta cti, linreg(r=True)). NaN for a flat window. No output for the first length - 1 events.',
  params: Type.Object(
    { length: Type.Integer({ minimum: 2, maximum: 100000, default: 12, description: 'Number of closes.' }) },
    { additionalProperties: false },
  ),
  inputs: { series: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => p.length - 1,
  create: ({ length }) => {
    const ring = new RollingWindow(length);
    return {
      step(n, _t, { series }, { value }) {
        for (let i = 0; i < n; i++) {
          ring.push(series[i]);
          value[i] = ptaLinreg(ring, 'r');
        }
      },
    };
  },
});
