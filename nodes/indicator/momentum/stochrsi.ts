import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { FastK } from '../kernels/fastK.js';
import { BLOCK } from '../kernels/block.js';
import { chunkStart } from '../kernels/chunkStart.js';
import { createMovingAverage, maLookback, maTypeParam, MA_TYPES_TEXT, type MaType, type MovingAverage } from '../kernels/maType.js';
import { TA_EPSILON } from '../kernels/taEpsilon.js';

export const stochrsi = defineNode({
  kind: 'indicator.stochrsi',
  summary: 'Stochastic RSI: the fast stochastic oscillator applied to RSI (TA-Lib STOCHRSI).',
  description:
    "rsi = Wilder's RSI(timePeriod) (TA-Lib RSI: average gain and loss seeded with simple averages of " +
    'the first timePeriod changes, then smoothed by (prev * (timePeriod - 1) + change) / timePeriod; ' +
    '0 when gain + loss is within 1e-14 of 0); fastK = (rsi - lowest rsi) / ((highest rsi - lowest ' +
    'rsi) / 100) over the last fastKPeriod RSI values (0 when the range is 0), with TA-Lib\'s ' +
    'extreme-index trick; fastD = MA(fastDPeriod, fastDMAType) of fastK. MA types: ' + MA_TYPES_TEXT +
    '. Both outputs start after timePeriod + fastKPeriod - 1 + the fastD MA lookback events (TA-Lib ' +
    'RSI unstable period 0). Values equal TA-Lib STOCHRSI to the last bit (mama: see indicator.mama). ' +
    'Wilder smoothing never forgets its seed: values depend on where the stream starts.',
  params: Type.Object(
    {
      timePeriod: Type.Integer({ minimum: 2, maximum: 100000, default: 14, description: 'Period of the RSI.' }),
      fastKPeriod: Type.Integer({ minimum: 1, maximum: 100000, default: 5, description: 'Number of RSI values of the highest / lowest window.' }),
      fastDPeriod: Type.Integer({ minimum: 1, maximum: 100000, default: 3, description: 'Period of the moving average of fastK (fastD).' }),
      fastDMAType: maTypeParam('Type of the fastD moving average.'),
    },
    { additionalProperties: false },
  ),
  inputs: { series: port.number() },
  outputs: { fastK: port.number(), fastD: port.number() },
  defaultOutput: 'fastK',
  warmup: (p) => p.timePeriod + p.fastKPeriod - 1 + maLookback(p.fastDMAType, p.fastDPeriod),
  create: ({ timePeriod, fastKPeriod, fastDPeriod, fastDMAType }) => new StochRsiKernel(timePeriod, fastKPeriod, fastDPeriod, fastDMAType),
});

/** TA-Lib RSI, then the fast stochastic of it; a class: V8 optimises a method once for every instance. */
class StochRsiKernel {
  private readonly fastK: FastK;
  private readonly fastDAverage: MovingAverage;
  private readonly firstK: number; // row of the first fastK
  private readonly firstOut: number;
  private readonly state = new Float64Array(3); // RSI: previous value, average gain, average loss (always loaded as doubles)
  private rsiBuf = new Float64Array(0); // per-chunk scratch, grown to the largest chunk
  private row = 0; // absolute row of the next event
  private rsiRow = 0; // rows the RSI has consumed

  constructor(
    private readonly period: number,
    fastKPeriod: number,
    fastDPeriod: number,
    fastDMAType: MaType,
  ) {
    this.fastK = new FastK(fastKPeriod);
    this.fastDAverage = createMovingAverage(fastDMAType, fastDPeriod);
    this.firstK = period + this.fastK.lookback;
    this.firstOut = this.firstK + this.fastDAverage.lookback;
  }

  step(n: number, _t: Float64Array, { series }: { series: Float64Array }, { fastK, fastD }: { fastK: Float64Array; fastD: Float64Array }): void {
    if (this.rsiBuf.length < n) this.rsiBuf = new Float64Array(n);
    const rsi = this.rsiBuf;
    const r0 = this.row;
    // RSI in blocks of at most BLOCK rows: V8 optimises `rsiRange` between calls (see kernels/block.ts).
    for (let from = 0; from < n; ) {
      const to = n - from > BLOCK ? from + BLOCK : n;
      this.rsiRange(series, rsi, from, to);
      from = to;
    }
    // Fast stochastic of the RSI, started on the first RSI value.
    const period = this.period;
    this.fastK.run(rsi, rsi, rsi, fastK, chunkStart(period, r0, n), n);
    this.fastDAverage.run(fastK, fastD, chunkStart(this.firstK, r0, n), n);
    const oFrom = chunkStart(this.firstOut, r0, n);
    for (let j = 0; j < oFrom; j++) {
      fastK[j] = NaN;
      fastD[j] = NaN;
    }
    this.row = r0 + n;
  }

  /** TA-Lib RSI of series[from..to) into rsi[from..to). */
  private rsiRange(series: Float64Array, rsi: Float64Array, from: number, to: number): void {
    const period = this.period;
    const pm1 = period - 1;
    const state = this.state;
    let pv = state[0];
    let gain = state[1];
    let loss = state[2];
    let i = from;
    // Warm-up (TA-Lib RSI): the first value, then timePeriod changes summed.
    for (let r = this.rsiRow; i < to && r <= period; i++, r++) {
      const x = series[i];
      if (r === 0) {
        pv = x;
        rsi[i] = NaN;
        continue;
      }
      const d = x - pv;
      pv = x;
      if (d < 0) loss -= d;
      else gain += d;
      if (r < period) {
        rsi[i] = NaN;
        continue;
      }
      loss /= period;
      gain /= period;
      const sum = gain + loss;
      rsi[i] = !(-TA_EPSILON < sum && sum < TA_EPSILON) ? 100.0 * (gain / sum) : 0.0;
    }
    for (; i < to; i++) {
      const x = series[i];
      const d = x - pv;
      pv = x;
      loss *= pm1;
      gain *= pm1;
      if (d < 0) loss -= d;
      else gain += d;
      loss /= period;
      gain /= period;
      const sum = gain + loss;
      rsi[i] = !(-TA_EPSILON < sum && sum < TA_EPSILON) ? 100.0 * (gain / sum) : 0.0;
    }
    state[0] = pv;
    state[1] = gain;
    state[2] = loss;
    this.rsiRow += to - from;
  }
}
