import type { AnyNodeDefinition } from '../../../runtime/defineNode.js';
import { ad } from './ad.js';
import { adosc } from './adosc.js';
import { obv } from './obv.js';

/** Volume indicators. */
export const volumeIndicators: AnyNodeDefinition[] = [ad, adosc, obv];
