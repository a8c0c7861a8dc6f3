import type { AnyNodeDefinition } from '../../../runtime/defineNode.js';
import { cdl2crows } from './cdl2crows.js';

/** Candlestick patterns (first half, with the shared candle settings). */
export const patternIndicators: AnyNodeDefinition[] = [cdl2crows];
