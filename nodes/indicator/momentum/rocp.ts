import { defineNode } from '../../../runtime/defineNode.js';
import { changeDeclaration, changeKernel } from '../kernels/change.js';

export const rocp = defineNode({
  kind: 'indicator.rocp',
  summary: 'Rate of change as a fraction: (x - x[timePeriod ago]) / x[timePeriod ago] (TA-Lib ROCP).',
  description:
    'ROCP = (x[i] - x[i - timePeriod]) / x[i - timePeriod]. ' +
    'Computed as TA-Lib writes it, so values equal TA-Lib ROCP to the last bit. 0 when the earlier value is 0, as in TA-Lib. No output for the ' +
    'first timePeriod events.',
  ...changeDeclaration,
  create: ({ timePeriod }) => changeKernel('rocp', timePeriod),
});
