import type { AnyNodeDefinition } from '../../../runtime/defineNode.js';
import { bbands } from './bbands.js';
import { ema } from './ema.js';
import { sma } from './sma.js';

/** Overlap studies (moving averages, bands) and the momentum kinds built on moving-average types. */
export const overlapIndicators: AnyNodeDefinition[] = [sma, ema, bbands];
