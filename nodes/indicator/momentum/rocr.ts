import { defineNode } from '../../../runtime/defineNode.js';
import { changeDeclaration, changeKernel } from '../kernels/change.js';

export const rocr = defineNode({
  kind: 'indicator.rocr',
  summary: 'Rate of change ratio: x / x[timePeriod ago] (TA-Lib ROCR).',
  description:
    'ROCR = x[i] / x[i - timePeriod] (1 = no change). ' +
    'Computed as TA-Lib writes it, so values equal TA-Lib ROCR to the last bit. 0 when the earlier value is 0, as in TA-Lib. No output for the ' +
    'first timePeriod events.',
  ...changeDeclaration,
  create: ({ timePeriod }) => changeKernel('rocr', timePeriod),
});
