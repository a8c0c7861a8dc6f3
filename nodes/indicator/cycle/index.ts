import type { AnyNodeDefinition } from '../../../runtime/defineNode.js';
import { ebsw } from './ebsw.js';
import { htDcperiod } from './ht_dcperiod.js';
import { htDcphase } from './ht_dcphase.js';
import { htPhasor } from './ht_phasor.js';
import { htSine } from './ht_sine.js';
import { htTrendline } from './ht_trendline.js';
import { htTrendmode } from './ht_trendmode.js';
import { msw } from './msw.js';

/** Hilbert-transform cycle indicators (and HT_TRENDLINE, which shares their machinery); Ehlers' Even Better Sinewave (pandas-ta); the MESA sine wave (Tulip). */
export const cycleIndicators: AnyNodeDefinition[] = [htDcperiod, htDcphase, htPhasor, htSine, htTrendmode, htTrendline, ebsw, msw];
