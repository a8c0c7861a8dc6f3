import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { HILBERT_LOOKBACK, HILBERT_NOTE, createHilbertKernel } from '../kernels/hilbert.js';

export const htDcperiod = defineNode({
  kind: 'indicator.ht_dcperiod',
  summary: "Dominant cycle period (in bars) of Ehlers' Hilbert-transform homodyne discriminator (TA-Lib HT_DCPERIOD).",
  description:
    'The series is smoothed by a 4-bar WMA (weights 4-3-2-1); Hilbert transforms (the 7-tap filter ' +
    '0.0962, 0.5769, scaled by 0.075 x previous period + 0.54, on alternating even/odd bar rings as in ' +
    "TA-Lib's DO_HILBERT macros) give the in-phase and quadrature components I2, Q2 (smoothed 0.2/0.8). " +
    'The homodyne discriminator Re, Im (smoothed 0.2/0.8) gives period = 360 / atan(Im/Re) in degrees, ' +
    'limited to 0.67..1.5 x the previous period and to 6..50 bars, smoothed 0.2/0.8; the output is ' +
    'smoothPeriod = 0.33 x period + 0.67 x previous smoothPeriod. The even/odd rings follow the absolute ' +
    'event index from the first event. No output for the first 32 events (TA-Lib lookback 32: the WMA ' +
    'fills over events 0-11, the Hilbert filters run from event 12). ' +
    HILBERT_NOTE,
  params: Type.Object({}, { additionalProperties: false }),
  inputs: { series: port.number() },
  outputs: { value: port.number() },
  warmup: () => HILBERT_LOOKBACK.dcPeriod,
  create: () => {
    const kernel = createHilbertKernel('dcPeriod');
    return {
      step(n, _t, { series }, { value }) {
        kernel.step(n, series, value, value);
      },
    };
  },
});
