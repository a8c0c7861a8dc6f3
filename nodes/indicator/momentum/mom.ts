import { defineNode } from '../../../runtime/defineNode.js';
import { changeDeclaration, changeKernel } from '../kernels/change.js';

export const mom = defineNode({
  kind: 'indicator.mom',
  summary: 'Momentum: the change over timePeriod events, x - x[timePeriod ago] (TA-Lib MOM).',
  description:
    'MOM = x[i] - x[i - timePeriod]. ' +
    'Computed as TA-Lib writes it, so values equal TA-Lib MOM to the last bit. No output for the ' +
    'first timePeriod events.',
  ...changeDeclaration,
  create: ({ timePeriod }) => changeKernel('mom', timePeriod),
});
