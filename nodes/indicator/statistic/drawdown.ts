import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';

export const drawdown = defineNode({
  kind: 'indicator.drawdown',
  summary: 'Drawdown from the running maximum: absolute, as a fraction, and in log terms (pandas-ta drawdown).',
  description:
    'With peak = the highest value received so far (NaN inputs skipped, as pandas cummax): ' +
    'drawdown = peak - x, percent = 1 - x / peak (a fraction), log = ln(peak) - ln(x) (pandas-ta ' +
    'drawdown, columns DD, DD_PCT, DD_LOG). Output from the first event.',
  params: Type.Object({}, { additionalProperties: false }),
  inputs: { series: port.number() },
  outputs: {
    drawdown: port.number({ description: 'peak - x.' }),
    percent: port.number({ description: '1 - x / peak.' }),
    log: port.number({ description: 'ln(peak) - ln(x).' }),
  },
  warmup: () => 0,
  create: () => {
    let peak = NaN;
    return {
      step(n, _t, { series }, { drawdown, percent, log }) {
        for (let i = 0; i < n; i++) {
          const x = series[i];
          if (x > peak || Number.isNaN(peak)) peak = x;
          drawdown[i] = peak - x;
          percent[i] = 1 - x / peak;
          log[i] = Math.log(peak) - Math.log(x);
        }
      },
    };
  },
});
