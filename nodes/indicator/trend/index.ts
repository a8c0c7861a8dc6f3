import type { AnyNodeDefinition } from '../../../runtime/defineNode.js';
import { amat } from './amat.js';
import { chop } from './chop.js';
import { cksp } from './cksp.js';
import { decay } from './decay.js';
import { decreasing } from './decreasing.js';
import { dpo } from './dpo.js';
import { increasing } from './increasing.js';
import { longRun } from './long_run.js';
import { psar } from './psar.js';
import { qstick } from './qstick.js';
import { shortRun } from './short_run.js';
import { tsignals } from './tsignals.js';
import { ttmTrend } from './ttm_trend.js';
import { vhf } from './vhf.js';
import { vortex } from './vortex.js';
import { xsignals } from './xsignals.js';

/** Trend indicators beyond TA-Lib's (pandas-ta's trend family): direction, strength, choppiness. */
export const trendIndicators: AnyNodeDefinition[] = [
  vortex,
  chop,
  vhf,
  qstick,
  dpo,
  decay,
  increasing,
  decreasing,
  longRun,
  shortRun,
  cksp,
  amat,
  ttmTrend,
  psar,
  tsignals,
  xsignals,
];
