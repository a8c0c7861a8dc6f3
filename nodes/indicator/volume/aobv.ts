import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { RollingWindow } from '../kernels/pandas.js';
import { createPandasTaMa, PANDAS_MA_TEXT, ptaMaModeParam } from '../kernels/pandasTa.js';

const period = (def: number, description: string) => Type.Integer({ minimum: 1, maximum: 100000, default: def, description });

export const aobv = defineNode({
  kind: 'indicator.aobv',
  summary: 'Archer on-balance volume: OBV with its rolling min and max, a fast and a slow average, and long / short run signals (pandas-ta aobv).',
  description:
    'obv = running sum of volume signed by the change of the series (+ on the first event, 0 when ' +
    'unchanged: TA-Lib OBV\'s values); min / max = lowest / highest obv of the last minLookback / ' +
    'maxLookback events; fast = MA(obv, fast), slow = MA(obv, slow) (swapped if slow < fast); longRun = 1 ' +
    'when fast rose over the last runLength events and slow moved (rose or fell) over them, else 0; ' +
    'shortRun = 1 when fast fell and slow moved, else 0 (pandas-ta aobv with its long_run / short_run). ' +
    'MA is maMode: ' +
    PANDAS_MA_TEXT +
    '. Warm-up: max(slow - 1 + runLength, minLookback - 1, maxLookback - 1) events; all outputs start ' +
    'together (pandas-ta gives obv from the first event and the signals as 0 before the averages exist). ' +
    'A cumulative sum: values depend on where the stream starts.',
  params: Type.Object(
    {
      fast: period(4, 'Period of the fast average of OBV.'),
      slow: period(12, 'Period of the slow average of OBV.'),
      maxLookback: period(2, 'Number of events of the highest OBV.'),
      minLookback: period(2, 'Number of events of the lowest OBV.'),
      maMode: ptaMaModeParam(['ema', 'sma', 'rma', 'wma'], 'ema', 'Moving average of OBV.'),
      runLength: period(2, 'Events back over which the averages must have moved for a run signal.'),
    },
    { additionalProperties: false },
  ),
  inputs: { series: port.number(), volume: port.number() },
  outputs: {
    obv: port.number(),
    min: port.number(),
    max: port.number(),
    fast: port.number(),
    slow: port.number(),
    longRun: port.number(),
    shortRun: port.number(),
  },
  defaultOutput: 'obv',
  warmup: (p) => aobvWarmup(p),
  create: (p) => {
    const fastLen = Math.min(p.fast, p.slow);
    const slowLen = Math.max(p.fast, p.slow);
    const warmup = aobvWarmup(p);
    const fastMa = createPandasTaMa(p.maMode, fastLen, { sma: 'rescan' });
    const slowMa = createPandasTaMa(p.maMode, slowLen, { sma: 'rescan' });
    const mins = new RollingWindow(p.minLookback);
    const maxs = new RollingWindow(p.maxLookback);
    const fastPast = new RollingWindow(p.runLength + 1); // at(0): the fast average runLength events ago
    const slowPast = new RollingWindow(p.runLength + 1);
    let row = 0;
    let prev = NaN;
    let total = 0.0;
    return {
      step(n, _t, { series, volume }, o) {
        for (let i = 0; i < n; i++) {
          const x = series[i];
          const d = x - prev;
          const sign = row === 0 ? 1 : d > 0 ? 1 : d < 0 ? -1 : d; // d: 0 or NaN
          prev = x;
          const sv = sign * volume[i];
          if (sv === sv) total += sv; // pandas cumsum skips NaN
          const obv = sv === sv ? total : NaN;
          mins.push(obv);
          maxs.push(obv);
          const f = fastMa.next(obv);
          const s = slowMa.next(obv);
          fastPast.push(f);
          slowPast.push(s);
          if (row++ < warmup) {
            o.obv[i] = NaN;
            o.min[i] = NaN;
            o.max[i] = NaN;
            o.fast[i] = NaN;
            o.slow[i] = NaN;
            o.longRun[i] = NaN;
            o.shortRun[i] = NaN;
            continue;
          }
          const df = f - fastPast.at(0);
          const ds = s - slowPast.at(0);
          const slowMoved = ds > 0 || ds < 0;
          o.obv[i] = obv;
          o.min[i] = mins.min();
          o.max[i] = maxs.max();
          o.fast[i] = f;
          o.slow[i] = s;
          o.longRun[i] = df > 0 && slowMoved ? 1 : 0;
          o.shortRun[i] = df < 0 && slowMoved ? 1 : 0;
        }
      },
    };
  },
});

function aobvWarmup(p: { fast: number; slow: number; maxLookback: number; minLookback: number; runLength: number }): number {
  return Math.max(Math.max(p.fast, p.slow) - 1 + p.runLength, p.minLookback - 1, p.maxLookback - 1);
}
