import type { AnyNodeDefinition } from '../../../runtime/defineNode.js';

/** Candlestick patterns (first half, with the shared candle settings). */
export const patternIndicators: AnyNodeDefinition[] = [];
