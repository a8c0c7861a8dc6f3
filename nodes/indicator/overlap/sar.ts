import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';

/** Bars per call of the main loop (see `step`). */
const BLOCK = 64;

const real = (def: number, description: string) => Type.Number({ minimum: 0, maximum: 3e37, default: def, description });

export const sar = defineNode({
  kind: 'indicator.sar',
  summary: "Wilder's parabolic stop and reverse (TA-Lib SAR).",
  description:
    'A trailing stop that accelerates toward the extreme point (ep) of the current trend: sar += af * ' +
    '(ep - sar), af starting at acceleration and growing by acceleration (up to maximum) each time a ' +
    'new extreme is made; the stop never enters the range of the current or previous bar, and when ' +
    'price crosses it the trend reverses, the stop jumps to the old extreme point and af resets. As ' +
    'in TA-Lib: the first trend is short if the second bar has a positive -DM (its low drop exceeds ' +
    'its high rise), else long; the first stop is the first bar\'s low (long) or high (short); if ' +
    'acceleration > maximum both are set to maximum. Values equal TA-Lib SAR to the last bit. No ' +
    'output for the first event. The output depends on where the stream starts.',
  params: Type.Object(
    {
      acceleration: real(0.02, 'Acceleration factor: the start value and the step of af.'),
      maximum: real(0.2, 'Largest acceleration factor.'),
    },
    { additionalProperties: false },
  ),
  inputs: { high: port.number(), low: port.number() },
  outputs: { value: port.number() },
  warmup: () => 1,
  create: (params) => {
    const maximum = params.maximum;
    // TA-Lib: "if( af > optInMaximum ) af = optInAcceleration = optInMaximum".
    const acceleration = params.acceleration > maximum ? maximum : params.acceleration;
    return new SarKernel(acceleration, maximum);
  },
});

/** The SAR loop as a class: V8 optimises a method once for every instance (closures can lose it). */
class SarKernel {
  private seen = 0; // events consumed, counted up to 2
  private isLong = 1;
  private readonly state: Float64Array;

  constructor(
    private readonly acceleration: number,
    private readonly maximum: number,
  ) {
    // af, ep, sar, high and low of the previous bar (a typed array: always loaded as doubles)
    this.state = Float64Array.of(acceleration, 0, 0, 0, 0);
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
    const state = this.state;
    let seen = this.seen;
    let long = this.isLong;
    let af_ = state[0];
    let ep_ = state[1];
    let s = state[2];
    let nh = state[3];
    let nl = state[4];
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
        // TA-Lib's "cheat": the previous bar of the first step is the bar itself.
        nh = h1;
        nl = l1;
        seen = 2;
      }
    }
    this.seen = seen;
    this.isLong = long;
    state[0] = af_;
    state[1] = ep_;
    state[2] = s;
    state[3] = nh;
    state[4] = nl;
    return i;
  }

  private block(high: Float64Array, low: Float64Array, value: Float64Array, from: number, to: number): void {
    // Fields in locals: the loop keeps them in registers.
    const acceleration_ = this.acceleration;
    const maximum_ = this.maximum;
    const state = this.state;
    let long = this.isLong;
    let af_ = state[0];
    let ep_ = state[1];
    let s = state[2];
    let nh = state[3];
    let nl = state[4];
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
          value[i] = s;
          af_ = acceleration_;
          ep_ = nl;
          s = s + af_ * (ep_ - s);
          if (s < prevHigh) s = prevHigh;
          if (s < nh) s = nh;
        } else {
          value[i] = s;
          if (nh > ep_) {
            ep_ = nh;
            af_ += acceleration_;
            if (af_ > maximum_) af_ = maximum_;
          }
          s = s + af_ * (ep_ - s);
          if (s > prevLow) s = prevLow;
          if (s > nl) s = nl;
        }
      } else if (nh >= s) {
        long = 1;
        s = ep_;
        if (s > prevLow) s = prevLow;
        if (s > nl) s = nl;
        value[i] = s;
        af_ = acceleration_;
        ep_ = nh;
        s = s + af_ * (ep_ - s);
        if (s > prevLow) s = prevLow;
        if (s > nl) s = nl;
      } else {
        value[i] = s;
        if (nl < ep_) {
          ep_ = nl;
          af_ += acceleration_;
          if (af_ > maximum_) af_ = maximum_;
        }
        s = s + af_ * (ep_ - s);
        if (s < prevHigh) s = prevHigh;
        if (s < nh) s = nh;
      }
    }
    this.isLong = long;
    state[0] = af_;
    state[1] = ep_;
    state[2] = s;
    state[3] = nh;
    state[4] = nl;
  }
}
