import { Type } from '@sinclair/typebox';
import type { Kernel } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';

/** MOM and the ROC family compare each value with the one timePeriod events earlier. */
export type Change = 'mom' | 'roc' | 'rocp' | 'rocr' | 'rocr100';

/** Params, ports and warm-up shared by the five kinds. */
export const changeDeclaration = {
  params: Type.Object(
    { timePeriod: Type.Integer({ minimum: 1, maximum: 100000, default: 10, description: 'Distance in events to the earlier value.' }) },
    { additionalProperties: false },
  ),
  inputs: { series: port.number() },
  outputs: { value: port.number() },
  warmup: (p: { timePeriod: number }) => p.timePeriod,
};

const FORMULAS: Record<Change, (x: number, prev: number) => number> = {
  mom: (x, prev) => x - prev,
  roc: (x, prev) => (prev !== 0.0 ? (x / prev - 1.0) * 100.0 : 0.0),
  rocp: (x, prev) => (prev !== 0.0 ? (x - prev) / prev : 0.0),
  rocr: (x, prev) => (prev !== 0.0 ? x / prev : 0.0),
  rocr100: (x, prev) => (prev !== 0.0 ? (x / prev) * 100.0 : 0.0),
};

/**
 * The streaming kernel: a ring of the last timePeriod inputs and the formula as TA-Lib writes it
 * (values match to the last bit; the ratios give 0 when the earlier value is 0). The formula is a
 * small function that V8 inlines into the loop.
 */
export function changeKernel(change: Change, timePeriod: number): Kernel<{ series: Float64Array }, { value: Float64Array }> {
  const formula = FORMULAS[change];
  const p = timePeriod;
  const window = new Float64Array(p);
  let pos = 0; // slot of the value timePeriod events ago, overwritten by today's
  let seen = 0;
  return {
    step(n, _t, { series }, { value }) {
      let slot = pos;
      let i = 0;
      for (; i < n && seen < p; i++) {
        window[slot] = series[i];
        slot = slot + 1 === p ? 0 : slot + 1;
        seen++;
        value[i] = NaN;
      }
      // Rotate the ring, then the formula: kept branch-free on `change` inside the loop.
      for (; i < n; i++) {
        const x = series[i];
        const prev = window[slot];
        window[slot] = x;
        slot = slot + 1 === p ? 0 : slot + 1;
        value[i] = formula(x, prev);
      }
      pos = slot;
    },
  };
}
