import type { AnyNodeDefinition } from '../../../runtime/defineNode.js';
import { avgdev } from './avgdev.js';
import { avgprice } from './avgprice.js';
import { cdlZ } from './cdl_z.js';
import { ha } from './ha.js';
import { medprice } from './medprice.js';
import { typprice } from './typprice.js';
import { wclprice } from './wclprice.js';

/** Price transforms. */
export const priceIndicators: AnyNodeDefinition[] = [avgprice, avgdev, medprice, typprice, wclprice, ha, cdlZ];
