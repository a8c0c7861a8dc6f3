import type { AnyNodeDefinition } from '../../../runtime/defineNode.js';
import { beta } from './beta.js';
import { correl } from './correl.js';
import { linearreg } from './linearreg.js';
import { linearregAngle } from './linearreg_angle.js';
import { linearregIntercept } from './linearreg_intercept.js';
import { linearregSlope } from './linearreg_slope.js';
import { stddev } from './stddev.js';
import { stderr } from './stderr.js';
import { tsf } from './tsf.js';
import { var as variance } from './var.js';

/** Statistic functions. */
export const statisticIndicators: AnyNodeDefinition[] = [beta, correl, linearreg, linearregAngle, linearregIntercept, linearregSlope, stddev, tsf, variance, stderr];
