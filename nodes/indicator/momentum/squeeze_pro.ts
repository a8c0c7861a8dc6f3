import { Type } from '@sinclair/typebox';
import { defineNode, type ParamProblem } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { lengthParam, positive, SqueezeCore, squeezeMaMode, squeezeStart } from './squeeze.js';

export const squeezePro = defineNode({
  kind: 'indicator.squeeze_pro',
  summary: 'Squeeze momentum pro: smoothed momentum and the Bollinger bands against three Keltner channels (pandas-ta squeeze_pro).',
  description:
    'John Carter\'s TTM Squeeze Pro as pandas-ta computes it (squeeze_pro): Bollinger bands: middle = ' +
    'MA(close, bbLength), deviation = bbStd * the population standard deviation of the last bbLength closes; ' +
    'three Keltner channels MA(close, kcLength) -/+ scalar * MA(range, kcLength) with the wide, normal and ' +
    'narrow scalars, range the true range (useTr; none on the first event) or high - low; MA is maMode (sma: ' +
    'rolling mean; ema: pandas-ta\'s ema, ewm adjust=False seeded with the mean of the first length values). ' +
    'squeezeOnWide / squeezeOnNormal / squeezeOnNarrow = 1 when the bands are inside that channel (lower ' +
    'above and upper below); squeezeOff = 1 when they are outside the wide channel; noSqueeze = 1 when ' +
    'neither on nor off for the wide channel; else 0. squeeze = MA(close - close[momLength], momSmooth). ' +
    'Warm-up: the latest of the momentum, bands and channels (20 events with the defaults). Departure from ' +
    'pandas-ta: it gives the flags from the first event, 0 / 0 / 0 / 0 / 1 while the bands are missing ' +
    '(NaN comparisons are false); hean gives every output from the warm-up on. pandas-ta reads use_tr from ' +
    'a "tr" keyword only; here useTr is the param. pandas-ta adds 2.2e-16 to every high - low when one of ' +
    'the whole series is 0 (a look at the whole series, below any price\'s precision); hean does not. The ' +
    'scalars must be wide > normal > narrow (pandas-ta returns nothing otherwise).',
  params: Type.Object(
    {
      bbLength: lengthParam(20, 2, 'Length of the Bollinger bands.'),
      bbStd: positive(2, 'Standard deviations of the Bollinger bands.'),
      kcLength: lengthParam(20, 2, 'Length of the Keltner channels.'),
      kcScalarWide: positive(2, 'Multiplier of the range average for the wide channel.'),
      kcScalarNormal: positive(1.5, 'Multiplier of the range average for the normal channel.'),
      kcScalarNarrow: positive(1, 'Multiplier of the range average for the narrow channel.'),
      momLength: lengthParam(12, 1, 'Events of the momentum close - close[momLength].'),
      momSmooth: lengthParam(6, 1, 'Length of the momentum average.'),
      useTr: Type.Boolean({ default: true, description: 'Keltner range: the true range (true) or high - low (false).' }),
      maMode: squeezeMaMode(),
    },
    { additionalProperties: false },
  ),
  check: (p) => {
    const problems: ParamProblem[] = [];
    if (!(p.kcScalarWide > p.kcScalarNormal && p.kcScalarNormal > p.kcScalarNarrow)) {
      problems.push({
        path: ['kcScalarNormal'],
        code: 'params/order',
        message: `found kcScalarWide ${p.kcScalarWide}, kcScalarNormal ${p.kcScalarNormal}, kcScalarNarrow ${p.kcScalarNarrow}; expected wide > normal > narrow`,
      });
    }
    return problems;
  },
  inputs: { high: port.number(), low: port.number(), close: port.number() },
  outputs: {
    squeeze: port.number(),
    squeezeOnWide: port.number(),
    squeezeOnNormal: port.number(),
    squeezeOnNarrow: port.number(),
    squeezeOff: port.number(),
    noSqueeze: port.number(),
  },
  defaultOutput: 'squeeze',
  warmup: (p) => squeezeStart(p),
  create: (p) => {
    const core = new SqueezeCore(p);
    const first = squeezeStart(p);
    const wide = p.kcScalarWide;
    const normal = p.kcScalarNormal;
    const narrow = p.kcScalarNarrow;
    let row = 0;
    return {
      step(n, _t, { high, low, close }, out) {
        for (let i = 0; i < n; i++, row++) {
          core.next(high[i], low[i], close[i]);
          if (row < first) {
            out.squeeze[i] = NaN;
            out.squeezeOnWide[i] = NaN;
            out.squeezeOnNormal[i] = NaN;
            out.squeezeOnNarrow[i] = NaN;
            out.squeezeOff[i] = NaN;
            out.noSqueeze[i] = NaN;
            continue;
          }
          const b = core.kcBasis;
          const r = core.kcBand;
          const lo = core.bbLower;
          const up = core.bbUpper;
          const onWide = lo > b - wide * r && up < b + wide * r;
          const offWide = lo < b - wide * r && up > b + wide * r;
          out.squeeze[i] = core.squeeze;
          out.squeezeOnWide[i] = onWide ? 1 : 0;
          out.squeezeOnNormal[i] = lo > b - normal * r && up < b + normal * r ? 1 : 0;
          out.squeezeOnNarrow[i] = lo > b - narrow * r && up < b + narrow * r ? 1 : 0;
          out.squeezeOff[i] = offWide ? 1 : 0;
          out.noSqueeze[i] = !onWide && !offWide ? 1 : 0;
        }
      },
    };
  },
});
