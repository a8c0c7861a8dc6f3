import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { chunkStart } from '../kernels/chunkStart.js';
import { createEma } from '../kernels/ema.js';
import { fillNaN, macdOutputs, subtractInPlace } from '../kernels/seriesLoops.js';

export const macdfix = defineNode({
  kind: 'indicator.macdfix',
  summary: 'MACD with the classic fixed 12/26 smoothing (k = 0.15 and 0.075) and a signal EMA (TA-Lib MACDFIX).',
  description:
    'macd = EMA12 - EMA26 where, as in TA-Lib MACDFIX, the EMAs use the fixed factors k = 0.15 and ' +
    'k = 0.075 (not 2 / (period + 1)); macdSignal = EMA(signalPeriod, k = 2 / (signalPeriod + 1)) ' +
    'of macd; macdHist = macd - macdSignal. Each EMA is (x - prev) * k + prev seeded with a simple ' +
    'average; both price EMAs give their first value on event 25, so the 12-event EMA is seeded with ' +
    'the average of the 12 values ending there; the signal EMA is seeded with the average of its ' +
    'first signalPeriod macd values. All three outputs start after 25 + signalPeriod - 1 events. ' +
    'Values equal TA-Lib MACDFIX to the last bit for signalPeriod >= 2. signalPeriod 1: TA-Lib 0.6 ' +
    'takes the EMA lookback of period 1 as -1 and returns one event early, with an uninitialised ' +
    'first macd and a signal line read 2 events ahead; this node runs the signal EMA with k = 1 (the ' +
    'signal equals macd up to rounding) from event 25. EMAs never forget their seed: values depend ' +
    'on where the stream starts.',
  params: Type.Object(
    { signalPeriod: Type.Integer({ minimum: 1, maximum: 100000, default: 9, description: 'Period of the signal EMA of the macd line.' }) },
    { additionalProperties: false },
  ),
  inputs: { series: port.number() },
  outputs: { macd: port.number(), macdSignal: port.number(), macdHist: port.number() },
  defaultOutput: 'macd',
  warmup: (p) => 25 + p.signalPeriod - 1,
  create: ({ signalPeriod }) => {
    const slow = createEma(26, 0.075);
    const fast = createEma(12, 0.15);
    const signal = createEma(signalPeriod);
    const firstMacd = 25;
    const fastFrom = firstMacd - 11;
    const firstOut = firstMacd + signalPeriod - 1;
    let fastBuf = new Float64Array(0); // per-chunk scratch, grown to the largest chunk
    let slowBuf = new Float64Array(0);
    let row = 0; // absolute row of the next event
    return {
      step(n, _t, { series }, out) {
        if (fastBuf.length < n) {
          fastBuf = new Float64Array(n);
          slowBuf = new Float64Array(n);
        }
        const f = fastBuf;
        const s = slowBuf;
        const outMacd = out.macd;
        const outSignal = out.macdSignal;
        const outHist = out.macdHist;
        const r0 = row;
        const mFrom = chunkStart(firstMacd, r0, n);
        slow.run(series, s, 0, n);
        fast.run(series, f, chunkStart(fastFrom, r0, n), n);
        subtractInPlace(f, s, mFrom, n);
        signal.run(f, outSignal, mFrom, n);
        const oFrom = chunkStart(firstOut, r0, n);
        fillNaN(outMacd, 0, oFrom);
        fillNaN(outSignal, 0, oFrom);
        fillNaN(outHist, 0, oFrom);
        macdOutputs(f, outSignal, outMacd, outHist, oFrom, n);
        row = r0 + n;
      },
    };
  },
});
