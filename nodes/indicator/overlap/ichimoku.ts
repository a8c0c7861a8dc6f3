import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { MidRange } from '../kernels/midRange.js';

export const ichimoku = defineNode({
  kind: 'indicator.ichimoku',
  summary: 'Ichimoku Kinko Hyo, causal lines: tenkan, kijun, and the cloud spans A and B as plotted at the current bar (pandas-ta ichimoku).',
  description:
    'tenkan = (highest high + lowest low) / 2 over tenkan bars, kijun = the same over kijun bars; spanA = (tenkan + ' +
    'kijun) / 2 and spanB = the midpoint over senkou bars, both as computed kijun bars ago: the cloud drawn at the ' +
    'current bar, which pandas-ta gets by shifting the spans forward by kijun (Goichi Hosoda; pandas-ta ichimoku, ' +
    'its first frame). Only causal outputs: the chikou (lagging) span, the close shifted kijun bars back, looks ' +
    'ahead and is left out, as are the spans projected into the future (pandas-ta\'s second frame). The lines start ' +
    'at different events: tenkan after tenkan - 1, kijun after kijun - 1, spanA after kijun - 1 + kijun, spanB ' +
    'after senkou - 1 + kijun events, so no single warm-up is declared.',
  params: Type.Object(
    {
      tenkan: Type.Integer({ minimum: 1, maximum: 100000, default: 9, description: 'Conversion line (tenkan-sen) length.' }),
      kijun: Type.Integer({ minimum: 1, maximum: 100000, default: 26, description: 'Base line (kijun-sen) length, also the forward shift of the spans.' }),
      senkou: Type.Integer({ minimum: 1, maximum: 100000, default: 52, description: 'Leading span B (senkou span B) length.' }),
    },
    { additionalProperties: false },
  ),
  inputs: { high: port.number(), low: port.number() },
  outputs: { tenkan: port.number(), kijun: port.number(), spanA: port.number(), spanB: port.number() },
  create: ({ tenkan: tenkanLength, kijun: kijunLength, senkou }) => {
    const tk = new MidRange(tenkanLength);
    const kj = new MidRange(kijunLength);
    const sk = new MidRange(senkou);
    const ringA = new Float64Array(kijunLength);
    const ringB = new Float64Array(kijunLength);
    let pos = 0;
    let seen = 0;
    let scratch = new Float64Array(0);
    return {
      step(n, _t, { high, low }, { tenkan, kijun, spanA, spanB }) {
        if (scratch.length < n) scratch = new Float64Array(n);
        tk.run(high, low, tenkan, 0, n);
        kj.run(high, low, kijun, 0, n);
        sk.run(high, low, scratch, 0, n);
        for (let i = 0; i < n; i++) {
          const a = 0.5 * (tenkan[i] + kijun[i]);
          const b = scratch[i];
          if (seen < kijunLength) {
            seen++;
            spanA[i] = NaN;
            spanB[i] = NaN;
          } else {
            spanA[i] = ringA[pos];
            spanB[i] = ringB[pos];
          }
          ringA[pos] = a;
          ringB[pos] = b;
          pos = pos + 1 === kijunLength ? 0 : pos + 1;
        }
      },
    };
  },
});
