import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';

export const obv = defineNode({
  kind: 'indicator.obv',
  summary: 'On-balance volume: running sum of volume signed by the direction of the series (TA-Lib OBV).',
  description:
    'Starts at the first event\'s volume (TA-Lib\'s convention, not 0); then adds the volume when the ' +
    'series rose from the previous event, subtracts it when it fell and keeps the total when it is ' +
    'unchanged, so values equal TA-Lib OBV to the last bit. The series is usually the close. No ' +
    'warm-up. A cumulative sum: values depend on where the stream starts.',
  params: Type.Object({}, { additionalProperties: false }),
  inputs: { series: port.number(), volume: port.number() },
  outputs: { value: port.number() },
  warmup: () => 0,
  create: () => {
    let seen = false;
    let prevReal = 0.0;
    let prevOBV = 0.0;
    return {
      step(n, _t, { series, volume }, { value }) {
        let i = 0;
        if (n > 0 && !seen) {
          prevOBV = volume[0];
          prevReal = series[0];
          seen = true;
          value[0] = prevOBV;
          i = 1;
        }
        let total = prevOBV; // locals in the loop (closure doubles are boxed on every store)
        let prev = prevReal;
        for (; i < n; i++) {
          const x = series[i];
          if (x > prev) total += volume[i];
          else if (x < prev) total -= volume[i];
          prev = x;
          value[i] = total;
        }
        prevOBV = total;
        prevReal = prev;
      },
    };
  },
});
