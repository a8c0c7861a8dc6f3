import { defineNode } from '../../../runtime/defineNode.js';
import { mathTransformKernel, mathTransformPorts } from '../kernels/mathTransform.js';

export const floor = defineNode({
  kind: 'indicator.floor',
  summary: 'Largest integer not above each value (TA-Lib FLOOR).',
  description: 'floor(x): rounds down to an integer value. Element-wise, no state, no warm-up (TA-Lib lookback 0): one output per input, from the first event.',
  ...mathTransformPorts,
  warmup: () => 0,
  create: () => mathTransformKernel('floor'),
});
