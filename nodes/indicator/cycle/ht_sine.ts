import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { HILBERT_LOOKBACK, HILBERT_NOTE, createHilbertKernel } from '../kernels/hilbert.js';

export const htSine = defineNode({
  kind: 'indicator.ht_sine',
  summary: "Ehlers' sine wave indicator: sine of the dominant cycle phase and its 45-degree lead (TA-Lib HT_SINE).",
  description:
    'sine = sin(DCPhase) and leadSine = sin(DCPhase + 45 degrees), where DCPhase is the dominant ' +
    'cycle phase of HT_DCPHASE (4-bar WMA smoothing, Hilbert-transform homodyne period, one-cycle DFT ' +
    "of the smoothed prices). Crossings of the two lines mark cycle turns. " +
    'No output for the first 63 events (TA-Lib lookback 63; ' +
    'the WMA warms up over the first 37 events, the filters from event 37). ' +
    HILBERT_NOTE,
  params: Type.Object({}, { additionalProperties: false }),
  inputs: { series: port.number() },
  outputs: { sine: port.number(), leadSine: port.number() },
  defaultOutput: 'sine',
  warmup: () => HILBERT_LOOKBACK.sine,
  create: () => {
    const kernel = createHilbertKernel('sine');
    return {
      step(n, _t, { series }, { sine, leadSine }) {
        kernel.step(n, series, sine, leadSine);
      },
    };
  },
});
