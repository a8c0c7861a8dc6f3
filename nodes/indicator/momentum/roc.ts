import { defineNode } from '../../../runtime/defineNode.js';
import { changeDeclaration, changeKernel } from '../kernels/change.js';

export const roc = defineNode({
  kind: 'indicator.roc',
  summary: 'Rate of change in percent: (x / x[timePeriod ago] - 1) * 100 (TA-Lib ROC).',
  description:
    'ROC = ((x[i] / x[i - timePeriod]) - 1) * 100. ' +
    'Computed as TA-Lib writes it, so values equal TA-Lib ROC to the last bit. 0 when the earlier value is 0, as in TA-Lib. No output for the ' +
    'first timePeriod events.',
  ...changeDeclaration,
  create: ({ timePeriod }) => changeKernel('roc', timePeriod),
});
