import { defineNode } from '../../../runtime/defineNode.js';
import { mathTransformKernel, mathTransformPorts } from '../kernels/mathTransform.js';

export const sqrt = defineNode({
  kind: 'indicator.sqrt',
  summary: 'Square root of each value (TA-Lib SQRT).',
  description: 'sqrt(x). NaN for x < 0, as TA-Lib writes nan. Element-wise, no state, no warm-up (TA-Lib lookback 0): one output per input, from the first event.',
  ...mathTransformPorts,
  warmup: () => 0,
  create: () => mathTransformKernel('sqrt'),
});
