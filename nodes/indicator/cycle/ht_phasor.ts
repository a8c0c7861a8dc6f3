import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { HILBERT_LOOKBACK, HILBERT_NOTE, createHilbertKernel } from '../kernels/hilbert.js';

export const htPhasor = defineNode({
  kind: 'indicator.ht_phasor',
  summary: "In-phase and quadrature components of Ehlers' Hilbert transform of the series (TA-Lib HT_PHASOR).",
  description:
    'The series is smoothed by a 4-bar WMA (weights 4-3-2-1) and detrended by the Hilbert filter ' +
    '(7 taps 0.0962, 0.5769, scaled by 0.075 x previous period + 0.54, the period coming from the ' +
    'homodyne discriminator as in HT_DCPERIOD). inPhase is I1, the detrender three bars back; ' +
    'quadrature is Q1, the Hilbert transform of the detrender. The transforms keep separate rings for ' +
    'even and odd events, as TA-Lib does, by absolute event index from the first event. No output ' +
    'for the first 32 events (TA-Lib lookback 32: the WMA fills over events 0-11, the Hilbert filters ' +
    'run from event 12). ' +
    HILBERT_NOTE,
  params: Type.Object({}, { additionalProperties: false }),
  inputs: { series: port.number() },
  outputs: { inPhase: port.number(), quadrature: port.number() },
  defaultOutput: 'inPhase',
  warmup: () => HILBERT_LOOKBACK.phasor,
  create: () => {
    const kernel = createHilbertKernel('phasor');
    return {
      step(n, _t, { series }, { inPhase, quadrature }) {
        kernel.step(n, series, inPhase, quadrature);
      },
    };
  },
});
