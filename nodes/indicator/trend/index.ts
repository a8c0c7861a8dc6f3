import type { AnyNodeDefinition } from '../../../runtime/defineNode.js';

/** Trend indicators beyond TA-Lib's (pandas-ta's trend family): direction, strength, choppiness. */
export const trendIndicators: AnyNodeDefinition[] = [];
