import type { AnyNodeDefinition } from '../../../runtime/defineNode.js';
import { accbands } from './accbands.js';
import { alma } from './alma.js';
import { bbands } from './bbands.js';
import { dema } from './dema.js';
import { ema } from './ema.js';
import { fwma } from './fwma.js';
import { hilo } from './hilo.js';
import { hma } from './hma.js';
import { hwma } from './hwma.js';
import { ichimoku } from './ichimoku.js';
import { jma } from './jma.js';
import { kama } from './kama.js';
import { ma } from './ma.js';
import { mama } from './mama.js';
import { mavp } from './mavp.js';
import { mcgd } from './mcgd.js';
import { midpoint } from './midpoint.js';
import { midprice } from './midprice.js';
import { pwma } from './pwma.js';
import { rma } from './rma.js';
import { sar } from './sar.js';
import { sarext } from './sarext.js';
import { sinwma } from './sinwma.js';
import { sma } from './sma.js';
import { ssf } from './ssf.js';
import { supertrend } from './supertrend.js';
import { swma } from './swma.js';
import { t3 } from './t3.js';
import { tema } from './tema.js';
import { trima } from './trima.js';
import { vidya } from './vidya.js';
import { vwap } from './vwap.js';
import { vwma } from './vwma.js';
import { wma } from './wma.js';
import { zlma } from './zlma.js';

/** Overlap studies: moving averages, bands, mid-ranges, parabolic SAR. */
export const overlapIndicators: AnyNodeDefinition[] = [
  sma,
  ema,
  wma,
  dema,
  tema,
  trima,
  kama,
  mama,
  t3,
  ma,
  mavp,
  bbands,
  accbands,
  midpoint,
  midprice,
  sar,
  sarext,
  hma,
  vwma,
  rma,
  alma,
  zlma,
  swma,
  pwma,
  fwma,
  sinwma,
  hwma,
  supertrend,
  vwap,
  ichimoku,
  hilo,
  mcgd,
  ssf,
  vidya,
  jma,
];
