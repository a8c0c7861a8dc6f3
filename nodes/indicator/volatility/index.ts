import type { AnyNodeDefinition } from '../../../runtime/defineNode.js';
import { atr } from './atr.js';
import { cvi } from './cvi.js';
import { natr } from './natr.js';
import { trange } from './trange.js';
import { volatility } from './volatility.js';

/** Volatility indicators. */
export const volatilityIndicators: AnyNodeDefinition[] = [atr, natr, trange, cvi, volatility];
