import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { createT3 } from '../kernels/t3.js';

export const t3 = defineNode({
  kind: 'indicator.t3',
  summary: "Tillson's T3 moving average: six chained EMAs combined by the volume factor (TA-Lib T3).",
  description:
    'Six EMAs chained (e1 = EMA(x), e2 = EMA(e1), ..., e6 = EMA(e5)) with k = 2 / (timePeriod + 1), ' +
    'written k * x + (1 - k) * e as TA-Lib does; T3 = c1 * e6 + c2 * e5 + c3 * e4 + c4 * e3 with ' +
    'c1 = -v^3, c2 = 3v^2 + 3v^3, c3 = -6v^2 - 3v - 3v^3, c4 = 1 + 3v + v^3 + 3v^2 (v = vFactor), the ' +
    'generalised DEMA applied three times. Each EMA is seeded with the simple average of the first ' +
    'timePeriod values of its input, as in TA-Lib, so values equal TA-Lib T3 to the last bit. No ' +
    'output for the first 6 * (timePeriod - 1) events (TA-Lib unstable period 0). EMAs never forget ' +
    'their seed: values depend on where the stream starts.',
  params: Type.Object(
    {
      timePeriod: Type.Integer({ minimum: 2, maximum: 100000, default: 5, description: 'Period of the six EMAs; k = 2 / (timePeriod + 1).' }),
      vFactor: Type.Number({ minimum: 0, maximum: 1, default: 0.7, description: 'Volume factor: 0 gives EMA3-like, 1 a DEMA of DEMA of DEMA.' }),
    },
    { additionalProperties: false },
  ),
  inputs: { series: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => 6 * (p.timePeriod - 1),
  create: ({ timePeriod, vFactor }) => {
    const average = createT3(timePeriod, vFactor);
    return {
      step(n, _t, { series }, { value }) {
        average.run(series, value, 0, n);
      },
    };
  },
});
