import { defineNode } from '../../../runtime/defineNode.js';
import { changeDeclaration, changeKernel } from '../kernels/change.js';

export const rocr100 = defineNode({
  kind: 'indicator.rocr100',
  summary: 'Rate of change ratio in percent: x / x[timePeriod ago] * 100 (TA-Lib ROCR100).',
  description:
    'ROCR100 = (x[i] / x[i - timePeriod]) * 100 (100 = no change). ' +
    'Computed as TA-Lib writes it, so values equal TA-Lib ROCR100 to the last bit. 0 when the earlier value is 0, as in TA-Lib. No output for the ' +
    'first timePeriod events.',
  ...changeDeclaration,
  create: ({ timePeriod }) => changeKernel('rocr100', timePeriod),
});
