import { defineNode } from '../../../runtime/defineNode.js';
import { mathTransformKernel, mathTransformPorts } from '../kernels/mathTransform.js';

export const acos = defineNode({
  kind: 'indicator.acos',
  summary: 'Arc cosine of each value, in radians (TA-Lib ACOS).',
  description: 'acos(x), in [0, pi]. NaN when |x| > 1 (so NaN for prices): a value, as TA-Lib writes nan, not a warm-up. Element-wise, no state, no warm-up (TA-Lib lookback 0): one output per input, from the first event.',
  ...mathTransformPorts,
  warmup: () => 0,
  create: () => mathTransformKernel('acos'),
});
