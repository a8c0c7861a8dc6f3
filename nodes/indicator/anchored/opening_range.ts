import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { anchorParam, periodOf, periodStartOf, sessionOffsetMs, sessionStartParam } from '../kernels/anchor.js';

export const opening_range = defineNode({
  kind: 'indicator.opening_range',
  summary: 'The high and low of the first `minutes` of each day (week, month, session), from the moment that range is complete.',
  description:
    'For each anchor period (UTC day, week from Monday, month; from `sessionStart`, e.g. 13:30 for the US cash ' +
    'session), the highest high and lowest low of the bars that close within the first `minutes` of the period. ' +
    'They are output from the event that completes the range (the bar closing exactly `minutes` after the period ' +
    'starts, or the first bar after that time when one is missing) to the end of the period, and NaN before: an ' +
    'opening-range breakout can only trade once the range is known (causal). A period whose first bar closes after ' +
    'the range ends has no range (NaN).',
  params: Type.Object(
    {
      anchor: anchorParam('D'),
      sessionStart: sessionStartParam(),
      minutes: Type.Integer({ minimum: 1, maximum: 44640, default: 30, description: 'Length of the opening range in minutes (a multiple of the bar length).' }),
    },
    { additionalProperties: false },
  ),
  inputs: { high: port.number(), low: port.number() },
  outputs: {
    high: port.number({ description: 'Highest high of the opening range, once complete.' }),
    low: port.number({ description: 'Lowest low of the opening range, once complete.' }),
  },
  exampleParams: { minutes: 120 },
  create: ({ anchor, sessionStart, minutes }) => {
    const offset = sessionOffsetMs(sessionStart);
    const span = minutes * 60_000;
    let period = NaN;
    let rangeEnd = NaN;
    let hi = -Infinity;
    let lo = Infinity;
    let seen = 0;
    let known = false;
    return {
      step(n, t, { high, low }, out) {
        for (let i = 0; i < n; i++) {
          const p = periodOf(t[i], anchor, offset);
          if (p !== period) {
            period = p;
            rangeEnd = periodStartOf(t[i], anchor, offset) + span;
            hi = -Infinity;
            lo = Infinity;
            seen = 0;
            known = false;
          }
          if (!known) {
            if (t[i] <= rangeEnd) {
              if (high[i] > hi) hi = high[i];
              if (low[i] < lo) lo = low[i];
              seen++;
            }
            known = t[i] >= rangeEnd;
          }
          const ok = known && seen > 0;
          out.high[i] = ok ? hi : NaN;
          out.low[i] = ok ? lo : NaN;
        }
      },
    };
  },
});
