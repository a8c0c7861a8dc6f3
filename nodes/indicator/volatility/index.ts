import type { AnyNodeDefinition } from '../../../runtime/defineNode.js';
import { aberration } from './aberration.js';
import { atr } from './atr.js';
import { cvi } from './cvi.js';
import { donchian } from './donchian.js';
import { hwc } from './hwc.js';
import { kc } from './kc.js';
import { massi } from './massi.js';
import { natr } from './natr.js';
import { pdist } from './pdist.js';
import { rvi } from './rvi.js';
import { thermo } from './thermo.js';
import { trange } from './trange.js';
import { ui } from './ui.js';
import { volatility } from './volatility.js';

/** Volatility indicators: TA-Lib's, pandas-ta's channels and measures, Tulip's Chaikin and historical volatility. */
export const volatilityIndicators: AnyNodeDefinition[] = [atr, natr, trange, kc, donchian, ui, massi, aberration, rvi, thermo, pdist, hwc, cvi, volatility];
