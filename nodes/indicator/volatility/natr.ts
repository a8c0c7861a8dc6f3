import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';

/** TA-Lib 0.6 TA_EPSILON (ta_utility.h): TA_IS_ZERO(v) is -1e-14 < v < 1e-14. */
const TA_EPSILON = 0.00000000000001;

export const natr = defineNode({
  kind: 'indicator.natr',
  summary: "Normalized average true range: Wilder's ATR as a percentage of the close (TA-Lib NATR).",
  description:
    'NATR = ATR / close * 100, with ATR exactly as indicator.atr: true ranges from the second event, ' +
    'the first ATR (event timePeriod) the plain mean of the first timePeriod true ranges, then Wilder ' +
    'smoothing (multiply by timePeriod - 1, add the true range, divide by timePeriod), in TA-Lib ' +
    'order, so values equal TA-Lib NATR to the last bit. When the close is within 1e-14 of zero the ' +
    'output is 0 (TA-Lib then writes 0 to its first output row instead and leaves that row unset: a ' +
    'bug a stream cannot reproduce). TA-Lib quirk kept: with timePeriod 1 the output is the raw true ' +
    'range, not normalized. TA-Lib gives NATR an unstable period; hean uses its default, 0, so the ' +
    'warm-up is timePeriod events. Wilder smoothing never forgets its seed: values depend on where ' +
    'the stream starts.',
  params: Type.Object(
    {
      timePeriod: Type.Integer({
        minimum: 1,
        maximum: 100000,
        default: 14,
        description: 'Number of true ranges averaged; Wilder smoothing factor 1 / timePeriod.',
      }),
    },
    { additionalProperties: false },
  ),
  inputs: { high: port.number(), low: port.number(), close: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => p.timePeriod,
  create: ({ timePeriod }) => {
    const p = timePeriod;
    const pm1 = timePeriod - 1;
    let seen = 0; // events consumed, counted up to timePeriod + 1
    let prevClose = 0.0;
    let periodTotal = 0.0;
    let prevATR = 0.0;
    return {
      step(n, _t, { high, low, close }, { value }) {
        // State in locals for the loop (closure doubles are boxed on every store), written back after.
        let pc = prevClose;
        let atrValue = prevATR;
        for (let i = 0; i < n; i++) {
          const c = close[i];
          if (seen === 0) {
            pc = c;
            seen = 1;
            value[i] = NaN;
            continue;
          }
          const h = high[i];
          const l = low[i];
          let tr = h - l;
          const val2 = Math.abs(pc - h);
          if (val2 > tr) tr = val2;
          const val3 = Math.abs(pc - l);
          if (val3 > tr) tr = val3;
          pc = c;
          if (p === 1) {
            value[i] = tr; // TA-Lib returns TRANGE for timePeriod 1
            continue;
          }
          if (seen > p) {
            atrValue *= pm1;
            atrValue += tr;
            atrValue /= p;
          } else {
            periodTotal += tr;
            seen++;
            if (seen <= p) {
              value[i] = NaN;
              continue;
            }
            atrValue = periodTotal / p;
          }
          value[i] = -TA_EPSILON < c && c < TA_EPSILON ? 0.0 : (atrValue / c) * 100.0;
        }
        prevClose = pc;
        prevATR = atrValue;
      },
    };
  },
});
