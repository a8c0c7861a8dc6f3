import { volumeIndex } from './pvi.js';

export const nvi = volumeIndex(
  'indicator.nvi',
  'negative',
  'Negative volume index: changes by the fractional change of the series on the events whose volume fell (Fosback; pandas-ta nvi, as published).',
);
