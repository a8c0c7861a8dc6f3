import type { AnyNodeDefinition } from '../../../runtime/defineNode.js';
import { acos } from '../math/acos.js';
import { add } from '../math/add.js';
import { asin } from '../math/asin.js';
import { atan } from '../math/atan.js';
import { ceil } from '../math/ceil.js';
import { cos } from '../math/cos.js';
import { cosh } from '../math/cosh.js';
import { div } from '../math/div.js';
import { exp } from '../math/exp.js';
import { floor } from '../math/floor.js';
import { ln } from '../math/ln.js';
import { log10 } from '../math/log10.js';
import { max } from '../math/max.js';
import { maxindex } from '../math/maxindex.js';
import { min } from '../math/min.js';
import { minindex } from '../math/minindex.js';
import { minmax } from '../math/minmax.js';
import { minmaxindex } from '../math/minmaxindex.js';
import { mult } from '../math/mult.js';
import { sin } from '../math/sin.js';
import { sinh } from '../math/sinh.js';
import { sqrt } from '../math/sqrt.js';
import { sub } from '../math/sub.js';
import { sum } from '../math/sum.js';
import { tan } from '../math/tan.js';
import { tanh } from '../math/tanh.js';
import { avgdev } from '../price/avgdev.js';
import { avgprice } from '../price/avgprice.js';
import { medprice } from '../price/medprice.js';
import { typprice } from '../price/typprice.js';
import { wclprice } from '../price/wclprice.js';
import { beta } from './beta.js';
import { correl } from './correl.js';
import { linearreg } from './linearreg.js';
import { linearregAngle } from './linearreg_angle.js';
import { linearregIntercept } from './linearreg_intercept.js';
import { linearregSlope } from './linearreg_slope.js';
import { stddev } from './stddev.js';
import { tsf } from './tsf.js';
import { var as variance } from './var.js';

/** Statistic functions, price transforms and math operators/transforms. */
export const statisticIndicators: AnyNodeDefinition[] = [
  // Statistic functions
  beta, correl, linearreg, linearregAngle, linearregIntercept, linearregSlope, stddev, tsf, variance,
  // Price transforms
  avgprice, avgdev, medprice, typprice, wclprice,
  // Math operators
  add, div, max, maxindex, min, minindex, minmax, minmaxindex, mult, sub, sum,
  // Math transforms
  acos, asin, atan, ceil, cos, cosh, exp, floor, ln, log10, sin, sinh, sqrt, tan, tanh,
];
