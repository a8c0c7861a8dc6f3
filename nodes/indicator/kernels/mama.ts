import type { MovingAverage } from './maType.js';

/** TA-Lib MAMA with its limits; `run` writes MAMA, `runBoth` MAMA and FAMA. */
export function createMama(fastLimit: number, slowLimit: number): Mama {
  return new Mama(fastLimit, slowLimit);
}

const MAMA_A = 0.0962;
const MAMA_B = 0.5769;
const RAD2DEG = 180.0 / (4.0 * Math.atan(1));

/**
 * TA-Lib MAMA (Ehlers' MESA adaptive moving average): a 4-bar WMA price smoother, Hilbert
 * transforms on alternating odd / even bars (TA-Lib's two sets of 3-slot buffers), the phase
 * rate of change setting alpha between slowLimit and fastLimit; FAMA follows MAMA with alpha / 2.
 * Lookback 32 (12 bars to start, 20 more for the transforms to fill).
 */
export class Mama implements MovingAverage {
  readonly lookback = 32;
  private readonly one = new Float64Array(1);
  /** Hilbert state: per transform (detrender, Q1, jI, jQ) and parity, 3 slots + prev + prevInput. */
  private readonly h = new Float64Array(4 * 2 * 5);
  /** Scalar state, see `steady` for the names. */
  private readonly s = new Float64Array(24);
  private readonly last4 = new Float64Array(4); // ring of the last 4 inputs (price WMA)
  private seen = 0;
  private w4 = 0; // ring slot of the next input
  private hilbertIdx = 0;
  private even = true; // parity of the next Hilbert bar

  constructor(
    readonly fastLimit: number,
    readonly slowLimit: number,
  ) {}

  next(x: number): number {
    const one = this.one;
    one[0] = x;
    this.runBoth(one, one, one, 0, 1);
    return one[0];
  }

  run(input: Float64Array, output: Float64Array, from: number, to: number): void {
    // FAMA is written first, then MAMA over it: the same array receives MAMA.
    this.runBoth(input, output, output, from, to);
  }

  /** As `run`, also writing FAMA to `famaOut` (FAMA is written before MAMA: they may be the same array). */
  runBoth(input: Float64Array, mamaOut: Float64Array, famaOut: Float64Array, from: number, to: number): void {
    // The first 12 inputs only prime the price smoother; the steady loop is a separate function,
    // called on blocks of at most 64 inputs: its loop body is large, and a long first call would
    // get it optimised before its prologue has type feedback (then V8 keeps entering it through
    // on-stack replacement, boxing doubles). Blocks cost a few loads and stores per 64 inputs.
    let i = this.seen < 12 ? this.prime(input, mamaOut, famaOut, from, to) : from;
    while (i < to) {
      const end = to - i > 64 ? i + 64 : to;
      this.steady(input, mamaOut, famaOut, i, end);
      i = end;
    }
  }

  /** TA-Lib's WMA priming (inputs 0..11): returns the index of the first input not consumed. */
  private prime(input: Float64Array, mamaOut: Float64Array, famaOut: Float64Array, from: number, to: number): number {
    const S = this.s;
    const last4 = this.last4;
    let periodWMASum = S[0];
    let periodWMASub = S[1];
    let trailingWMAValue = S[2];
    let seen = this.seen;
    let w4 = this.w4;
    let i = from;
    for (; i < to && seen < 12; i++) {
      const x = input[i];
      last4[w4] = x;
      w4 = w4 + 1 === 4 ? 0 : w4 + 1;
      if (seen === 0) {
        periodWMASub = x;
        periodWMASum = x;
      } else if (seen < 3) {
        periodWMASub += x;
        periodWMASum += x * (seen + 1.0);
      } else {
        periodWMASub += x;
        periodWMASub -= trailingWMAValue;
        periodWMASum += x * 4.0;
        trailingWMAValue = last4[w4]; // the input 3 events before this one
        periodWMASum -= periodWMASub;
      }
      seen++;
      famaOut[i] = NaN;
      mamaOut[i] = NaN;
    }
    S[0] = periodWMASum;
    S[1] = periodWMASub;
    S[2] = trailingWMAValue;
    this.seen = seen;
    this.w4 = w4;
    return i;
  }

  /** Inputs 12 on: smoother, Hilbert transforms, MAMA and FAMA (NaN until input 32). */
  private steady(input: Float64Array, mamaOut: Float64Array, famaOut: Float64Array, from: number, to: number): void {
    const fastLimit = this.fastLimit;
    const slowLimit = this.slowLimit;
    const H = this.h;
    const S = this.s;
    const last4 = this.last4;
    let periodWMASum = S[0];
    let periodWMASub = S[1];
    let trailingWMAValue = S[2];
    let period = S[3];
    let prevI2 = S[4];
    let prevQ2 = S[5];
    let Re = S[6];
    let Im = S[7];
    let mama = S[8];
    let fama = S[9];
    let I1ForOddPrev2 = S[10];
    let I1ForOddPrev3 = S[11];
    let I1ForEvenPrev2 = S[12];
    let I1ForEvenPrev3 = S[13];
    let prevPhase = S[14];
    let detrender = S[15];
    let Q1 = S[16];
    let jI = S[17];
    let jQ = S[18];
    let seen = this.seen;
    let w4 = this.w4;
    let hilbertIdx = this.hilbertIdx;
    let even = this.even;
    for (let i = from; i < to; i++) {
      const todayValue = input[i];
      // Price smoother: TA-Lib's 4-bar WMA (periodWMASum * 0.1).
      last4[w4] = todayValue;
      w4 = w4 + 1 === 4 ? 0 : w4 + 1;
      periodWMASub += todayValue;
      periodWMASub -= trailingWMAValue;
      periodWMASum += todayValue * 4.0;
      // TA-Lib: trailingWMAValue = inReal[trailingWMAIdx++], the input 3 events before this one.
      trailingWMAValue = last4[w4];
      const smoothedValue = periodWMASum * 0.1;
      periodWMASum -= periodWMASub;
      const adjustedPrevPeriod = 0.075 * period + 0.54;
      const b = even ? 0 : 5; // parity block inside each transform's 10 slots
      // DO_HILBERT_TRANSFORM(varName, input): slots [3 ring | prev | prevInput] per parity.
      {
        let o = 0 + b;
        let ht = MAMA_A * smoothedValue;
        detrender = -H[o + hilbertIdx];
        H[o + hilbertIdx] = ht;
        detrender += ht;
        detrender -= H[o + 3];
        H[o + 3] = MAMA_B * H[o + 4];
        detrender += H[o + 3];
        H[o + 4] = smoothedValue;
        detrender *= adjustedPrevPeriod;

        o = 10 + b;
        ht = MAMA_A * detrender;
        Q1 = -H[o + hilbertIdx];
        H[o + hilbertIdx] = ht;
        Q1 += ht;
        Q1 -= H[o + 3];
        H[o + 3] = MAMA_B * H[o + 4];
        Q1 += H[o + 3];
        H[o + 4] = detrender;
        Q1 *= adjustedPrevPeriod;

        const jIInput = even ? I1ForEvenPrev3 : I1ForOddPrev3;
        o = 20 + b;
        ht = MAMA_A * jIInput;
        jI = -H[o + hilbertIdx];
        H[o + hilbertIdx] = ht;
        jI += ht;
        jI -= H[o + 3];
        H[o + 3] = MAMA_B * H[o + 4];
        jI += H[o + 3];
        H[o + 4] = jIInput;
        jI *= adjustedPrevPeriod;

        o = 30 + b;
        ht = MAMA_A * Q1;
        jQ = -H[o + hilbertIdx];
        H[o + hilbertIdx] = ht;
        jQ += ht;
        jQ -= H[o + 3];
        H[o + 3] = MAMA_B * H[o + 4];
        jQ += H[o + 3];
        H[o + 4] = Q1;
        jQ *= adjustedPrevPeriod;
      }
      // I1 is the detrender delayed 3 bars, kept per parity (TA-Lib's I1ForEvenPrev3 / I1ForOddPrev3).
      const I1 = even ? I1ForEvenPrev3 : I1ForOddPrev3;
      const Q2 = 0.2 * (Q1 + jI) + 0.8 * prevQ2;
      const I2 = 0.2 * (I1 - jQ) + 0.8 * prevI2;
      if (even) {
        if (++hilbertIdx === 3) hilbertIdx = 0;
        I1ForOddPrev3 = I1ForOddPrev2;
        I1ForOddPrev2 = detrender;
      } else {
        I1ForEvenPrev3 = I1ForEvenPrev2;
        I1ForEvenPrev2 = detrender;
      }
      let tempReal2 = I1 !== 0.0 ? Math.atan(Q1 / I1) * RAD2DEG : 0.0;
      even = !even;
      // Delta phase, then alpha.
      let tempReal = prevPhase - tempReal2;
      prevPhase = tempReal2;
      if (tempReal < 1.0) tempReal = 1.0;
      if (tempReal > 1.0) {
        tempReal = fastLimit / tempReal;
        if (tempReal < slowLimit) tempReal = slowLimit;
      } else {
        tempReal = fastLimit;
      }
      mama = tempReal * todayValue + (1 - tempReal) * mama;
      tempReal *= 0.5;
      fama = tempReal * mama + (1 - tempReal) * fama;
      if (seen >= 32) {
        famaOut[i] = fama;
        mamaOut[i] = mama;
      } else {
        seen++;
        famaOut[i] = NaN;
        mamaOut[i] = NaN;
      }
      // Period for the next bar.
      Re = 0.2 * (I2 * prevI2 + Q2 * prevQ2) + 0.8 * Re;
      Im = 0.2 * (I2 * prevQ2 - Q2 * prevI2) + 0.8 * Im;
      prevQ2 = Q2;
      prevI2 = I2;
      tempReal = period;
      if (Im !== 0.0 && Re !== 0.0) period = 360.0 / (Math.atan(Im / Re) * RAD2DEG);
      tempReal2 = 1.5 * tempReal;
      if (period > tempReal2) period = tempReal2;
      tempReal2 = 0.67 * tempReal;
      if (period < tempReal2) period = tempReal2;
      if (period < 6) period = 6;
      else if (period > 50) period = 50;
      period = 0.2 * period + 0.8 * tempReal;
    }
    S[0] = periodWMASum;
    S[1] = periodWMASub;
    S[2] = trailingWMAValue;
    S[3] = period;
    S[4] = prevI2;
    S[5] = prevQ2;
    S[6] = Re;
    S[7] = Im;
    S[8] = mama;
    S[9] = fama;
    S[10] = I1ForOddPrev2;
    S[11] = I1ForOddPrev3;
    S[12] = I1ForEvenPrev2;
    S[13] = I1ForEvenPrev3;
    S[14] = prevPhase;
    S[15] = detrender;
    S[16] = Q1;
    S[17] = jI;
    S[18] = jQ;
    this.seen = seen;
    this.w4 = w4;
    this.hilbertIdx = hilbertIdx;
    this.even = even;
  }
}
