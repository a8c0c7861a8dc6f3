import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';

export const trange = defineNode({
  kind: 'indicator.trange',
  summary: "Wilder's true range of each bar (TA-Lib TRANGE).",
  description:
    'The greatest of high - low, |previous close - high| and |previous close - low|, compared in that ' +
    'order as TA-Lib does, so values equal TA-Lib TRANGE to the last bit. No smoothing. No output for ' +
    'the first event (it has no previous close).',
  params: Type.Object({}, { additionalProperties: false }),
  inputs: { high: port.number(), low: port.number(), close: port.number() },
  outputs: { value: port.number() },
  warmup: () => 1,
  create: () => {
    let seen = false;
    let prevClose = 0.0;
    return {
      step(n, _t, { high, low, close }, { value }) {
        let i = 0;
        if (n > 0 && !seen) {
          prevClose = close[0];
          seen = true;
          value[0] = NaN;
          i = 1;
        }
        let pc = prevClose; // a local in the loop (closure doubles are boxed on every store)
        for (; i < n; i++) {
          const h = high[i];
          const l = low[i];
          // Comparisons (not Math.max), so a NaN distance is skipped as in C.
          let greatest = h - l;
          const val2 = Math.abs(pc - h);
          if (val2 > greatest) greatest = val2;
          const val3 = Math.abs(pc - l);
          if (val3 > greatest) greatest = val3;
          pc = close[i];
          value[i] = greatest;
        }
        prevClose = pc;
      },
    };
  },
});
