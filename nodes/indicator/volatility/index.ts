import type { AnyNodeDefinition } from '../../../runtime/defineNode.js';
import { atr } from './atr.js';
import { natr } from './natr.js';
import { trange } from './trange.js';

/** Volatility indicators. */
export const volatilityIndicators: AnyNodeDefinition[] = [atr, natr, trange];
