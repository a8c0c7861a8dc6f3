import { Type } from '@sinclair/typebox';
import type { Kernel } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';

/**
 * Element-wise math transforms (TA-Lib's "Math Transform" group: ACOS ... TANH): out[i] = f(in[i])
 * with no warm-up and no state. TA-Lib applies the C library function to every input; JavaScript's
 * Math functions agree with it (to the last bit or within an ulp). Values outside a function's
 * domain come out as TA-Lib writes them: NaN (acos/asin beyond [-1, 1], ln/log10/sqrt of negatives)
 * or +-Infinity (exp, cosh, sinh of large inputs, ln 0) -- values, not "no output yet".
 *
 * One loop per function (the `switch` picks it once per chunk), so each loop calls a single Math
 * builtin that V8 can inline.
 *
 * Usage in a node file:
 *   export const sqrt = defineNode({ kind: 'indicator.sqrt', ...mathTransformPorts, warmup: () => 0,
 *     summary, description, create: () => mathTransformKernel('sqrt') });
 */
export type MathTransformOp =
  | 'acos' | 'asin' | 'atan' | 'ceil' | 'cos' | 'cosh' | 'exp' | 'floor'
  | 'ln' | 'log10' | 'sin' | 'sinh' | 'sqrt' | 'tan' | 'tanh';

/** Params (none), input `series` and output `value` shared by the transforms. */
export const mathTransformPorts = {
  params: Type.Object({}, { additionalProperties: false }),
  inputs: { series: port.number() },
  outputs: { value: port.number() },
};

export function mathTransformKernel(op: MathTransformOp): Kernel<{ series: Float64Array }, { value: Float64Array }> {
  return {
    step(n, _t, { series: x }, { value: y }) {
      switch (op) {
        case 'acos': for (let i = 0; i < n; i++) y[i] = Math.acos(x[i]); break;
        case 'asin': for (let i = 0; i < n; i++) y[i] = Math.asin(x[i]); break;
        case 'atan': for (let i = 0; i < n; i++) y[i] = Math.atan(x[i]); break;
        case 'ceil': for (let i = 0; i < n; i++) y[i] = Math.ceil(x[i]); break;
        case 'cos': for (let i = 0; i < n; i++) y[i] = Math.cos(x[i]); break;
        case 'cosh': for (let i = 0; i < n; i++) y[i] = Math.cosh(x[i]); break;
        case 'exp': for (let i = 0; i < n; i++) y[i] = Math.exp(x[i]); break;
        case 'floor': for (let i = 0; i < n; i++) y[i] = Math.floor(x[i]); break;
        case 'ln': for (let i = 0; i < n; i++) y[i] = Math.log(x[i]); break;
        case 'log10': for (let i = 0; i < n; i++) y[i] = Math.log10(x[i]); break;
        case 'sin': for (let i = 0; i < n; i++) y[i] = Math.sin(x[i]); break;
        case 'sinh': for (let i = 0; i < n; i++) y[i] = Math.sinh(x[i]); break;
        case 'sqrt': for (let i = 0; i < n; i++) y[i] = Math.sqrt(x[i]); break;
        case 'tan': for (let i = 0; i < n; i++) y[i] = Math.tan(x[i]); break;
        case 'tanh': for (let i = 0; i < n; i++) y[i] = Math.tanh(x[i]); break;
      }
    },
  };
}
