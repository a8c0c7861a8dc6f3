import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { TA_EPSILON } from '../kernels/taEpsilon.js';

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
    'TA-Lib ULTOSC to the last bit. No output for the first (longest period) events. With all three ' +
    'periods 1 TA-Lib reports a lookback of 0 and its first output reads the close before the first ' +
    'bar (out of bounds, a TA-Lib bug); hean starts at event 1 there and equals TA-Lib after.',
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
    let seen = 0; // events consumed, counted up to p3
    let prevClose = 0.0;
    let a1 = 0.0;
    let a2 = 0.0;
    let a3 = 0.0;
    let b1 = 0.0;
    let b2 = 0.0;
    let b3 = 0.0;
    return {
      step(n, _t, { high, low, close }, { value }) {
        // State in locals for the loop (closure doubles are boxed on every store), written back after.
        let pc = prevClose;
        let sa1 = a1;
        let sa2 = a2;
        let sa3 = a3;
        let sb1 = b1;
        let sb2 = b2;
        let sb3 = b3;
        let slot = pos;
        let t1 = trail1;
        let t2 = trail2;
        let t3 = trail3;
        for (let i = 0; i < n; i++) {
          const h = high[i];
          const l = low[i];
          const c = close[i];
          if (seen === 0) {
            pc = c;
            seen = 1;
            value[i] = NaN;
            continue;
          }
          // TA-Lib CALC_TERMS.
          const trueLow = l < pc ? l : pc;
          const bp = c - trueLow;
          let tr = h - l;
          let t = Math.abs(pc - h);
          if (t > tr) tr = t;
          t = Math.abs(pc - l);
          if (t > tr) tr = t;
          pc = c;
          bpRing[slot] = bp;
          trRing[slot] = tr;
          slot = slot + 1 === cap ? 0 : slot + 1;
          if (seen < p3) {
            // Priming: bar `seen` enters sum K if it is one of the pK - 1 bars before bar p3.
            if (seen > p3 - p1) {
              sa1 += bp;
              sb1 += tr;
            }
            if (seen > p3 - p2) {
              sa2 += bp;
              sb2 += tr;
            }
            sa3 += bp;
            sb3 += tr;
            seen++;
            value[i] = NaN;
            continue;
          }
          sa1 += bp;
          sa2 += bp;
          sa3 += bp;
          sb1 += tr;
          sb2 += tr;
          sb3 += tr;
          let output = 0.0;
          if (!(-TA_EPSILON < sb1 && sb1 < TA_EPSILON)) output += 4.0 * (sa1 / sb1);
          if (!(-TA_EPSILON < sb2 && sb2 < TA_EPSILON)) output += 2.0 * (sa2 / sb2);
          if (!(-TA_EPSILON < sb3 && sb3 < TA_EPSILON)) output += sa3 / sb3;
          sa1 -= bpRing[t1];
          sb1 -= trRing[t1];
          sa2 -= bpRing[t2];
          sb2 -= trRing[t2];
          sa3 -= bpRing[t3];
          sb3 -= trRing[t3];
          t1 = t1 + 1 === cap ? 0 : t1 + 1;
          t2 = t2 + 1 === cap ? 0 : t2 + 1;
          t3 = t3 + 1 === cap ? 0 : t3 + 1;
          value[i] = 100.0 * (output / 7.0);
        }
        prevClose = pc;
        a1 = sa1;
        a2 = sa2;
        a3 = sa3;
        b1 = sb1;
        b2 = sb2;
        b3 = sb3;
        pos = slot;
        trail1 = t1;
        trail2 = t2;
        trail3 = t3;
      },
    };
  },
});
