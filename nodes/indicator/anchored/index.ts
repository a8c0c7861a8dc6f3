import type { AnyNodeDefinition } from '../../../runtime/defineNode.js';
import { opening_range } from './opening_range.js';
import { pivots } from './pivots.js';
import { volume_profile } from './volume_profile.js';

/** Indicators that restart every calendar period (day, week, month, session): pivots, volume profile, opening range. */
export const anchoredIndicators: AnyNodeDefinition[] = [pivots, volume_profile, opening_range];
