import type { AnyNodeDefinition } from '../../../runtime/defineNode.js';
import { ad } from './ad.js';
import { adosc } from './adosc.js';
import { aobv } from './aobv.js';
import { cmf } from './cmf.js';
import { efi } from './efi.js';
import { emv } from './emv.js';
import { eom } from './eom.js';
import { kvo } from './kvo.js';
import { marketfi } from './marketfi.js';
import { nvi } from './nvi.js';
import { obv } from './obv.js';
import { pvi } from './pvi.js';
import { pvol } from './pvol.js';
import { pvr } from './pvr.js';
import { pvt } from './pvt.js';
import { vosc } from './vosc.js';
import { wad } from './wad.js';

/** Volume indicators: TA-Lib's, pandas-ta's, and Tulip's that neither has. */
export const volumeIndicators: AnyNodeDefinition[] = [ad, adosc, obv, cmf, efi, eom, pvt, nvi, pvi, kvo, aobv, pvol, pvr, emv, marketfi, vosc, wad];
