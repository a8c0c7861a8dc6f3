import { defineNode } from '../../../runtime/defineNode.js';
import { mathTransformKernel, mathTransformPorts } from '../kernels/mathTransform.js';

export const tanh = defineNode({
  kind: 'indicator.tanh',
  summary: 'Hyperbolic tangent of each value (TA-Lib TANH).',
  description: 'tanh(x), in [-1, 1]. Element-wise, no state, no warm-up (TA-Lib lookback 0): one output per input, from the first event.',
  ...mathTransformPorts,
  warmup: () => 0,
  create: () => mathTransformKernel('tanh'),
});
