import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';

export const rsx = defineNode({
  kind: 'indicator.rsx',
  summary: 'Relative strength Xtra: a noise-reduced RSI from cascaded smoothing of price changes, 0 to 100 (pandas-ta rsx).',
  description:
    'The Jurik RSX as published on prorealcode.com and ported by pandas-ta (rsx): with f18 = 3 / (length + 2), ' +
    'three cascaded double-smoothing stages (each 1.5 * EMA - 0.5 * EMA of EMA, factors f18 and 1 - f18) of ' +
    'the change of 100 * close and of its absolute value; rsx = (smoothed change / smoothed absolute change ' +
    '+ 1) * 50, clipped to 0..100, and 50 until max(length - 1, 5) changes have been seen or while the ' +
    'smoothed absolute change is at most 1e-10. As in pandas-ta, the value on event length - 1 is 0 and ' +
    'the computation starts on event length (closes before it are not read). Warm-up: length - 1 events.',
  params: Type.Object(
    { length: Type.Integer({ minimum: 1, maximum: 100000, default: 14, description: 'Period of the smoothing.' }) },
    { additionalProperties: false },
  ),
  inputs: { series: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => p.length - 1,
  create: ({ length }) => {
    let row = 0;
    let v14 = 0, v20 = 0;
    let f0 = 0, f8 = 0, f10 = 0, f18 = 0, f20 = 0, f28 = 0, f30 = 0, f38 = 0;
    let f40 = 0, f48 = 0, f50 = 0, f58 = 0, f60 = 0, f68 = 0, f70 = 0, f78 = 0;
    let f80 = 0, f88 = 0, f90 = 0;
    return {
      step(n, _t, { series }, { value }) {
        for (let i = 0; i < n; i++, row++) {
          if (row < length - 1) {
            value[i] = NaN;
            continue;
          }
          if (row === length - 1) {
            value[i] = 0;
            continue;
          }
          const c = series[i];
          if (f90 === 0) {
            f90 = 1.0;
            f0 = 0.0;
            f88 = length - 1.0 >= 5 ? length - 1.0 : 5.0;
            f8 = 100.0 * c;
            f18 = 3.0 / (length + 2.0);
            f20 = 1.0 - f18;
          } else {
            f90 = f88 <= f90 ? f88 + 1 : f90 + 1;
            f10 = f8;
            f8 = 100 * c;
            const v8 = f8 - f10;
            f28 = f20 * f28 + f18 * v8;
            f30 = f18 * f28 + f20 * f30;
            const vC = 1.5 * f28 - 0.5 * f30;
            f38 = f20 * f38 + f18 * vC;
            f40 = f18 * f38 + f20 * f40;
            const v10 = 1.5 * f38 - 0.5 * f40;
            f48 = f20 * f48 + f18 * v10;
            f50 = f18 * f48 + f20 * f50;
            v14 = 1.5 * f48 - 0.5 * f50;
            f58 = f20 * f58 + f18 * Math.abs(v8);
            f60 = f18 * f58 + f20 * f60;
            const v18 = 1.5 * f58 - 0.5 * f60;
            f68 = f20 * f68 + f18 * v18;
            f70 = f18 * f68 + f20 * f70;
            const v1C = 1.5 * f68 - 0.5 * f70;
            f78 = f20 * f78 + f18 * v1C;
            f80 = f18 * f78 + f20 * f80;
            v20 = 1.5 * f78 - 0.5 * f80;
            if (f88 >= f90 && f8 !== f10) f0 = 1.0;
            if (f88 === f90 && f0 === 0.0) f90 = 0.0;
          }
          let v4: number;
          if (f88 < f90 && v20 > 0.0000000001) {
            v4 = (v14 / v20 + 1.0) * 50.0;
            if (v4 > 100.0) v4 = 100.0;
            if (v4 < 0.0) v4 = 0.0;
          } else {
            v4 = 50.0;
          }
          value[i] = v4;
        }
      },
    };
  },
});
