import { defineNode } from '../../../runtime/defineNode.js';
import { Type } from '@sinclair/typebox';
import { port } from '../../../runtime/ports.js';
import { anchorParam, periodOf, sessionOffsetMs, sessionStartParam } from '../kernels/anchor.js';

export const vwap = defineNode({
  kind: 'indicator.vwap',
  summary: 'Anchored volume weighted average price: sum(typical price * volume) / sum(volume) since the start of the day, week or month (pandas-ta vwap).',
  description:
    'VWAP = sum(hlc3 * volume) / sum(volume) over the bars of the current anchor period, hlc3 = (high + low + ' +
    "close) / 3 (pandas-ta vwap, which groups by index.to_period(anchor)). Periods are UTC: 'D' a day, 'W' a " +
    "week from Monday, 'M' a calendar month; a bar belongs to the period holding its open, i.e. the one " +
    'holding its event time (its close) less 1 ms, as pandas-ta groups bars indexed by their open time. The ' +
    'sums restart at the first bar of each period; `sessionStart` moves the day\'s start (e.g. 13:30 for a ' +
    'session VWAP of the US cash open; weeks and months start at it too; pandas-ta has no such option). A value from the first event (NaN while the period has no volume).',
  params: Type.Object({ anchor: anchorParam('D'), sessionStart: sessionStartParam() }, { additionalProperties: false }),
  inputs: { high: port.number(), low: port.number(), close: port.number(), volume: port.number() },
  outputs: { value: port.number() },
  warmup: () => 0,
  create: ({ anchor, sessionStart }) => {
    const offset = sessionOffsetMs(sessionStart);
    let period = NaN;
    let wp = 0.0;
    let vol = 0.0;
    return {
      step(n, t, { high, low, close, volume }, { value }) {
        for (let i = 0; i < n; i++) {
          const p = periodOf(t[i], anchor, offset);
          if (p !== period) {
            period = p;
            wp = 0.0;
            vol = 0.0;
          }
          const v = volume[i];
          wp += ((high[i] + low[i] + close[i]) / 3.0) * v;
          vol += v;
          value[i] = wp / vol;
        }
      },
    };
  },
});
