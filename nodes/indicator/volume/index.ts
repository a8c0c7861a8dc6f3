import type { AnyNodeDefinition } from '../../../runtime/defineNode.js';
import { ad } from './ad.js';
import { adosc } from './adosc.js';
import { emv } from './emv.js';
import { marketfi } from './marketfi.js';
import { obv } from './obv.js';
import { vosc } from './vosc.js';
import { wad } from './wad.js';

/** Volume indicators. */
export const volumeIndicators: AnyNodeDefinition[] = [ad, adosc, obv, emv, marketfi, vosc, wad];
