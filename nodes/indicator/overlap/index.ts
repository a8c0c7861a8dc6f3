import type { AnyNodeDefinition } from '../../../runtime/defineNode.js';
import { accbands } from './accbands.js';
import { bbands } from './bbands.js';
import { dema } from './dema.js';
import { ema } from './ema.js';
import { hma } from './hma.js';
import { kama } from './kama.js';
import { ma } from './ma.js';
import { mama } from './mama.js';
import { mavp } from './mavp.js';
import { midpoint } from './midpoint.js';
import { midprice } from './midprice.js';
import { sar } from './sar.js';
import { sarext } from './sarext.js';
import { sma } from './sma.js';
import { t3 } from './t3.js';
import { tema } from './tema.js';
import { trima } from './trima.js';
import { wma } from './wma.js';
import { vwma } from './vwma.js';
import { rma } from './rma.js';
import { alma } from './alma.js';
import { zlma } from './zlma.js';
import { swma } from './swma.js';
import { pwma } from './pwma.js';
import { fwma } from './fwma.js';
import { sinwma } from './sinwma.js';
import { hwma } from './hwma.js';

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
];
