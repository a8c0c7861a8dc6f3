import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';

export const psar = defineNode({
  kind: 'indicator.psar',
  summary: "Parabolic SAR as pandas-ta computes it, split into long and short stops, with the acceleration factor and reversals (pandas-ta psar).",
  description:
    'Wilder\'s parabolic stop and reverse (J. Welles Wilder, New Concepts in Technical Trading Systems, 1978; ' +
    'pandas-ta psar, close not given): start falling when the second bar\'s down move (low[0] - low[1]) exceeds its ' +
    'up move and is positive, with SAR = high[0] and EP = low[0], else rising with SAR = low[0] and EP = high[0]; ' +
    'each bar SAR += af * (EP - SAR), reverse when the bar crosses it, a new extreme raises af by af0 up to maxAf, ' +
    'and SAR is kept beyond the two previous bars\' extremes. long is the SAR while rising (NaN while falling), ' +
    'short while falling, af the factor after the bar, reversal 1 on a reversal bar. Row 0: long and short NaN, ' +
    'af = af0, reversal 0, as pandas-ta. Differs from TA-Lib SAR (indicator.sar), which starts from other values ' +
    'and reports one series. Departure: on the second bar pandas-ta reads the two previous bars as rows 0 and -1, ' +
    'the LAST bar of the series (a look-ahead); hean uses row 0 only (Wilder: the previous bars that exist), so ' +
    'values can differ until the first reversal where both agree.',
  params: Type.Object(
    {
      af0: Type.Number({ exclusiveMinimum: 0, default: 0.02, description: 'Acceleration step, and the factor after a reversal.' }),
      af: Type.Number({ exclusiveMinimum: 0, default: 0.02, description: 'Initial acceleration factor.' }),
      maxAf: Type.Number({ exclusiveMinimum: 0, default: 0.2, description: 'Largest acceleration factor.' }),
    },
    { additionalProperties: false },
  ),
  inputs: { high: port.number(), low: port.number() },
  outputs: {
    long: port.number({ description: 'SAR while the trend is up, NaN otherwise.' }),
    short: port.number({ description: 'SAR while the trend is down, NaN otherwise.' }),
    af: port.number({ description: 'Acceleration factor.' }),
    reversal: port.number({ description: '1 on a bar that reverses the trend, else 0.' }),
  },
  create: (params) => {
    const af0 = params.af0;
    const maxAf = params.maxAf;
    let row = 0;
    let h1 = NaN; // high and low one and two bars back
    let l1 = NaN;
    let h2 = NaN;
    let l2 = NaN;
    let falling = false;
    let sar = NaN;
    let ep = NaN;
    let af = params.af;
    return {
      step(n, _t, { high, low }, out) {
        for (let i = 0; i < n; i++) {
          const h = high[i];
          const l = low[i];
          if (row === 0) {
            out.long[i] = NaN;
            out.short[i] = NaN;
            out.af[i] = af0;
            out.reversal[i] = 0;
          } else {
            if (row === 1) {
              // pandas-ta _falling: the -DM of the second bar
              const up = h - h1;
              const dn = l1 - l;
              const dmn = dn > up && dn > 0 ? dn : 0;
              falling = dmn > 0;
              sar = falling ? h1 : l1;
              ep = falling ? l1 : h1;
            }
            let next = sar + af * (ep - sar);
            let reverse: boolean;
            if (falling) {
              reverse = h > next;
              if (l < ep) {
                ep = l;
                af = Math.min(af + af0, maxAf);
              }
              next = row === 1 ? Math.max(h1, next) : Math.max(h1, h2, next);
            } else {
              reverse = l < next;
              if (h > ep) {
                ep = h;
                af = Math.min(af + af0, maxAf);
              }
              next = row === 1 ? Math.min(l1, next) : Math.min(l1, l2, next);
            }
            if (reverse) {
              next = ep;
              af = af0;
              falling = !falling;
              ep = falling ? l : h;
            }
            sar = next;
            out.long[i] = falling ? NaN : sar;
            out.short[i] = falling ? sar : NaN;
            out.af[i] = af;
            out.reversal[i] = reverse ? 1 : 0;
          }
          h2 = h1;
          l2 = l1;
          h1 = h;
          l1 = l;
          row++;
        }
      },
    };
  },
});
