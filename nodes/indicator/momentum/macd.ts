import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';

const period = (def: number, min: number, description: string) =>
  Type.Integer({ minimum: min, maximum: 100000, default: def, description });

export const macd = defineNode({
  kind: 'indicator.macd',
  summary: 'Moving average convergence/divergence: fast EMA minus slow EMA, its signal line and histogram (TA-Lib MACD).',
  description:
    'macd = EMA(fastPeriod) - EMA(slowPeriod), macdSignal = EMA(signalPeriod) of macd, macdHist = ' +
    'macd - macdSignal. Each EMA uses k = 2 / (period + 1) and (x - prev) * k + prev, seeded with a ' +
    'simple average, as TA-Lib does (default compatibility). TA-Lib quirks reproduced: if slowPeriod < ' +
    'fastPeriod the two are swapped; both price EMAs give their first value on the same event, ' +
    'slowPeriod - 1, so the fast EMA is seeded with the average of the fastPeriod values ending there ' +
    '(not the first fastPeriod values); the signal EMA is seeded with the average of the first ' +
    'signalPeriod macd values. All three outputs start together after slowPeriod + signalPeriod - 2 ' +
    'events (periods after the swap); before that all three are NaN. EMAs never forget their seed: ' +
    'values depend on where the stream starts.',
  params: Type.Object(
    {
      fastPeriod: period(12, 2, 'Period of the fast EMA.'),
      slowPeriod: period(26, 2, 'Period of the slow EMA (swapped with fastPeriod if smaller, as in TA-Lib).'),
      signalPeriod: period(9, 1, 'Period of the signal EMA of the macd line.'),
    },
    { additionalProperties: false },
  ),
  inputs: { series: port.number() },
  outputs: { macd: port.number(), macdSignal: port.number(), macdHist: port.number() },
  defaultOutput: 'macd',
  warmup: (p) => Math.max(p.fastPeriod, p.slowPeriod) - 1 + p.signalPeriod - 1,
  create: (params) => {
    // TA-Lib: "make sure slow is really slower than the fast period! if not, swap".
    const fast = Math.min(params.fastPeriod, params.slowPeriod);
    const slow = Math.max(params.fastPeriod, params.slowPeriod);
    const signal = params.signalPeriod;
    const fastK = 2.0 / (fast + 1);
    const slowK = 2.0 / (slow + 1);
    const signalK = 2.0 / (signal + 1);
    const fastFrom = slow - fast; // first input of the fast EMA's seeding window
    const firstMacd = slow - 1; // event of the first macd value (both EMAs seeded)
    const firstOut = slow - 1 + signal - 1; // event of the first output (signal seeded)
    let seen = 0; // inputs consumed, counted up to firstOut + 1
    let slowSum = 0.0;
    let fastSum = 0.0;
    let signalSum = 0.0;
    let prevFast = 0.0;
    let prevSlow = 0.0;
    let prevSignal = 0.0;
    return {
      step(n, _t, { series }, out) {
        // Numeric state in locals for the loop (closure doubles are boxed in V8).
        let seen_ = seen;
        let slowSum_ = slowSum;
        let fastSum_ = fastSum;
        let signalSum_ = signalSum;
        let prevFast_ = prevFast;
        let prevSlow_ = prevSlow;
        let prevSignal_ = prevSignal;
        const outMacd = out.macd;
        const outSignal = out.macdSignal;
        const outHist = out.macdHist;
        for (let i = 0; i < n; i++) {
          const x = series[i];
          if (seen_ > firstOut) {
            prevFast_ = (x - prevFast_) * fastK + prevFast_;
            prevSlow_ = (x - prevSlow_) * slowK + prevSlow_;
            const m = prevFast_ - prevSlow_;
            prevSignal_ = (m - prevSignal_) * signalK + prevSignal_;
            outMacd[i] = m;
            outSignal[i] = prevSignal_;
            outHist[i] = m - prevSignal_;
            continue;
          }
          // Warm-up: seed the price EMAs, then the signal EMA.
          let m = NaN;
          if (seen_ < firstMacd) {
            slowSum_ += x;
            if (seen_ >= fastFrom) fastSum_ += x;
          } else if (seen_ === firstMacd) {
            slowSum_ += x;
            fastSum_ += x;
            prevSlow_ = slowSum_ / slow;
            prevFast_ = fastSum_ / fast;
            m = prevFast_ - prevSlow_;
          } else {
            prevFast_ = (x - prevFast_) * fastK + prevFast_;
            prevSlow_ = (x - prevSlow_) * slowK + prevSlow_;
            m = prevFast_ - prevSlow_;
          }
          if (seen_ >= firstMacd) signalSum_ += m;
          if (seen_ === firstOut) {
            prevSignal_ = signalSum_ / signal;
            outMacd[i] = m;
            outSignal[i] = prevSignal_;
            outHist[i] = m - prevSignal_;
          } else {
            outMacd[i] = NaN;
            outSignal[i] = NaN;
            outHist[i] = NaN;
          }
          seen_++;
        }
        seen = seen_;
        slowSum = slowSum_;
        fastSum = fastSum_;
        signalSum = signalSum_;
        prevFast = prevFast_;
        prevSlow = prevSlow_;
        prevSignal = prevSignal_;
      },
    };
  },
});
