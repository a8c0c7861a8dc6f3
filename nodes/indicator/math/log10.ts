import { defineNode } from '../../../runtime/defineNode.js';
import { mathTransformKernel, mathTransformPorts } from '../kernels/mathTransform.js';

export const log10 = defineNode({
  kind: 'indicator.log10',
  summary: 'Base-10 logarithm of each value (TA-Lib LOG10).',
  description: 'log10(x). NaN for x < 0 and -Infinity for x = 0, as TA-Lib writes nan / -inf. Element-wise, no state, no warm-up (TA-Lib lookback 0): one output per input, from the first event.',
  ...mathTransformPorts,
  warmup: () => 0,
  create: () => mathTransformKernel('log10'),
});
