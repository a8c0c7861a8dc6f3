import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { Lag, type Streamer } from '../kernels/pandas.js';
import { createPandasTaMa, PandasTaEma, ptaEmaStart } from '../kernels/pandasTa.js';

const length = (def: number, description: string) => Type.Integer({ minimum: 1, maximum: 100000, default: def, description });

/** The signal averages pandas-ta's ma() offers that the TSI family supports. */
export const tsiSignalMode = (description: string) =>
  Type.Union([Type.Literal('ema'), Type.Literal('sma')], { default: 'ema', description });

/** First row of the TSI line and of its signal (pandas-ta tsi). */
export function tsiStarts(fast: number, slow: number, signal: number, maMode: string, drift: number): { line: number; signal: number } {
  const line = ptaEmaStart(ptaEmaStart(drift, slow), fast);
  return { line, signal: maMode === 'sma' ? line + signal - 1 : ptaEmaStart(line, signal) };
}

/** pandas-ta tsi, value by value: `next(x)` sets `line` and `signal` (NaN when none). */
export class TsiCore {
  line = NaN;
  signal = NaN;
  private readonly prev: Lag;
  private readonly slowEma: PandasTaEma;
  private readonly fastSlowEma: PandasTaEma;
  private readonly absSlowEma: PandasTaEma;
  private readonly absFastSlowEma: PandasTaEma;
  private readonly signalMa: Streamer;

  constructor(fast: number, slow: number, signal: number, private readonly scalar: number, maMode: string, drift: number) {
    this.prev = new Lag(drift);
    this.slowEma = new PandasTaEma(slow);
    this.fastSlowEma = new PandasTaEma(fast);
    this.absSlowEma = new PandasTaEma(slow);
    this.absFastSlowEma = new PandasTaEma(fast);
    this.signalMa = createPandasTaMa(maMode === 'sma' ? 'sma' : 'ema', signal, { sma: 'resummed' });
  }

  next(x: number): void {
    const diff = x - this.prev.next(x);
    const num = this.fastSlowEma.next(this.slowEma.next(diff));
    const den = this.absFastSlowEma.next(this.absSlowEma.next(Math.abs(diff)));
    const line = (this.scalar * num) / den;
    this.line = line;
    this.signal = this.signalMa.next(line);
  }
}

export const tsi = defineNode({
  kind: 'indicator.tsi',
  summary: "True strength index: a double-smoothed EMA of price changes over the same of their absolute values, with a signal line (pandas-ta tsi).",
  description:
    'diff = close - close[drift]; tsi = scalar * EMA(EMA(diff, slow), fast) / EMA(EMA(|diff|, slow), fast); ' +
    'signal = MA(tsi, signal) with maMode ema or sma (William Blau, "Momentum, Direction and Divergence", ' +
    '1995; pandas-ta tsi). EMAs are pandas-ta\'s: ewm(span=length, adjust=False) seeded at row length - 1 ' +
    'with the mean of the values of the first length rows (NaNs skipped), or at the first value when ' +
    'those rows hold none (the EMA of an EMA). Warm-up: both outputs start together at the signal\'s first value (with maMode ema the same ' +
    'event as the tsi line: after max(drift, slow - 1, fast - 1, signal - 1) events, 24 with the defaults; ' +
    'with sma signal - 1 events later, where pandas-ta gives the tsi line earlier). fast and slow are not ' +
    'swapped (as in pandas-ta). No offset or fillna params.',
  params: Type.Object(
    {
      fast: length(13, 'Length of the second (outer) EMA.'),
      slow: length(25, 'Length of the first (inner) EMA.'),
      signal: length(13, 'Length of the signal average.'),
      scalar: Type.Number({ minimum: -1e12, maximum: 1e12, default: 100, description: 'Multiplier of the ratio.' }),
      maMode: tsiSignalMode('Average of the signal line: ema (pandas-ta) or sma.'),
      drift: length(1, 'Events between the closes differenced.'),
    },
    { additionalProperties: false },
  ),
  inputs: { series: port.number() },
  outputs: { tsi: port.number(), signal: port.number() },
  defaultOutput: 'tsi',
  warmup: (p) => tsiStarts(p.fast, p.slow, p.signal, p.maMode, p.drift).signal,
  create: ({ fast, slow, signal, scalar, maMode, drift }) => {
    const core = new TsiCore(fast, slow, signal, scalar, maMode, drift);
    const first = tsiStarts(fast, slow, signal, maMode, drift).signal;
    let row = 0;
    return {
      step(n, _t, { series }, out) {
        for (let i = 0; i < n; i++, row++) {
          core.next(series[i]);
          const on = row >= first;
          out.tsi[i] = on ? core.line : NaN;
          out.signal[i] = on ? core.signal : NaN;
        }
      },
    };
  },
});
