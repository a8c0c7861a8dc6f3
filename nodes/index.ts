import type { AnyNodeDefinition } from '../runtime/defineNode.js';
import { atr } from './indicator/atr.js';
import { bbands } from './indicator/bbands.js';
import { ema } from './indicator/ema.js';
import { macd } from './indicator/macd.js';
import { rsi } from './indicator/rsi.js';
import { sma } from './indicator/sma.js';
import { combine } from './signal/combine.js';
import { crossover } from './signal/crossover.js';
import { threshold } from './signal/threshold.js';
import { broker } from './sink/broker.js';
import { record } from './sink/record.js';
import { fixedFraction } from './sizer/fixedFraction.js';
import { candles } from './source/candles.js';

/** Every node kind hean knows, listed explicitly (no directory scanning, no plugins by accident). */
export const allNodes: readonly AnyNodeDefinition[] = [
  candles,
  sma,
  ema,
  rsi,
  macd,
  bbands,
  atr,
  crossover,
  threshold,
  combine,
  fixedFraction,
  broker,
  record,
];
