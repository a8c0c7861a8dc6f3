import type { AnyNodeDefinition } from '../../../runtime/defineNode.js';

/** Statistic functions, price transforms and math operators/transforms. */
export const statisticIndicators: AnyNodeDefinition[] = [];
