import type { AnyNodeDefinition } from '../../../runtime/defineNode.js';
import { acos } from './acos.js';
import { add } from './add.js';
import { asin } from './asin.js';
import { atan } from './atan.js';
import { ceil } from './ceil.js';
import { cos } from './cos.js';
import { cosh } from './cosh.js';
import { div } from './div.js';
import { edecay } from './edecay.js';
import { exp } from './exp.js';
import { floor } from './floor.js';
import { lag } from './lag.js';
import { ln } from './ln.js';
import { log10 } from './log10.js';
import { max } from './max.js';
import { maxindex } from './maxindex.js';
import { min } from './min.js';
import { minindex } from './minindex.js';
import { minmax } from './minmax.js';
import { minmaxindex } from './minmaxindex.js';
import { mult } from './mult.js';
import { sin } from './sin.js';
import { sinh } from './sinh.js';
import { sqrt } from './sqrt.js';
import { sub } from './sub.js';
import { sum } from './sum.js';
import { tan } from './tan.js';
import { tanh } from './tanh.js';

/** Math operators and math transforms. */
export const mathIndicators: AnyNodeDefinition[] = [
  // Math operators
  add,
  div,
  max,
  maxindex,
  min,
  minindex,
  minmax,
  minmaxindex,
  mult,
  sub,
  sum,
  // Math transforms
  acos,
  asin,
  atan,
  ceil,
  cos,
  cosh,
  exp,
  floor,
  ln,
  log10,
  sin,
  sinh,
  sqrt,
  tan,
  tanh,
  // Tulip Indicators (beyond TA-Lib)
  edecay,
  lag,
];
