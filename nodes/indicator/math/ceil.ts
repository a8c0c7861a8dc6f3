import { defineNode } from '../../../runtime/defineNode.js';
import { mathTransformKernel, mathTransformPorts } from '../kernels/mathTransform.js';

export const ceil = defineNode({
  kind: 'indicator.ceil',
  summary: 'Smallest integer not below each value (TA-Lib CEIL).',
  description: 'ceil(x): rounds up to an integer value. Element-wise, no state, no warm-up (TA-Lib lookback 0): one output per input, from the first event.',
  ...mathTransformPorts,
  warmup: () => 0,
  create: () => mathTransformKernel('ceil'),
});
