import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';

export const xsignals = defineNode({
  kind: 'indicator.xsignals',
  summary: 'Cross signals: a 0/1 trend set when a signal crosses level xa and reset when it crosses xb, with its trades, entries and exits (pandas-ta xsignals).',
  description:
    'above: a cross above xa (signal > xa after signal[t - 1] < xa) is +1, a cross below xb (signal <= xb and not ' +
    'signal[t - 1] < xb) is -1; not above: a cross below xa is +1, a cross above xb -1. The last nonzero of these ' +
    'is carried forward (0 before any); trend = 1 while it is +1, else 0 (long false: 1 - trend); then trades = ' +
    'trend - trend[t - 1] (0 on the first event), entries = trades > 0, exits = trades < 0 (Kevin Johnson; pandas-ta ' +
    'xsignals, then tsignals; asbool false: the flags are numbers). Comparisons with NaN are false as in pandas, ' +
    'so the first event counts as "not below before". Causal: only the past of the signal is read (pandas-ta\'s ' +
    'development branch fills only between crosses, which looks ahead; 0.3.14b0 carries forward). trade_offset is ' +
    'left out (lag with other nodes). No warm-up.',
  params: Type.Object(
    {
      xa: Type.Number({ default: 20, description: 'First level (e.g. an RSI level).' }),
      xb: Type.Number({ default: 80, description: 'Second level.' }),
      above: Type.Boolean({ default: true, description: 'Enter on a cross above xa and exit on a cross below xb; false: enter below xa, exit above xb.' }),
      long: Type.Boolean({ default: true, description: 'The long trend; false: its complement, the short trend.' }),
    },
    { additionalProperties: false },
  ),
  inputs: { signal: port.number({ description: 'The series crossing the levels (e.g. an RSI).' }) },
  outputs: { trends: port.number(), trades: port.number(), entries: port.number(), exits: port.number() },
  warmup: () => 0,
  create: ({ xa, xb, above, long }) => {
    let prev = NaN;
    let last = 0; // the last nonzero cross, carried forward
    let prevTrend = NaN;
    return {
      step(n, _t, { signal }, { trends, trades, entries, exits }) {
        for (let i = 0; i < n; i++) {
          const s = signal[i];
          const upA = s > xa && prev < xa; // pandas-ta cross: current above, previous below
          const downA = !(s > xa) && !(prev < xa);
          const upB = s > xb && prev < xb;
          const downB = !(s > xb) && !(prev < xb);
          const entry = above ? upA : downA;
          const exit = above ? downB : upB;
          const cross = (entry ? 1 : 0) - (exit ? 1 : 0);
          if (cross !== 0) last = cross;
          prev = s;
          let trend = last > 0 ? 1 : 0;
          if (!long) trend = 1 - trend;
          const d = prevTrend !== prevTrend ? 0 : trend - prevTrend;
          prevTrend = trend;
          trends[i] = trend;
          trades[i] = d;
          entries[i] = d > 0 ? 1 : 0;
          exits[i] = d < 0 ? 1 : 0;
        }
      },
    };
  },
});
