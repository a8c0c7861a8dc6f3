import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { HILBERT_LOOKBACK, HILBERT_NOTE, createHilbertKernel } from '../kernels/hilbert.js';

export const htTrendmode = defineNode({
  kind: 'indicator.ht_trendmode',
  summary: "Ehlers' trend vs cycle mode: 1 when the market trends, 0 when it cycles (TA-Lib HT_TRENDMODE).",
  description:
    'Built on HT_DCPHASE, HT_SINE and HT_TRENDLINE (smoothed price, dominant cycle period ' +
    'smoothPeriod and phase, sine / lead sine, instantaneous trendline). 1 (trend) by default; 0 ' +
    'when the sine and lead sine crossed on this bar or fewer than 0.5 x smoothPeriod bars ago, or ' +
    'when the phase advanced by between 0.67 x and 1.5 x 360 / smoothPeriod degrees since the last ' +
    'bar (a cycle rate); but always 1 when the smoothed price is 1.5 % or more away from the ' +
    "trendline. Output as the numbers 0 and 1 (TA-Lib's integer output). " +
    'No output for the first 63 events (TA-Lib ' +
    'lookback 63; the WMA warms up over the first 37 events, the filters from event 37). ' +
    HILBERT_NOTE,
  params: Type.Object({}, { additionalProperties: false }),
  inputs: { series: port.number() },
  outputs: { value: port.number() },
  warmup: () => HILBERT_LOOKBACK.trendMode,
  create: () => {
    const kernel = createHilbertKernel('trendMode');
    return {
      step(n, _t, { series }, { value }) {
        kernel.step(n, series, value, value);
      },
    };
  },
});
