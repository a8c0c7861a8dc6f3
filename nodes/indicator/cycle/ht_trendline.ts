import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { HILBERT_LOOKBACK, HILBERT_NOTE, createHilbertKernel } from '../kernels/hilbert.js';

export const htTrendline = defineNode({
  kind: 'indicator.ht_trendline',
  summary: "Ehlers' instantaneous trendline: the series averaged over its Hilbert-measured dominant cycle (TA-Lib HT_TRENDLINE).",
  description:
    'With smoothPeriod the dominant cycle period of HT_DCPERIOD (4-bar WMA smoothing, Hilbert ' +
    'transforms, homodyne discriminator) and N = int(smoothPeriod + 0.5), iTrend is the plain mean ' +
    'of the last N inputs (the raw series, not the smoothed one); the output is the 4-3-2-1 WMA of ' +
    "the last four iTrend values, (4 iTrend + 3 iTrend[1] + 2 iTrend[2] + iTrend[3]) / 10. " +
    '(HT_TRENDLINE is an Overlap Study in TA-Lib, kept with the cycle indicators for its Hilbert ' +
    'machinery.) No output for the first 63 events (TA-Lib ' +
    'lookback 63; the WMA warms up over the first 37 events, the filters from event 37). ' +
    HILBERT_NOTE,
  params: Type.Object({}, { additionalProperties: false }),
  inputs: { series: port.number() },
  outputs: { value: port.number() },
  warmup: () => HILBERT_LOOKBACK.trendline,
  create: () => {
    const kernel = createHilbertKernel('trendline');
    return {
      step(n, _t, { series }, { value }) {
        kernel.step(n, series, value, value);
      },
    };
  },
});
