import { Type } from '@sinclair/typebox';
import { defineNode } from '../../runtime/defineNode.js';
import { port } from '../../runtime/ports.js';
import { averageTrueRangeKernel } from '../indicator/kernels/averageTrueRange.js';

const YEAR_MS = 365.25 * 86_400_000;

export const volTarget = defineNode({
  kind: 'sizer.volTarget',
  summary: 'Sizes each signal pulse to a target annualised volatility: fraction = targetVol / sigma, capped at maxLeverage.',
  description:
    'Volatility targeting (Moreira & Muir 2017, "Volatility-Managed Portfolios", Journal of Finance; Harvey et al. ' +
    '2018, "The impact of volatility targeting", Journal of Portfolio Management): at a pulse, fraction = targetVol / ' +
    'sigma_annual, clipped to [0, maxLeverage], signed by the signal (+1 long, -1 short); signal 0 gives 0 and NaN ' +
    'gives NaN (no order). sigma_annual = sigma_bar * sqrt(periodsPerYear). method realised: sigma_bar is the sample ' +
    'standard deviation (ddof = 1, two-pass) of the last `window` log returns ln(close_i / close_i-1); method atr: ' +
    'sigma_bar = ATR(window) / close, Wilder\'s average true range as TA-Lib ATR (indicator.atr), a range-based proxy ' +
    'that runs above the close-to-close sigma, so it sizes smaller. periodsPerYear = 365.25 * 86,400,000 / spacing ' +
    '(crypto trades every day of the year), with spacing the median of the first `window` differences of the candle ' +
    'times in ms (a gap in the data does not skew it), fixed from then on; the param periodsPerYear overrides it ' +
    '(252 for daily bars of a market closed at weekends). A row whose candle time is not after the last bar\'s (the ' +
    'same candle seen again on a shared timeline) is not a new bar: the estimate holds. Both methods need window + 1 ' +
    'bars: until then every pulse, a 0 too, gives no order (NaN), and so does a pulse while sigma is NaN (a NaN close ' +
    'in the window); the run warns with how many pulses went unsized. sigma 0 gives maxLeverage. The fraction is read ' +
    'at the pulse: a later change of volatility does not resize the position.',
  params: Type.Object(
    {
      targetVol: Type.Number({ exclusiveMinimum: 0, maximum: 10, default: 0.2, description: 'Annualised volatility to target (0.2 = 20% a year).' }),
      method: Type.Union([Type.Literal('realised'), Type.Literal('atr')], {
        default: 'realised',
        description: 'realised: sample std (ddof 1) of the last window log returns of the close; atr: ATR(window) / close (Wilder, as TA-Lib).',
      }),
      window: Type.Integer({ minimum: 2, maximum: 100000, default: 20, description: 'Bars the volatility is measured over (log returns, or the ATR period).' }),
      maxLeverage: Type.Number({ exclusiveMinimum: 0, maximum: 10, default: 1, description: 'The largest order, as a fraction of equity (1 = all-in, no leverage).' }),
      periodsPerYear: Type.Optional(
        Type.Number({ exclusiveMinimum: 0, description: 'Bars per year, instead of the estimate from the candle times (365.25 * 86,400,000 / median spacing in ms).' }),
      ),
    },
    { additionalProperties: false },
  ),
  inputs: {
    signal: port.signal({ description: 'The decisions to size.' }),
    market: port.candles({ description: 'The candles the volatility is measured on (the traded market).' }),
  },
  outputs: { orders: port.orders({ description: 'Target exposure: ±min(targetVol / sigma_annual, maxLeverage), 0 or NaN.' }) },
  warmup: (p) => p.window,
  create: (p, ctx) => {
    const w = p.window;
    const targetVol = p.targetVol * 1.0;
    const maxLeverage = p.maxLeverage * 1.0;
    const realised = p.method === 'realised';
    // Each new bar's ATR / close, from the repo's TA-Lib ATR kernel run over this chunk's new bars only.
    const atr = realised ? undefined : averageTrueRangeKernel(w, (a, c) => a / c);
    let scratch = { time: new Float64Array(0), high: new Float64Array(0), low: new Float64Array(0), close: new Float64Array(0), value: new Float64Array(0) };
    // realised: ring of the last w log returns
    const returns = new Float64Array(w);
    let head = 0;
    let count = 0;
    let prevClose = NaN;
    let lastTime = -Infinity;
    let bars = 0; // new bars seen
    let atrNow = NaN; // method atr: the latest bar's ATR / close
    // Bar spacing: the first w differences of the candle times, then fixed.
    const diffs = new Float64Array(w);
    let perYear = p.periodsPerYear === undefined ? NaN : p.periodsPerYear * 1.0;
    const estimate = p.periodsPerYear === undefined;
    let unsized = 0;

    const sigmaBar = (): number => {
      if (!realised) return atrNow;
      if (count < w) return NaN;
      let sum = 0.0;
      for (let k = 0; k < w; k++) sum += returns[(head + k) % w]; // oldest first
      const mean = sum / w;
      let ss = 0.0;
      for (let k = 0; k < w; k++) {
        const d = returns[(head + k) % w] - mean;
        ss += d * d;
      }
      return Math.sqrt(ss / (w - 1));
    };

    return {
      step(n, _t, { signal, market }, { orders }) {
        const { time, high, low, close } = market;
        let atrValues: Float64Array | undefined;
        if (atr) {
          // Compact the new bars (rows whose candle time is after the last bar's), run the ATR kernel over them.
          if (scratch.close.length < n) scratch = { time: new Float64Array(n), high: new Float64Array(n), low: new Float64Array(n), close: new Float64Array(n), value: new Float64Array(n) };
          let m = 0;
          let last = lastTime;
          for (let i = 0; i < n; i++) {
            if (time[i] > last) {
              last = time[i];
              scratch.time[m] = time[i];
              scratch.high[m] = high[i];
              scratch.low[m] = low[i];
              scratch.close[m] = close[i];
              m++;
            }
          }
          atr.step(m, scratch.time.subarray(0, m), { high: scratch.high.subarray(0, m), low: scratch.low.subarray(0, m), close: scratch.close.subarray(0, m) }, { value: scratch.value });
          atrValues = scratch.value;
        }
        let made = 0; // new bars consumed in this chunk
        for (let i = 0; i < n; i++) {
          const ti = time[i];
          if (ti > lastTime) {
            if (bars > 0 && estimate && bars <= w) {
              diffs[bars - 1] = ti - lastTime;
              if (bars === w) {
                const sorted = Float64Array.from(diffs).sort();
                const spacing = w % 2 ? sorted[(w - 1) / 2] : (sorted[w / 2 - 1] + sorted[w / 2]) / 2;
                perYear = spacing > 0 ? YEAR_MS / spacing : NaN;
              }
            }
            lastTime = ti;
            bars++;
            if (atrValues) atrNow = atrValues[made];
            else {
              const c = close[i];
              if (bars > 1) {
                returns[head] = Math.log(c / prevClose);
                head = head + 1 === w ? 0 : head + 1;
                if (count < w) count++;
              }
              prevClose = c;
            }
            made++;
          }
          const x = signal[i];
          let target = NaN;
          if (x === 0 || x > 0 || x < 0) {
            const sigma = sigmaBar() * Math.sqrt(perYear);
            if (sigma >= 0) {
              if (x === 0) target = 0.0;
              else {
                const raw = targetVol / sigma; // sigma 0: Infinity, capped
                const f = raw > maxLeverage ? maxLeverage : raw;
                target = x > 0 ? f : -f;
              }
            } else unsized++; // NaN: warm-up or a NaN in the window
          }
          orders[i] = target;
        }
      },
      end() {
        if (unsized > 0) {
          ctx.warn(
            'sizer/unsized',
            `sizer.volTarget: ${unsized} signal pulse${unsized === 1 ? '' : 's'} got no order: no volatility estimate yet (the first ${w + 1} bars) or a NaN close in the window`,
          );
        }
      },
    };
  },
});
