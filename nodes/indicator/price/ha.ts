import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { ohlcInputs } from '../kernels/candle.js';
import { port } from '../../../runtime/ports.js';

export const ha = defineNode({
  kind: 'indicator.ha',
  summary: 'Heikin-Ashi candles: averaged open/close and the matching high/low (pandas-ta ha).',
  description:
    'close = (open + high + low + close) / 4; open = (previous HA open + previous HA close) / 2, the ' +
    'first one (open + close) / 2 of the first candle received; high = max(high, HA open, HA close); ' +
    'low = min(low, HA open, HA close) (Dan Valcu, "Using The Heikin-Ashi Technique", TASC 2004; ' +
    'pandas-ta ha). The HA open depends on every candle since the first, so values depend on where ' +
    'the stream starts (the start weighs less by half at each candle). Output from the first event.',
  params: Type.Object({}, { additionalProperties: false }),
  inputs: ohlcInputs,
  outputs: {
    open: port.number({ description: 'Heikin-Ashi open.' }),
    high: port.number({ description: 'Heikin-Ashi high.' }),
    low: port.number({ description: 'Heikin-Ashi low.' }),
    close: port.number({ description: 'Heikin-Ashi close.' }),
  },
  warmup: () => 0,
  create: () => {
    let started = false;
    let prevOpen = NaN;
    let prevClose = NaN;
    return {
      step(n, _t, inp, out) {
        for (let i = 0; i < n; i++) {
          const o = inp.open[i];
          const h = inp.high[i];
          const l = inp.low[i];
          const c = inp.close[i];
          const haClose = 0.25 * (o + h + l + c);
          let haOpen: number;
          if (!started) {
            haOpen = 0.5 * (o + c);
            started = true;
          } else haOpen = 0.5 * (prevOpen + prevClose);
          out.open[i] = haOpen;
          out.close[i] = haClose;
          out.high[i] = Math.max(haOpen, h, haClose);
          out.low[i] = Math.min(haOpen, l, haClose);
          prevOpen = haOpen;
          prevClose = haClose;
        }
      },
    };
  },
});
