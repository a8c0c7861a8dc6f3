import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { chunkStart } from '../kernels/chunkStart.js';
import { createEma } from '../kernels/ema.js';
import { fillNaN } from '../kernels/seriesLoops.js';

export const trix = defineNode({
  kind: 'indicator.trix',
  summary: 'One-event rate of change, in percent, of a triple-smoothed EMA (TA-Lib TRIX).',
  description:
    'EMA3 = EMA(EMA(EMA(x))), each with k = 2 / (timePeriod + 1) and (x - prev) * k + prev, each ' +
    'seeded with the simple average of the first timePeriod values of its input, as in TA-Lib; value ' +
    '= ((EMA3 / previous EMA3) - 1) * 100, or 0 when the previous EMA3 is 0 (TA-Lib ROC). No output ' +
    'for the first 3 * (timePeriod - 1) + 1 events. Values equal TA-Lib TRIX to the last bit for ' +
    'timePeriod >= 2. timePeriod 1: TA-Lib 0.6 takes the EMA lookback of period 1 as -1 (its EMA ' +
    'accepts periods >= 2) and returns misaligned values read from uninitialised memory; this node ' +
    'runs the EMAs with k = 1 (the input itself) and outputs from event 1. EMAs never forget their ' +
    'seed: values depend on where the stream starts.',
  params: Type.Object(
    { timePeriod: Type.Integer({ minimum: 1, maximum: 100000, default: 30, description: 'Period of the three EMAs.' }) },
    { additionalProperties: false },
  ),
  inputs: { series: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => 3 * (p.timePeriod - 1) + 1,
  create: ({ timePeriod }) => {
    const ema1 = createEma(timePeriod);
    const ema2 = createEma(timePeriod);
    const ema3 = createEma(timePeriod);
    const lb = timePeriod - 1;
    const firstOut = 3 * lb + 1;
    let buf1 = new Float64Array(0); // per-chunk scratch, grown to the largest chunk
    let buf2 = new Float64Array(0);
    let row = 0; // absolute row of the next event
    const prev = new Float64Array(1); // EMA3 of the previous event
    return {
      step(n, _t, { series }, { value }) {
        if (buf1.length < n) {
          buf1 = new Float64Array(n);
          buf2 = new Float64Array(n);
        }
        const b1 = buf1;
        const b2 = buf2;
        const r0 = row;
        ema1.run(series, b1, 0, n);
        ema2.run(b1, b2, chunkStart(lb, r0, n), n);
        const from3 = chunkStart(2 * lb, r0, n);
        ema3.run(b2, b1, from3, n); // EMA3 into b1 (EMA1 no longer needed from there)
        const oFrom = chunkStart(firstOut, r0, n);
        // EMA3 of the event before the first output of this chunk.
        const p = oFrom > 0 && oFrom < n ? b1[oFrom - 1] : prev[0];
        fillNaN(value, 0, oFrom);
        rocInto(b1, value, oFrom, n, p);
        if (n > 0) prev[0] = b1[n - 1];
        row = r0 + n;
      },
    };
  },
});

/** TA-Lib ROC(1) of values[from..to) into out: ((x / previous) - 1) * 100, 0 when previous is 0. */
function rocInto(values: Float64Array, out: Float64Array, from: number, to: number, previous: number): void {
  let p = previous;
  for (let i = from; i < to; i++) {
    const e = values[i];
    out[i] = p !== 0.0 ? (e / p - 1.0) * 100.0 : 0.0;
    p = e;
  }
}
