import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { createMama } from '../kernels/mama.js';

const limit = (def: number, description: string) => Type.Number({ minimum: 0.01, maximum: 0.99, default: def, description });

export const mama = defineNode({
  kind: 'indicator.mama',
  summary: "Ehlers' MESA adaptive moving average and its following average (TA-Lib MAMA).",
  description:
    'The input is smoothed by a 4-event weighted average; Hilbert transforms of the smoothed series ' +
    '(on alternating odd / even events, as TA-Lib computes them) give the in-phase and quadrature ' +
    'components, their phase and a dominant-cycle period. alpha = fastLimit / (phase change in ' +
    'degrees, at least 1), clamped to [slowLimit, fastLimit]; mama = alpha * x + (1 - alpha) * mama; ' +
    'fama = alpha/2 * mama + (1 - alpha/2) * fama. Ported from TA-Lib with its order of operations: ' +
    'values equal TA-Lib MAMA to the last bit wherever V8 Math.atan rounds like the C library ' +
    '(it differs in the last bit for about 2% of arguments), otherwise within a few ulps. No output ' +
    'for the first 32 events (TA-Lib unstable period 0). Both lines never forget their start: values ' +
    'depend on where the stream starts.',
  params: Type.Object(
    {
      fastLimit: limit(0.5, 'Upper limit of alpha (fastest adaptation).'),
      slowLimit: limit(0.05, 'Lower limit of alpha (slowest adaptation).'),
    },
    { additionalProperties: false },
  ),
  inputs: { series: port.number() },
  outputs: { mama: port.number(), fama: port.number() },
  defaultOutput: 'mama',
  warmup: () => 32,
  create: ({ fastLimit, slowLimit }) => {
    const average = createMama(fastLimit, slowLimit);
    return {
      step(n, _t, { series }, out) {
        average.runBoth(series, out.mama, out.fama, 0, n);
      },
    };
  },
});
