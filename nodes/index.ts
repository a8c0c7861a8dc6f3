import type { AnyNodeDefinition } from '../runtime/defineNode.js';
import { bars } from './aggregate/bars.js';
import { resample } from './aggregate/resample.js';
import { vector } from './features/vector.js';
import { window } from './features/window.js';
import { onnx } from './model/onnx.js';
import { ensemble } from './model/ensemble.js';
import { logistic as stackerLogistic } from './stacker/logistic.js';
import { anchoredIndicators } from './indicator/anchored/index.js';
import { cycleIndicators } from './indicator/cycle/index.js';
import { mathIndicators } from './indicator/math/index.js';
import { momentumIndicators } from './indicator/momentum/index.js';
import { overlapIndicators } from './indicator/overlap/index.js';
import { patternIndicators } from './indicator/pattern/index.js';
import { priceIndicators } from './indicator/price/index.js';
import { statisticIndicators } from './indicator/statistic/index.js';
import { trendIndicators } from './indicator/trend/index.js';
import { volatilityIndicators } from './indicator/volatility/index.js';
import { volumeIndicators } from './indicator/volume/index.js';
import { cvd } from './orderflow/cvd.js';
import { vpin } from './orderflow/vpin.js';
import { iceberg } from './orderbook/iceberg.js';
import { levels } from './orderbook/levels.js';
import { imbalance } from './orderbook/imbalance.js';
import { walls } from './orderbook/walls.js';
import { aggregate } from './sentiment/aggregate.js';
import { classify } from './sentiment/classify.js';
import { combine } from './signal/combine.js';
import { compare } from './signal/compare.js';
import { crossover } from './signal/crossover.js';
import { fromPrediction } from './signal/fromPrediction.js';
import { threshold } from './signal/threshold.js';
import { broker } from './sink/broker.js';
import { portfolio } from './sink/portfolio.js';
import { record } from './sink/record.js';
import { fixedFraction } from './sizer/fixedFraction.js';
import { confidence } from './sizer/confidence.js';
import { pair } from './statarb/pair.js';
import { limits } from './risk/limits.js';
import { kelly } from './sizer/kelly.js';
import { volTarget } from './sizer/volTarget.js';
import { hybrid } from './sizer/hybrid.js';
import { candles } from './source/candles.js';
import { series } from './source/series.js';
import { book } from './source/book.js';
import { trades } from './source/trades.js';
import { text } from './source/text.js';

/** Every node kind hean knows, listed explicitly (no directory scanning, no plugins by accident). */
export const allNodes: readonly AnyNodeDefinition[] = [
  candles,
  series,
  book,
  trades,
  text,
  bars,
  resample,
  cvd,
  vpin,
  imbalance,
  walls,
  iceberg,
  levels,
  ...overlapIndicators,
  ...momentumIndicators,
  ...volatilityIndicators,
  ...volumeIndicators,
  ...statisticIndicators,
  ...trendIndicators,
  ...anchoredIndicators,
  ...priceIndicators,
  ...mathIndicators,
  ...cycleIndicators,
  ...patternIndicators,
  vector,
  window,
  onnx,
  ensemble,
  stackerLogistic,
  classify,
  aggregate,
  crossover,
  threshold,
  compare,
  combine,
  fromPrediction,
  fixedFraction,
  confidence,
  pair,
  limits,
  kelly,
  volTarget,
  hybrid,
  broker,
  portfolio,
  record,
];
