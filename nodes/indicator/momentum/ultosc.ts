import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';

/** TA-Lib 0.6 TA_EPSILON (ta_utility.h): TA_IS_ZERO(v) is -1e-14 < v < 1e-14. */
const TA_EPSILON = 0.00000000000001;

const period = (def: number, description: string) => Type.Integer({ minimum: 1, maximum: 100000, default: def, description });

export const ultosc = defineNode({
  kind: 'indicator.ultosc',
  summary: "Williams' ultimate oscillator: weighted buying pressure over three periods, 0 to 100 (TA-Lib ULTOSC).",
  description:
    'Per bar (from the second): buying pressure bp = close - min(low, previous close) and true range ' +
    'tr = max(high - low, |previous close - high|, |previous close - low|). With the three periods ' +
    'sorted shortest to longest (TA-Lib sorts them, whatever the order given): ULTOSC = 100 * (4 * ' +
    'sum(bp)/sum(tr) over the shortest + 2 * sum(bp)/sum(tr) over the middle + sum(bp)/sum(tr) over ' +
    'the longest) / 7, a ratio being left out when its sum(tr) is within 1e-14 of zero. The sums are ' +
    'running sums (newest added, oldest subtracted after the output) as in TA-Lib, so values equal ' +
    'TA-Lib ULTOSC to the last bit. No output for the first (longest period) events.',
  params: Type.Object(
    {
      timePeriod1: period(7, 'First period (TA-Lib sorts the three: the shortest gets weight 4).'),
      timePeriod2: period(14, 'Second period (the middle one gets weight 2).'),
      timePeriod3: period(28, 'Third period (the longest gets weight 1 and sets the warm-up).'),
    },
    { additionalProperties: false },
  ),
  inputs: { high: port.number(), low: port.number(), close: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => Math.max(p.timePeriod1, p.timePeriod2, p.timePeriod3),
  create: (params) => {
    const sorted = [params.timePeriod1, params.timePeriod2, params.timePeriod3].sort((a, b) => a - b);
    const p1 = sorted[0];
    const p2 = sorted[1];
    const p3 = sorted[2];
    const cap = p3; // ring of the terms of the last p3 bars
    const bpRing = new Float64Array(cap);
    const trRing = new Float64Array(cap);
    let pos = 0; // slot of today's terms
    // Slots of the terms leaving each sum after today's output: bar today - pK + 1.
    // Bar b's terms sit in slot (b - 1) mod p3; at the first output (bar p3) bar p3 - pK + 1 leaves.
    let trail1 = p3 - p1;
    let trail2 = p3 - p2;
    let trail3 = 0;
    let seen = 0; // events consumed, counted up to p3 + 1
    let prevClose = 0.0;
    let a1 = 0.0;
    let a2 = 0.0;
    let a3 = 0.0;
    let b1 = 0.0;
    let b2 = 0.0;
    let b3 = 0.0;
    return {
      step(n, _t, { high, low, close }, { value }) {
        for (let i = 0; i < n; i++) {
          const h = high[i];
          const l = low[i];
          const c = close[i];
          if (seen === 0) {
            prevClose = c;
            seen = 1;
            value[i] = NaN;
            continue;
          }
          // TA-Lib CALC_TERMS.
          const trueLow = l < prevClose ? l : prevClose;
          const bp = c - trueLow;
          let tr = h - l;
          let t = Math.abs(prevClose - h);
          if (t > tr) tr = t;
          t = Math.abs(prevClose - l);
          if (t > tr) tr = t;
          prevClose = c;
          bpRing[pos] = bp;
          trRing[pos] = tr;
          if (seen < p3) {
            // Priming: bar `seen` enters sum K when it is one of the first pK - 1 bars before bar p3.
            if (seen > p3 - p1) {
              a1 += bp;
              b1 += tr;
            }
            if (seen > p3 - p2) {
              a2 += bp;
              b2 += tr;
            }
            a3 += bp;
            b3 += tr;
            seen++;
            value[i] = NaN;
          } else {
            a1 += bp;
            a2 += bp;
            a3 += bp;
            b1 += tr;
            b2 += tr;
            b3 += tr;
            let output = 0.0;
            if (!(-TA_EPSILON < b1 && b1 < TA_EPSILON)) output += 4.0 * (a1 / b1);
            if (!(-TA_EPSILON < b2 && b2 < TA_EPSILON)) output += 2.0 * (a2 / b2);
            if (!(-TA_EPSILON < b3 && b3 < TA_EPSILON)) output += a3 / b3;
            a1 -= bpRing[trail1];
            b1 -= trRing[trail1];
            a2 -= bpRing[trail2];
            b2 -= trRing[trail2];
            a3 -= bpRing[trail3];
            b3 -= trRing[trail3];
            trail1 = trail1 + 1 === cap ? 0 : trail1 + 1;
            trail2 = trail2 + 1 === cap ? 0 : trail2 + 1;
            trail3 = trail3 + 1 === cap ? 0 : trail3 + 1;
            value[i] = 100.0 * (output / 7.0);
          }
          pos = pos + 1 === cap ? 0 : pos + 1;
        }
      },
    };
  },
});
