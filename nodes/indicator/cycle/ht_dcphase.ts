import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { HILBERT_LOOKBACK, HILBERT_NOTE, createHilbertKernel } from '../kernels/hilbert.js';

export const htDcphase = defineNode({
  kind: 'indicator.ht_dcphase',
  summary: "Dominant cycle phase in degrees, from Ehlers' Hilbert-transform cycle measurement (TA-Lib HT_DCPHASE).",
  description:
    'The smoothed price (4-bar WMA, weights 4-3-2-1) and the dominant cycle period smoothPeriod are ' +
    'computed as in HT_DCPERIOD. With N = int(smoothPeriod + 0.5), a one-cycle DFT of the last N ' +
    "smoothed prices (TA-Lib's 50-slot circular buffer, zero-filled at the start) gives " +
    'real = sum sin(360 k / N) x p[k], imag = sum cos(360 k / N) x p[k]; the phase is ' +
    'atan(real / imag) in degrees (kept from the previous bar, +-90, when imag is 0), + 90, + 360 / ' +
    'smoothPeriod to compensate the WMA lag, + 180 when imag < 0, minus 360 above 315: a value in ' +
    "(-45, 315]. No output for the " +
    'first 63 events (TA-Lib lookback 63: 31 bars for Tradestation compatibility + 32; the WMA warms ' +
    'up over the first 37 events, the filters from event 37). ' +
    HILBERT_NOTE,
  params: Type.Object({}, { additionalProperties: false }),
  inputs: { series: port.number() },
  outputs: { value: port.number() },
  warmup: () => HILBERT_LOOKBACK.dcPhase,
  create: () => {
    const kernel = createHilbertKernel('dcPhase');
    return {
      step(n, _t, { series }, { value }) {
        kernel.step(n, series, value, value);
      },
    };
  },
});
