import { defineNode } from '../../../runtime/defineNode.js';
import { mathTransformKernel, mathTransformPorts } from '../kernels/mathTransform.js';

export const exp = defineNode({
  kind: 'indicator.exp',
  summary: 'Exponential e^x of each value (TA-Lib EXP).',
  description: 'e^x. +Infinity once x exceeds about 709.78 (so for most prices), as TA-Lib writes inf. Element-wise, no state, no warm-up (TA-Lib lookback 0): one output per input, from the first event.',
  ...mathTransformPorts,
  warmup: () => 0,
  create: () => mathTransformKernel('exp'),
});
