import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { Lag } from '../kernels/pandas.js';

export const tsignals = defineNode({
  kind: 'indicator.tsignals',
  summary: 'Trend signals: from a 0/1 trend, its changes as trades (+1 enter, -1 exit) and entry and exit flags (pandas-ta tsignals).',
  description:
    'trends = trunc(trend) (pandas astype(int)); trades = trends[t] - trends[t - drift], 0 for the first drift ' +
    'events (pandas-ta fills them with 0); entries = 1 when trades > 0, exits = 1 when trades < 0, else 0 (Kevin ' +
    'Johnson; pandas-ta tsignals, asbool false: the flags are numbers). pandas-ta\'s trade_offset (a delay of the ' +
    'trades) is left out, lag with other nodes; its trend_reset is unused by pandas-ta. A NaN trend gives NaN ' +
    '(pandas-ta fails on it). No warm-up.',
  params: Type.Object(
    { drift: Type.Integer({ minimum: 1, maximum: 100000, default: 1, description: 'Bars back of the trend change.' }) },
    { additionalProperties: false },
  ),
  inputs: { trend: port.number({ description: 'The trend, usually 0 or 1 (e.g. close > an average).' }) },
  outputs: { trends: port.number(), trades: port.number(), entries: port.number(), exits: port.number() },
  warmup: () => 0,
  create: ({ drift }) => {
    const lag = new Lag(drift);
    let seen = 0;
    return {
      step(n, _t, { trend }, { trends, trades, entries, exits }) {
        for (let i = 0; i < n; i++) {
          const x = Math.trunc(trend[i]);
          const prev = lag.next(x);
          const d = seen < drift ? 0 : x - prev;
          if (seen < drift) seen++;
          trends[i] = x;
          trades[i] = d;
          entries[i] = d !== d ? NaN : d > 0 ? 1 : 0;
          exits[i] = d !== d ? NaN : d < 0 ? 1 : 0;
        }
      },
    };
  },
});
