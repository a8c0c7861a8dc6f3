import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { RollingWindow } from '../kernels/pandas.js';

export const fisher = defineNode({
  kind: 'indicator.fisher',
  summary: 'Fisher Transform of the median price position in its range, and the same lagged as signal (pandas-ta fisher).',
  description:
    'With m = (high + low) / 2 and its highest H and lowest L over the last length events, range = ' +
    'max(H - L, 0.001), position = (m - L) / range - 0.5; v = 0.66 position + 0.67 v[t-1] (v = 0 ' +
    'before), clamped to -0.999 when below -0.99 and to 0.999 when above 0.99; fisher = 0.5 (ln((1 + ' +
    'v) / (1 - v)) + fisher[t-1]), with fisher = 0 at the first full window (John Ehlers, "Using ' +
    'the Fisher Transform", 2002; pandas-ta fisher). signal = fisher `signal` events earlier. ' +
    'Departure: one warm-up for both outputs, so fisher starts with signal, after length - 1 + signal ' +
    'events (pandas-ta gives fisher from event length - 1, where it is 0).',
  params: Type.Object(
    {
      length: Type.Integer({ minimum: 1, maximum: 100000, default: 9, description: 'Number of events of the high-low range.' }),
      signal: Type.Integer({ minimum: 1, maximum: 100000, default: 1, description: 'Lag of the signal line, in events.' }),
    },
    { additionalProperties: false },
  ),
  inputs: { high: port.number(), low: port.number() },
  outputs: { fisher: port.number(), signal: port.number() },
  defaultOutput: 'fisher',
  warmup: (p) => p.length - 1 + p.signal,
  create: ({ length, signal }) => {
    const medians = new RollingWindow(length);
    const past = new RollingWindow(signal + 1);
    const warmup = length - 1 + signal;
    let seen = 0;
    let v = 0.0;
    let prev = NaN;
    return {
      step(n, _t, inputs, outputs) {
        const { high, low } = inputs;
        const out = outputs.fisher;
        const sig = outputs.signal;
        for (let i = 0; i < n; i++) {
          const m = 0.5 * (high[i] + low[i]);
          medians.push(m);
          let f = NaN;
          if (medians.full) {
            if (seen === length - 1) {
              f = 0.0;
            } else {
              let hh = -Infinity;
              let ll = Infinity;
              for (let k = 0; k < length; k++) {
                const x = medians.at(k);
                if (x > hh) hh = x;
                if (x < ll) ll = x;
                if (x !== x) hh = ll = NaN; // pandas' rolling max / min: NaN when the window holds a NaN
              }
              let range = hh - ll;
              if (range < 0.001) range = 0.001;
              const position = (m - ll) / range - 0.5;
              v = 0.66 * position + 0.67 * v;
              if (v < -0.99) v = -0.999;
              if (v > 0.99) v = 0.999;
              f = 0.5 * (Math.log((1 + v) / (1 - v)) + prev);
            }
            prev = f;
          }
          past.push(f);
          out[i] = seen < warmup ? NaN : f;
          sig[i] = seen < warmup ? NaN : past.back(signal);
          seen++;
        }
      },
    };
  },
});
