import { defineNode } from '../../../runtime/defineNode.js';
import { mathTransformKernel, mathTransformPorts } from '../kernels/mathTransform.js';

export const sin = defineNode({
  kind: 'indicator.sin',
  summary: 'Sine of each value taken in radians (TA-Lib SIN).',
  description: 'sin(x), x in radians. Element-wise, no state, no warm-up (TA-Lib lookback 0): one output per input, from the first event.',
  ...mathTransformPorts,
  warmup: () => 0,
  create: () => mathTransformKernel('sin'),
});
