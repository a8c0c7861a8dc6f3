import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { WilderDirectional } from '../kernels/wilderDirectional.js';

export const plusDm = defineNode({
  kind: 'indicator.plus_dm',
  summary: "Wilder's plus directional movement as a Wilder-smoothed running sum (TA-Lib PLUS_DM).",
  description:
    "A bar's +DM is high - previous high when that is > 0 and greater than previous low - low, else 0. " +
    'The first output, at event timePeriod - 1, is the plain sum of the first timePeriod - 1 +DMs ' +
    '(TA-Lib quirk: not timePeriod of them); after that the running value is smoothed the Wilder way, ' +
    'x - x / timePeriod + today\'s +DM, in TA-Lib order, so values equal TA-Lib PLUS_DM to the last bit. ' +
    'The output is a smoothed sum, not an average (about timePeriod times a bar\'s +DM). With ' +
    'timePeriod 1 it is each bar\'s own +DM from the second event on. TA-Lib gives PLUS_DM an ' +
    'unstable period; hean uses its default, 0, so the warm-up is timePeriod - 1 events (1 with ' +
    'timePeriod 1). Wilder smoothing never forgets its seed: values depend on where the stream starts.',
  params: Type.Object(
    {
      timePeriod: Type.Integer({
        minimum: 1,
        maximum: 100000,
        default: 14,
        description: 'Number of bars summed first; Wilder smoothing factor 1 / timePeriod.',
      }),
    },
    { additionalProperties: false },
  ),
  inputs: { high: port.number(), low: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => (p.timePeriod > 1 ? p.timePeriod - 1 : 1),
  create: ({ timePeriod }) => {
    const dm = new WilderDirectional(timePeriod);
    const first = timePeriod > 1 ? timePeriod - 1 : 1; // event of the first output
    return {
      step(n, _t, { high, low }, { value }) {
        for (let i = 0; i < n; i++) {
          dm.pushDM(high[i], low[i]);
          if (dm.bars <= first) value[i] = NaN;
          else value[i] = timePeriod > 1 ? dm.plusDM : dm.plusDM1;
        }
      },
    };
  },
});
