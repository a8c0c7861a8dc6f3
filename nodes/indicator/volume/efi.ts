import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { createPandasTaMa, PANDAS_MA_TEXT, ptaMaModeParam } from '../kernels/pandasTa.js';

export const efi = defineNode({
  kind: 'indicator.efi',
  summary: "Elder's force index: an average of the change of the series times the volume (pandas-ta efi).",
  description:
    'EFI = MA((series - previous series) * volume, length) (Alexander Elder, 1993; pandas-ta efi with ' +
    'drift 1). MA is maMode: ' +
    PANDAS_MA_TEXT +
    '. The first event has no change, so the EMA is seeded with the mean of the length - 1 changes among ' +
    'the first length events, as pandas-ta does. Warm-up: length - 1 events with ema (at least 1), ' +
    'length otherwise.',
  params: Type.Object(
    {
      length: Type.Integer({ minimum: 1, maximum: 100000, default: 13, description: 'Period of the average.' }),
      maMode: ptaMaModeParam(['ema', 'sma', 'rma', 'wma'], 'ema', 'Moving average of the force.'),
    },
    { additionalProperties: false },
  ),
  inputs: { series: port.number(), volume: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => (p.maMode === 'ema' ? Math.max(p.length - 1, 1) : p.length),
  create: ({ length, maMode }) => {
    const average = createPandasTaMa(maMode, length, { sma: 'rescan' });
    let prev = NaN;
    return {
      step(n, _t, { series, volume }, { value }) {
        for (let i = 0; i < n; i++) {
          const x = series[i];
          value[i] = average.next((x - prev) * volume[i]);
          prev = x;
        }
      },
    };
  },
});
