import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { ohlcInputs } from '../kernels/candle.js';
import { port } from '../../../runtime/ports.js';

export const cdlInside = defineNode({
  kind: 'indicator.cdl_inside',
  summary: 'Inside bar: high below and low above the previous candle\'s; signed by the candle colour (pandas-ta cdl_inside).',
  description:
    'An inside bar has high < previous high and low > previous low (both strict). The value is the ' +
    'candle colour there (+1 when close >= open, -1 otherwise), 0 when not inside; with asbool, 1 or 0 ' +
    '(pandas-ta cdl_inside). Not TA-Lib CDL3INSIDE / CDLHARAMI, which compare real bodies. Departure: ' +
    'the first candle has no previous one, so it has no output here, where pandas-ta gives 0 (its ' +
    'comparisons with NaN are false).',
  params: Type.Object(
    { asbool: Type.Boolean({ default: false, description: 'Output 1 for an inside bar instead of its colour (+1 / -1).' }) },
    { additionalProperties: false },
  ),
  inputs: ohlcInputs,
  outputs: { value: port.number({ description: '+1 / -1 (the candle colour) on an inside bar, else 0; 1 / 0 with asbool.' }) },
  warmup: () => 1,
  create: ({ asbool }) => {
    let prevHigh = NaN;
    let prevLow = NaN;
    let started = false;
    return {
      step(n, _t, { open, high, low, close }, { value }) {
        for (let i = 0; i < n; i++) {
          if (!started) {
            value[i] = NaN;
            started = true;
          } else {
            const inside = high[i] - prevHigh < 0 && low[i] - prevLow > 0;
            value[i] = !inside ? 0 : asbool ? 1 : close[i] >= open[i] ? 1 : -1;
          }
          prevHigh = high[i];
          prevLow = low[i];
        }
      },
    };
  },
});
