import { volumeIndex } from './pvi.js';

export const nvi = volumeIndex(
  'indicator.nvi',
  'negative',
  'Negative volume index as pandas-ta computes it: initial plus the running sum of the percentage change of the series over the events whose volume fell (pandas-ta nvi).',
);
