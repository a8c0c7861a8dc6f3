import type { AnyNodeDefinition } from '../../../runtime/defineNode.js';

/** Hilbert-transform cycle indicators. */
export const cycleIndicators: AnyNodeDefinition[] = [];
