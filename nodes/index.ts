import type { AnyNodeDefinition } from '../runtime/defineNode.js';
import { sma } from './indicator/sma.js';

/** Every node kind hean knows, listed explicitly (no directory scanning, no plugins by accident). */
export const allNodes: readonly AnyNodeDefinition[] = [
  sma,
];
