import { defineNode } from '../../../runtime/defineNode.js';
import { mathTransformKernel, mathTransformPorts } from '../kernels/mathTransform.js';

export const atan = defineNode({
  kind: 'indicator.atan',
  summary: 'Arc tangent of each value, in radians (TA-Lib ATAN).',
  description: 'atan(x), in (-pi/2, pi/2). Element-wise, no state, no warm-up (TA-Lib lookback 0): one output per input, from the first event.',
  ...mathTransformPorts,
  warmup: () => 0,
  create: () => mathTransformKernel('atan'),
});
