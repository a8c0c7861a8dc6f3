import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';

/** Bars per call of the main loop (see `step`). */
const BLOCK = 64;

const real = (def: number, min: number, description: string) => Type.Number({ minimum: min, maximum: 3e37, default: def, description });

export const sarext = defineNode({
  kind: 'indicator.sarext',
  summary: 'Parabolic SAR with separate long/short acceleration, a start value and a reversal offset (TA-Lib SAREXT).',
  description:
    "Wilder's parabolic stop and reverse (see indicator.sar) with TA-Lib SAREXT's extensions: long and " +
    'short trends have their own initial acceleration, step and maximum; startValue 0 picks the first ' +
    'trend as SAR does (short if the second bar has a positive -DM), > 0 starts long with that stop, ' +
    '< 0 starts short with stop |startValue|; on a reversal the new stop is moved away from price by ' +
    'offsetOnReverse (a fraction of the stop). The output is the stop while long and minus the stop ' +
    'while short (the sign tells the trend). As in TA-Lib, an initial acceleration or step above its ' +
    'maximum is lowered to the maximum. Values equal TA-Lib SAREXT to the last bit. No output for ' +
    'the first event. The output depends on where the stream starts.',
  params: Type.Object(
    {
      startValue: Type.Number({ minimum: -3e37, maximum: 3e37, default: 0, description: '0: automatic first trend; > 0: start long with this stop; < 0: start short with stop |startValue|.' }),
      offsetOnReverse: real(0, 0, 'Fraction of the stop added (short) or subtracted (long) on a reversal.'),
      accelerationInitLong: real(0.02, 0, 'Acceleration factor at the start of a long trend.'),
      accelerationLong: real(0.02, 0, 'Step of the long acceleration factor at each new high.'),
      accelerationMaxLong: real(0.2, 0, 'Largest long acceleration factor.'),
      accelerationInitShort: real(0.02, 0, 'Acceleration factor at the start of a short trend.'),
      accelerationShort: real(0.02, 0, 'Step of the short acceleration factor at each new low.'),
      accelerationMaxShort: real(0.2, 0, 'Largest short acceleration factor.'),
    },
    { additionalProperties: false },
  ),
  inputs: { high: port.number(), low: port.number() },
  outputs: { value: port.number() },
  warmup: () => 1,
  create: (params) => {
    const startValue = params.startValue;
    const offset = params.offsetOnReverse;
    const maxLong = params.accelerationMaxLong;
    const maxShort = params.accelerationMaxShort;
    // TA-Lib lowers the initial factors and the steps to their maximum.
    const initLong = params.accelerationInitLong > maxLong ? maxLong : params.accelerationInitLong;
    const stepLong = params.accelerationLong > maxLong ? maxLong : params.accelerationLong;
    const initShort = params.accelerationInitShort > maxShort ? maxShort : params.accelerationInitShort;
    const stepShort = params.accelerationShort > maxShort ? maxShort : params.accelerationShort;
    return new SarExtKernel(startValue, offset, maxLong, maxShort, initLong, stepLong, initShort, stepShort);
  },
});

/** The SAREXT loop as a class: V8 optimises a method once for every instance (closures can lose it). */
class SarExtKernel {
  private seen = 0; // events consumed, counted up to 2
  private isLong = 1;
  private readonly state: Float64Array;

  constructor(
    private readonly startValue: number,
    private readonly offset: number,
    private readonly maxLong: number,
    private readonly maxShort: number,
    private readonly initLong: number,
    private readonly stepLong: number,
    private readonly initShort: number,
    private readonly stepShort: number,
  ) {
    // afLong, afShort, ep, sar, high and low of the previous bar (a typed array: always loaded as doubles)
    this.state = Float64Array.of(initLong, initShort, 0, 0, 0, 0);
  }

  step(n: number, _t: Float64Array, { high, low }: { high: Float64Array; low: Float64Array }, { value }: { value: Float64Array }): void {
    // The first two bars in their own method, the rest in blocks of at most BLOCK bars: V8 then
    // optimises `block` between calls (no on-stack replacement), which keeps it optimised when
    // more instances start later.
    let i = this.seen < 2 ? this.prime(high, low, value, n) : 0;
    while (i < n) {
      const end = n - i > BLOCK ? i + BLOCK : n;
      this.block(high, low, value, i, end);
      i = end;
    }
  }

  /** Bars 0 and 1: returns the index of the first bar for `block` (bar 1 is processed there too). */
  private prime(high: Float64Array, low: Float64Array, value: Float64Array, n: number): number {
    const startValue_ = this.startValue;
    const state = this.state;
    let seen = this.seen;
    let long = this.isLong;
    let afL = state[0];
    let afS = state[1];
    let ep_ = state[2];
    let s = state[3];
    let nh = state[4];
    let nl = state[5];
    let i = 0;
    if (seen < 2) {
      if (seen === 0 && i < n) {
        nh = high[0];
        nl = low[0];
        value[0] = NaN;
        seen = 1;
        i = 1;
      }
      if (seen === 1 && i < n) {
        // Second bar: the first trend and stop, from the first bar (nh, nl) and this one.
        const h1 = high[i];
        const l1 = low[i];
        if (startValue_ === 0) {
          const diffP = h1 - nh;
          const diffM = nl - l1;
          long = diffM > 0 && diffP < diffM ? 0 : 1;
          if (long === 1) {
            ep_ = h1;
            s = nl;
          } else {
            ep_ = l1;
            s = nh;
          }
        } else if (startValue_ > 0) {
          long = 1;
          ep_ = h1;
          s = startValue_;
        } else {
          long = 0;
          ep_ = l1;
          s = Math.abs(startValue_);
        }
        // TA-Lib's "cheat": the previous bar of the first step is the bar itself.
        nh = h1;
        nl = l1;
        seen = 2;
      }
    }
    this.seen = seen;
    this.isLong = long;
    state[0] = afL;
    state[1] = afS;
    state[2] = ep_;
    state[3] = s;
    state[4] = nh;
    state[5] = nl;
    return i;
  }

  private block(high: Float64Array, low: Float64Array, value: Float64Array, from: number, to: number): void {
    // Fields in locals: the loop keeps them in registers.
    const offset_ = this.offset;
    const maxLong_ = this.maxLong;
    const maxShort_ = this.maxShort;
    const initLong_ = this.initLong;
    const stepLong_ = this.stepLong;
    const initShort_ = this.initShort;
    const stepShort_ = this.stepShort;
    const state = this.state;
    let long = this.isLong;
    let afL = state[0];
    let afS = state[1];
    let ep_ = state[2];
    let s = state[3];
    let nh = state[4];
    let nl = state[5];
    for (let i = from; i < to; i++) {
      const prevHigh = nh;
      const prevLow = nl;
      nh = high[i];
      nl = low[i];
      if (long === 1) {
        if (nl <= s) {
          long = 0;
          s = ep_;
          if (s < prevHigh) s = prevHigh;
          if (s < nh) s = nh;
          if (offset_ !== 0.0) s += s * offset_;
          value[i] = -s;
          afS = initShort_;
          ep_ = nl;
          s = s + afS * (ep_ - s);
          if (s < prevHigh) s = prevHigh;
          if (s < nh) s = nh;
        } else {
          value[i] = s;
          if (nh > ep_) {
            ep_ = nh;
            afL += stepLong_;
            if (afL > maxLong_) afL = maxLong_;
          }
          s = s + afL * (ep_ - s);
          if (s > prevLow) s = prevLow;
          if (s > nl) s = nl;
        }
      } else if (nh >= s) {
        long = 1;
        s = ep_;
        if (s > prevLow) s = prevLow;
        if (s > nl) s = nl;
        if (offset_ !== 0.0) s -= s * offset_;
        value[i] = s;
        afL = initLong_;
        ep_ = nh;
        s = s + afL * (ep_ - s);
        if (s > prevLow) s = prevLow;
        if (s > nl) s = nl;
      } else {
        value[i] = -s;
        if (nl < ep_) {
          ep_ = nl;
          afS += stepShort_;
          if (afS > maxShort_) afS = maxShort_;
        }
        s = s + afS * (ep_ - s);
        if (s < prevHigh) s = prevHigh;
        if (s < nh) s = nh;
      }
    }
    this.isLong = long;
    state[0] = afL;
    state[1] = afS;
    state[2] = ep_;
    state[3] = s;
    state[4] = nh;
    state[5] = nl;
  }
}
