import type { AnyNodeDefinition } from '../../../runtime/defineNode.js';
import { beta } from './beta.js';
import { correl } from './correl.js';
import { drawdown } from './drawdown.js';
import { entropy } from './entropy.js';
import { kurtosis } from './kurtosis.js';
import { linearreg } from './linearreg.js';
import { logReturn } from './log_return.js';
import { linearregAngle } from './linearreg_angle.js';
import { linearregIntercept } from './linearreg_intercept.js';
import { linearregSlope } from './linearreg_slope.js';
import { median } from './median.js';
import { percentReturn } from './percent_return.js';
import { quantile } from './quantile.js';
import { skew } from './skew.js';
import { stddev } from './stddev.js';
import { stderr } from './stderr.js';
import { stdev } from './stdev.js';
import { tosStdevall } from './tos_stdevall.js';
import { tsf } from './tsf.js';
import { var as variance } from './var.js';
import { varianceKind } from './variance.js';
import { zscore } from './zscore.js';

/** Statistic functions (TA-Lib's, then pandas-ta's rolling statistics and performance measures TA-Lib lacks, Tulip's standard error). */
export const statisticIndicators: AnyNodeDefinition[] = [
  beta,
  correl,
  linearreg,
  linearregAngle,
  linearregIntercept,
  linearregSlope,
  stddev,
  tsf,
  variance,
  zscore,
  skew,
  kurtosis,
  median,
  quantile,
  entropy,
  stdev,
  varianceKind,
  tosStdevall,
  logReturn,
  percentReturn,
  drawdown,
  stderr,
];
