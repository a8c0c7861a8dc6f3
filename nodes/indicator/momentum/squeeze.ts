import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { Lag, RollingWindow, RunningSumWindow, type Streamer } from '../kernels/pandas.js';
import { createPandasTaMa, PandasTaEma, ptaEmaStart, ptaLinreg, trueRange } from '../kernels/pandasTa.js';

export const lengthParam = (def: number, min: number, description: string) => Type.Integer({ minimum: min, maximum: 100000, default: def, description });
export const positive = (def: number, description: string) => Type.Number({ exclusiveMinimum: 0, maximum: 1e6, default: def, description });
export const squeezeMaMode = () =>
  Type.Union([Type.Literal('sma'), Type.Literal('ema')], { default: 'sma', description: 'Average of the bands\' middles, the Keltner range and the momentum: sma or ema (pandas-ta\'s).' });

export interface SqueezeSettings {
  bbLength: number;
  bbStd: number;
  kcLength: number;
  momLength: number;
  momSmooth: number;
  useTr: boolean;
  maMode: 'sma' | 'ema';
  lazybear?: boolean;
}

/** First row where every output of squeeze / squeeze_pro has a value. */
export function squeezeStart(p: SqueezeSettings): number {
  const ema = p.maMode === 'ema';
  const momentum = p.lazybear
    ? 2 * p.kcLength - 2
    : ema
      ? ptaEmaStart(p.momLength, p.momSmooth)
      : p.momLength + p.momSmooth - 1;
  const bb = p.bbLength - 1;
  const lead = p.useTr ? 1 : 0;
  const kc = Math.max(p.kcLength - 1, ema ? ptaEmaStart(lead, p.kcLength) : lead + p.kcLength - 1);
  return Math.max(momentum, bb, kc);
}

/**
 * pandas-ta squeeze / squeeze_pro, value by value: Bollinger bands (bbLower, bbUpper), the Keltner
 * middle and range average (kcBasis, kcBand: a channel is kcBasis -/+ scalar * kcBand) and the
 * momentum (squeeze).
 */
export class SqueezeCore {
  squeeze = NaN;
  bbLower = NaN;
  bbUpper = NaN;
  kcBasis = NaN;
  kcBand = NaN;
  private readonly bbWindow: RunningSumWindow;
  private readonly bbMid: PandasTaEma | undefined;
  private readonly basis: Streamer;
  private readonly band: Streamer;
  private readonly prevClose = new Lag(1);
  private readonly momLag: Lag;
  private readonly momAverage: Streamer;
  private readonly highs: RollingWindow | undefined;
  private readonly lows: RollingWindow | undefined;
  private readonly lbWindow: RollingWindow | undefined;

  constructor(private readonly p: SqueezeSettings) {
    const ema = p.maMode === 'ema';
    this.bbWindow = new RunningSumWindow(p.bbLength);
    if (ema) this.bbMid = new PandasTaEma(p.bbLength);
    this.basis = createPandasTaMa(ema ? 'ema' : 'sma', p.kcLength, { sma: 'resummed' });
    this.band = createPandasTaMa(ema ? 'ema' : 'sma', p.kcLength, { sma: 'resummed' });
    this.momLag = new Lag(p.momLength);
    this.momAverage = createPandasTaMa(ema ? 'ema' : 'sma', p.momSmooth, { sma: 'resummed' });
    if (p.lazybear) {
      this.highs = new RollingWindow(p.kcLength);
      this.lows = new RollingWindow(p.kcLength);
      this.lbWindow = new RollingWindow(p.kcLength);
    }
  }

  next(h: number, l: number, c: number): void {
    const p = this.p;
    const full = this.bbWindow.push(c);
    const sd = full ? this.bbWindow.std() : NaN;
    const mid = this.bbMid !== undefined ? this.bbMid.next(c) : full ? this.bbWindow.mean() : NaN;
    const dev = p.bbStd * sd;
    this.bbLower = mid - dev;
    this.bbUpper = mid + dev;
    const pc = this.prevClose.next(c);
    this.kcBasis = this.basis.next(c);
    this.kcBand = this.band.next(p.useTr ? trueRange(h, l, pc) : h - l);
    if (this.lbWindow !== undefined) {
      this.highs!.push(h);
      this.lows!.push(l);
      const hh = this.highs!.max();
      const ll = this.lows!.min();
      const avg = 0.25 * (hh + ll) + 0.5 * this.kcBasis;
      this.lbWindow.push(c - avg);
      this.squeeze = ptaLinreg(this.lbWindow, 'linreg');
    } else {
      this.squeeze = this.momAverage.next(c - this.momLag.next(c));
    }
  }
}

const SOURCE =
  'John Carter\'s TTM Squeeze ("Mastering the Trade", 2005) as pandas-ta computes it: ';
const SHARED =
  'Bollinger bands: middle = MA(close, bbLength), deviation = bbStd * the population standard deviation of ' +
  'the last bbLength closes; Keltner channel: MA(close, kcLength) -/+ scalar * MA(range, kcLength), range the ' +
  'true range (useTr, pandas-ta\'s: none on the first event) or high - low; MA is maMode (sma: rolling mean; ' +
  'ema: pandas-ta\'s ema, ewm adjust=False seeded with the mean of the first length values). ';
const DEPARTURE =
  'Departure from pandas-ta: it gives the flags from the first event, 0 / 0 / 1 while the bands are missing ' +
  '(NaN comparisons are false); hean gives every output from the warm-up on. pandas-ta reads use_tr from a ' +
  '"tr" keyword only; here useTr is the param. pandas-ta adds 2.2e-16 to every high - low when one of the ' +
  'whole series is 0 (a look at the whole series, below any price\'s precision); hean does not.';

export const squeeze = defineNode({
  kind: 'indicator.squeeze',
  summary: 'Squeeze momentum: smoothed momentum and whether the Bollinger bands sit inside the Keltner channel (pandas-ta squeeze).',
  description:
    SOURCE + SHARED +
    'squeezeOn = 1 when the Bollinger bands are inside the channel (lower above and upper below), ' +
    'squeezeOff = 1 when they are outside (lower below and upper above), noSqueeze = 1 when neither, else 0. ' +
    'squeeze = MA(close - close[momLength], momSmooth); with lazybear (LazyBear\'s version), the linear ' +
    'regression value (pandas-ta linreg) over kcLength of close - (0.25 * (highest high + lowest low) + 0.5 * ' +
    'Keltner middle), highs and lows over kcLength. Warm-up: the latest of the momentum, bands and channel ' +
    '(20 events with the defaults). ' + DEPARTURE,
  params: Type.Object(
    {
      bbLength: lengthParam(20, 2, 'Length of the Bollinger bands.'),
      bbStd: positive(2, 'Standard deviations of the Bollinger bands.'),
      kcLength: lengthParam(20, 2, 'Length of the Keltner channel.'),
      kcScalar: positive(1.5, 'Multiplier of the Keltner range average.'),
      momLength: lengthParam(12, 1, 'Events of the momentum close - close[momLength].'),
      momSmooth: lengthParam(6, 1, 'Length of the momentum average.'),
      useTr: Type.Boolean({ default: true, description: 'Keltner range: the true range (true) or high - low (false).' }),
      maMode: squeezeMaMode(),
      lazybear: Type.Boolean({ default: false, description: 'LazyBear\'s momentum: a linear regression of close against the channel and range middle.' }),
    },
    { additionalProperties: false },
  ),
  inputs: { high: port.number(), low: port.number(), close: port.number() },
  outputs: { squeeze: port.number(), squeezeOn: port.number(), squeezeOff: port.number(), noSqueeze: port.number() },
  defaultOutput: 'squeeze',
  warmup: (p) => squeezeStart(p),
  create: (p) => {
    const core = new SqueezeCore(p);
    const first = squeezeStart(p);
    const scalar = p.kcScalar;
    let row = 0;
    return {
      step(n, _t, { high, low, close }, out) {
        for (let i = 0; i < n; i++, row++) {
          core.next(high[i], low[i], close[i]);
          if (row < first) {
            out.squeeze[i] = NaN;
            out.squeezeOn[i] = NaN;
            out.squeezeOff[i] = NaN;
            out.noSqueeze[i] = NaN;
            continue;
          }
          const kcLower = core.kcBasis - scalar * core.kcBand;
          const kcUpper = core.kcBasis + scalar * core.kcBand;
          const on = core.bbLower > kcLower && core.bbUpper < kcUpper;
          const off = core.bbLower < kcLower && core.bbUpper > kcUpper;
          out.squeeze[i] = core.squeeze;
          out.squeezeOn[i] = on ? 1 : 0;
          out.squeezeOff[i] = off ? 1 : 0;
          out.noSqueeze[i] = !on && !off ? 1 : 0;
        }
      },
    };
  },
});
