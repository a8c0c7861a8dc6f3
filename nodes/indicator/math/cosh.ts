import { defineNode } from '../../../runtime/defineNode.js';
import { mathTransformKernel, mathTransformPorts } from '../kernels/mathTransform.js';

export const cosh = defineNode({
  kind: 'indicator.cosh',
  summary: 'Hyperbolic cosine of each value (TA-Lib COSH).',
  description: 'cosh(x) = (e^x + e^-x) / 2. +Infinity once |x| exceeds about 710 (so for most prices), as TA-Lib writes inf. Element-wise, no state, no warm-up (TA-Lib lookback 0): one output per input, from the first event.',
  ...mathTransformPorts,
  warmup: () => 0,
  create: () => mathTransformKernel('cosh'),
});
