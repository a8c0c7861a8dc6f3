import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';

const period = (def: number, description: string) => Type.Integer({ minimum: 1, maximum: 100000, default: def, description });

export const vosc = defineNode({
  kind: 'indicator.vosc',
  summary: 'Volume oscillator: the percent difference of a short and a long simple average of volume (Tulip vosc).',
  description:
    'VOSC = 100 * (SMA(volume, shortPeriod) - SMA(volume, longPeriod)) / SMA(volume, longPeriod), from ' +
    'running sums updated as Tulip Indicators vosc does (add the newest, subtract the one leaving). ' +
    'shortPeriod must not exceed longPeriod. No output for the first longPeriod - 1 events. Tulip has ' +
    'no defaults: 5 and 10 are the common ones. (pandas-ta pvo differs: EMAs, with a signal line.)',
  params: Type.Object(
    {
      shortPeriod: period(5, 'Number of volumes in the short average.'),
      longPeriod: period(10, 'Number of volumes in the long average.'),
    },
    { additionalProperties: false },
  ),
  inputs: { volume: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => p.longPeriod - 1,
  check: (p) =>
    p.shortPeriod > p.longPeriod ? [{ path: ['shortPeriod'], message: `shortPeriod (${p.shortPeriod}) must not exceed longPeriod (${p.longPeriod})` }] : [],
  create: ({ shortPeriod, longPeriod }) => {
    if (shortPeriod > longPeriod) throw new Error(`indicator.vosc: shortPeriod (${shortPeriod}) must not exceed longPeriod (${longPeriod})`);
    const shortDiv = 1.0 / shortPeriod;
    const longDiv = 1.0 / longPeriod;
    const ring = new Float64Array(longPeriod); // the last longPeriod volumes; ring[pos] the one longPeriod ago
    let pos = 0;
    let seen = 0; // events consumed, counted up to longPeriod
    let shortTotal = 0.0;
    let longTotal = 0.0;
    return {
      step(n, _t, { volume }, { value }) {
        let p = pos;
        let shortSum = shortTotal;
        let longSum = longTotal;
        for (let i = 0; i < n; i++) {
          const v = volume[i];
          if (seen < longPeriod) {
            if (seen >= longPeriod - shortPeriod) shortSum += v;
            longSum += v;
            seen++;
          } else {
            const q = p + longPeriod - shortPeriod;
            shortSum += v;
            shortSum -= ring[q >= longPeriod ? q - longPeriod : q];
            longSum += v;
            longSum -= ring[p];
          }
          ring[p] = v;
          p = p + 1 === longPeriod ? 0 : p + 1;
          if (seen < longPeriod) {
            value[i] = NaN;
            continue;
          }
          const savg = shortSum * shortDiv;
          const lavg = longSum * longDiv;
          value[i] = (100.0 * (savg - lavg)) / lavg;
        }
        pos = p;
        shortTotal = shortSum;
        longTotal = longSum;
      },
    };
  },
});
