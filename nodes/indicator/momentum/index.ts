import type { AnyNodeDefinition } from '../../../runtime/defineNode.js';
import { adx } from './adx.js';
import { ao } from './ao.js';
import { bias } from './bias.js';
import { cfo } from './cfo.js';
import { cg } from './cg.js';
import { coppock } from './coppock.js';
import { cti } from './cti.js';
import { er } from './er.js';
import { eri } from './eri.js';
import { fisher } from './fisher.js';
import { inertia } from './inertia.js';
import { kdj } from './kdj.js';
import { brar } from './brar.js';
import { dm } from './dm.js';
import { adxr } from './adxr.js';
import { apo } from './apo.js';
import { aroon } from './aroon.js';
import { aroonosc } from './aroonosc.js';
import { bop } from './bop.js';
import { cci } from './cci.js';
import { cmo } from './cmo.js';
import { dx } from './dx.js';
import { fosc } from './fosc.js';
import { imi } from './imi.js';
import { macd } from './macd.js';
import { macdext } from './macdext.js';
import { macdfix } from './macdfix.js';
import { mfi } from './mfi.js';
import { minusDi } from './minus_di.js';
import { minusDm } from './minus_dm.js';
import { mom } from './mom.js';
import { plusDi } from './plus_di.js';
import { plusDm } from './plus_dm.js';
import { ppo } from './ppo.js';
import { roc } from './roc.js';
import { rocp } from './rocp.js';
import { rocr } from './rocr.js';
import { rocr100 } from './rocr100.js';
import { rsi } from './rsi.js';
import { stoch } from './stoch.js';
import { stochf } from './stochf.js';
import { stochrsi } from './stochrsi.js';
import { trix } from './trix.js';
import { ultosc } from './ultosc.js';
import { willr } from './willr.js';
// pandas-ta momentum indicators TA-Lib lacks (second part)
import { tsi } from './tsi.js';
import { smi } from './smi.js';
import { kst } from './kst.js';
import { pvo } from './pvo.js';
import { pgo } from './pgo.js';
import { psl } from './psl.js';
import { slope } from './slope.js';
import { squeeze } from './squeeze.js';
import { squeezePro } from './squeeze_pro.js';
import { rvgi } from './rvgi.js';
import { rsx } from './rsx.js';
import { qqe } from './qqe.js';
import { stc } from './stc.js';
import { tdSeq } from './td_seq.js';

/** Momentum indicators. */
export const momentumIndicators: AnyNodeDefinition[] = [
  rsi,
  macd,
  // Wilder directional movement family (kernels/wilderDirectional.ts)
  plusDm,
  minusDm,
  plusDi,
  minusDi,
  dx,
  adx,
  adxr,
  // rolling extremes (kernels/rollingExtreme.ts)
  willr,
  aroon,
  aroonosc,
  bop,
  cci,
  cmo,
  imi,
  mfi,
  mom,
  roc,
  rocp,
  rocr,
  rocr100,
  ultosc,
  // built on moving-average types (kernels/maType.ts)
  macdext,
  macdfix,
  apo,
  ppo,
  trix,
  stoch,
  stochf,
  stochrsi,
  // Tulip Indicators (beyond TA-Lib)
  fosc,
  // pandas-ta momentum indicators TA-Lib lacks (kernels/pandas.ts, kernels/pandasTa.ts)
  ao,
  bias,
  cfo,
  cg,
  coppock,
  cti,
  er,
  eri,
  fisher,
  inertia,
  kdj,
  brar,
  dm,
  // pandas-ta momentum indicators TA-Lib lacks (second part; kernels/pandas.ts, kernels/pandasTa.ts)
  tsi,
  kst,
  pvo,
  pgo,
  psl,
  slope,
  smi,
  squeeze,
  squeezePro,
  rvgi,
  rsx,
  stc,
  qqe,
  tdSeq,
];
