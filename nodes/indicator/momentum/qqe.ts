import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { Lag, type PandasEwm } from '../kernels/pandas.js';
import { createPandasTaMa, PandasTaEma, ptaEmaStart, ptaRma } from '../kernels/pandasTa.js';

interface QqeSettings {
  length: number;
  smooth: number;
  maMode: 'ema' | 'sma';
  drift: number;
}

/** First row of pandas-ta qqe's QQE line (its bands' first value). */
function qqeStart(p: QqeSettings): number {
  const rsiStart = p.length; // pandas-ta's qqe calls rsi(close, length): drift 1
  const rsiMa = p.maMode === 'sma' ? rsiStart + p.smooth - 1 : ptaEmaStart(rsiStart, p.smooth);
  const wilders = 2 * p.length - 1;
  return ptaEmaStart(ptaEmaStart(rsiMa + p.drift, wilders), wilders);
}

export const qqe = defineNode({
  kind: 'indicator.qqe',
  summary: 'Quantitative qualitative estimation: a smoothed RSI and a trailing line at a multiple of its smoothed true range (pandas-ta qqe).',
  description:
    'rsiMa = MA(RSI(close, length), smooth) (maMode ema or sma; RSI as pandas-ta computes it, Wilder\'s ' +
    'averages ewm alpha = 1 / length); dar = factor * EMA(EMA(|rsiMa - rsiMa[drift]|, 2 * length - 1), ' +
    '2 * length - 1); bands rsiMa -/+ dar. The long line follows the lower band up (max of itself and the ' +
    'band while rsiMa stays above it), the short line the upper band down; trend turns 1 when rsiMa crosses ' +
    'the previous short line (either way, as TradingView\'s cross()), else -1 when it crosses the previous ' +
    'long line, else keeps; qqe = the long line when trend is 1, else the short line (Roman Ignatov\'s QQE; ' +
    'pandas-ta qqe, a port of the TradingView script). EMAs are pandas-ta\'s (ewm adjust=False seeded with ' +
    'the mean of the first length values, or the first value for an EMA of an EMA). Outputs: qqe, rsiMa ' +
    'and trend (+1 / -1), which says which of pandas-ta\'s QQEl / QQEs columns holds qqe. Warm-up: all ' +
    'outputs start at the first qqe value (26 events with the defaults); pandas-ta gives rsiMa earlier.',
  params: Type.Object(
    {
      length: Type.Integer({ minimum: 1, maximum: 100000, default: 14, description: 'Length of the RSI.' }),
      smooth: Type.Integer({ minimum: 1, maximum: 100000, default: 5, description: 'Length of the average of the RSI.' }),
      factor: Type.Number({ minimum: -1e6, maximum: 1e6, default: 4.236, description: 'Multiple of the double-smoothed true range of rsiMa for the bands.' }),
      maMode: Type.Union([Type.Literal('ema'), Type.Literal('sma')], { default: 'ema', description: 'Average of the RSI: ema (pandas-ta\'s) or sma.' }),
      drift: Type.Integer({ minimum: 1, maximum: 100000, default: 1, description: 'Events between the rsiMa values differenced for its true range (the RSI differences consecutive closes, as in pandas-ta).' }),
    },
    { additionalProperties: false },
  ),
  inputs: { series: port.number() },
  outputs: { qqe: port.number(), rsiMa: port.number(), trend: port.number() },
  defaultOutput: 'qqe',
  warmup: (p) => qqeStart(p),
  create: (p) => {
    const { length, smooth, factor, drift } = p;
    const first = qqeStart(p);
    const prevClose = new Lag(1); // pandas-ta's qqe calls rsi(close, length): drift 1
    const gains: PandasEwm = ptaRma(length);
    const losses: PandasEwm = ptaRma(length);
    const rsiAverage = createPandasTaMa(p.maMode, smooth, { sma: 'resummed' });
    const prevRsiMa = new Lag(drift);
    const wilders = 2 * length - 1;
    const trEma = new PandasTaEma(wilders);
    const darEma = new PandasTaEma(wilders);
    let row = 0;
    let rsiPrev = NaN; // rsiMa[i - 1]
    let long1 = 0; // long[i - 1]
    let long2 = 0; // long[i - 2]
    let short1 = 0;
    let short2 = 0;
    let trend = 1;
    return {
      step(n, _t, { series }, out) {
        for (let i = 0; i < n; i++, row++) {
          const x = series[i];
          const diff = x - prevClose.next(x);
          // pandas-ta rsi: gains and losses (NaN stays NaN), Wilder averages, 100 * gain / (gain + |loss|).
          const up = gains.next(diff < 0 ? 0 : diff);
          const down = losses.next(diff > 0 ? 0 : diff);
          const rsi = (100 * up) / (up + Math.abs(down));
          const rsiMa = rsiAverage.next(rsi);
          const dar = factor * darEma.next(trEma.next(Math.abs(rsiMa - prevRsiMa.next(rsiMa))));
          const upper = rsiMa + dar;
          const lower = rsiMa - dar;
          let qqeValue: number;
          if (row === 0) {
            qqeValue = rsiMa;
            long2 = long1;
            short2 = short1;
            long1 = 0;
            short1 = 0;
          } else {
            const c = rsiMa;
            const pr = rsiPrev;
            const long = pr > long1 && c > long1 ? Math.max(long1, lower) : lower;
            const short = pr < short1 && c < short1 ? Math.min(short1, upper) : upper;
            if ((c > short1 && pr < short2) || (c <= short1 && pr >= short2)) trend = 1;
            else if ((c > long1 && pr < long2) || (c <= long1 && pr >= long2)) trend = -1;
            qqeValue = trend === 1 ? long : short;
            long2 = long1;
            long1 = long;
            short2 = short1;
            short1 = short;
          }
          rsiPrev = rsiMa;
          const on = row >= first;
          out.qqe[i] = on ? qqeValue : NaN;
          out.rsiMa[i] = on ? rsiMa : NaN;
          out.trend[i] = on ? trend : NaN;
        }
      },
    };
  },
});
