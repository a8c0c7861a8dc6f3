import type { AnyNodeDefinition } from '../../../runtime/defineNode.js';
import { atr } from '../volatility/atr.js';
import { macd } from './macd.js';
import { rsi } from './rsi.js';

/** Momentum, volatility and volume indicators. */
export const momentumIndicators: AnyNodeDefinition[] = [rsi, macd, atr];
