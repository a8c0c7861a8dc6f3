import type { AnyNodeDefinition } from '../../../runtime/defineNode.js';

/** Candlestick patterns (second half). */
export const morePatternIndicators: AnyNodeDefinition[] = [];
