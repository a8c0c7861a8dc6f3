import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { chunkStart } from '../kernels/chunkStart.js';
import { createMovingAverage, maLookback, maTypeParam, MA_TYPES_TEXT } from '../kernels/maType.js';
import { fillNaN, macdOutputs, subtractInPlace } from '../kernels/seriesLoops.js';

const period = (def: number, min: number, description: string) => Type.Integer({ minimum: min, maximum: 100000, default: def, description });

export const macdext = defineNode({
  kind: 'indicator.macdext',
  summary: 'MACD with a selectable moving-average type for the fast, slow and signal lines (TA-Lib MACDEXT).',
  description:
    'macd = MA(fastPeriod, fastMAType) - MA(slowPeriod, slowMAType), macdSignal = MA(signalPeriod, ' +
    'signalMAType) of macd, macdHist = macd - macdSignal. MA types: ' + MA_TYPES_TEXT + '. TA-Lib ' +
    'quirks reproduced: if slowPeriod < fastPeriod the periods and their MA types are swapped; both ' +
    'price averages give their first value on the same event (the larger of their lookbacks), so the ' +
    'one with the shorter lookback is started (seeded) later, not on the first event; the signal ' +
    'average starts on the first macd value. All three outputs start together after the larger price ' +
    'MA lookback plus the signal MA lookback; before that all three are NaN. Values equal TA-Lib ' +
    'MACDEXT to the last bit (mama: see indicator.mama). Averages with a seed never forget it: values ' +
    'depend on where the stream starts.',
  params: Type.Object(
    {
      fastPeriod: period(12, 2, 'Period of the fast moving average.'),
      fastMAType: maTypeParam('Type of the fast moving average.'),
      slowPeriod: period(26, 2, 'Period of the slow moving average (swapped with the fast one if smaller, as in TA-Lib).'),
      slowMAType: maTypeParam('Type of the slow moving average.'),
      signalPeriod: period(9, 1, 'Period of the signal moving average of the macd line.'),
      signalMAType: maTypeParam('Type of the signal moving average.'),
    },
    { additionalProperties: false },
  ),
  inputs: { series: port.number() },
  outputs: { macd: port.number(), macdSignal: port.number(), macdHist: port.number() },
  defaultOutput: 'macd',
  warmup: (p) =>
    Math.max(maLookback(p.fastMAType, p.fastPeriod), maLookback(p.slowMAType, p.slowPeriod)) + maLookback(p.signalMAType, p.signalPeriod),
  create: (params) => {
    // TA-Lib: "make sure slow is really slower than the fast period! if not, swap" (types too).
    const swap = params.slowPeriod < params.fastPeriod;
    const fastPeriod = swap ? params.slowPeriod : params.fastPeriod;
    const slowPeriod = swap ? params.fastPeriod : params.slowPeriod;
    const fastType = swap ? params.slowMAType : params.fastMAType;
    const slowType = swap ? params.fastMAType : params.slowMAType;
    const fast = createMovingAverage(fastType, fastPeriod);
    const slow = createMovingAverage(slowType, slowPeriod);
    const signal = createMovingAverage(params.signalMAType, params.signalPeriod);
    const firstMacd = Math.max(fast.lookback, slow.lookback);
    const fastFrom = firstMacd - fast.lookback; // rows where each average's stream starts
    const slowFrom = firstMacd - slow.lookback;
    const firstOut = firstMacd + signal.lookback;
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
        const fFrom = chunkStart(fastFrom, r0, n);
        const sFrom = chunkStart(slowFrom, r0, n);
        const mFrom = chunkStart(firstMacd, r0, n);
        fast.run(series, f, fFrom, n);
        slow.run(series, s, sFrom, n);
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
