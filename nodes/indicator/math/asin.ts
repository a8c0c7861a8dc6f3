import { defineNode } from '../../../runtime/defineNode.js';
import { mathTransformKernel, mathTransformPorts } from '../kernels/mathTransform.js';

export const asin = defineNode({
  kind: 'indicator.asin',
  summary: 'Arc sine of each value, in radians (TA-Lib ASIN).',
  description: 'asin(x), in [-pi/2, pi/2]. NaN when |x| > 1 (so NaN for prices): a value, as TA-Lib writes nan, not a warm-up. Element-wise, no state, no warm-up (TA-Lib lookback 0): one output per input, from the first event.',
  ...mathTransformPorts,
  warmup: () => 0,
  create: () => mathTransformKernel('asin'),
});
