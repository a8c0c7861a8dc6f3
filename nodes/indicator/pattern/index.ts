import type { AnyNodeDefinition } from '../../../runtime/defineNode.js';
import { cdl2crows } from './cdl2crows.js';
import { cdl3blackcrows } from './cdl3blackcrows.js';
import { cdl3inside } from './cdl3inside.js';
import { cdl3linestrike } from './cdl3linestrike.js';
import { cdl3outside } from './cdl3outside.js';
import { cdl3starsinsouth } from './cdl3starsinsouth.js';
import { cdl3whitesoldiers } from './cdl3whitesoldiers.js';
import { cdlabandonedbaby } from './cdlabandonedbaby.js';
import { cdladvanceblock } from './cdladvanceblock.js';
import { cdlbelthold } from './cdlbelthold.js';
import { cdlbreakaway } from './cdlbreakaway.js';
import { cdlclosingmarubozu } from './cdlclosingmarubozu.js';
import { cdlconcealbabyswall } from './cdlconcealbabyswall.js';
import { cdlcounterattack } from './cdlcounterattack.js';
import { cdldarkcloudcover } from './cdldarkcloudcover.js';
import { cdldoji } from './cdldoji.js';
import { cdldojistar } from './cdldojistar.js';
import { cdldragonflydoji } from './cdldragonflydoji.js';
import { cdlengulfing } from './cdlengulfing.js';
import { cdleveningdojistar } from './cdleveningdojistar.js';
import { cdleveningstar } from './cdleveningstar.js';
import { cdlgapsidesidewhite } from './cdlgapsidesidewhite.js';
import { cdlgravestonedoji } from './cdlgravestonedoji.js';
import { cdlhammer } from './cdlhammer.js';
import { cdlhangingman } from './cdlhangingman.js';
import { cdlharami } from './cdlharami.js';
import { cdlharamicross } from './cdlharamicross.js';
import { cdlhighwave } from './cdlhighwave.js';
import { cdlhikkake } from './cdlhikkake.js';
import { cdlhikkakemod } from './cdlhikkakemod.js';

/** Candlestick patterns (first half, with the shared candle settings in ../kernels/candle.ts). */
export const patternIndicators: AnyNodeDefinition[] = [
  cdl2crows,
  cdl3blackcrows,
  cdl3inside,
  cdl3linestrike,
  cdl3outside,
  cdl3starsinsouth,
  cdl3whitesoldiers,
  cdlabandonedbaby,
  cdladvanceblock,
  cdlbelthold,
  cdlbreakaway,
  cdlclosingmarubozu,
  cdlconcealbabyswall,
  cdlcounterattack,
  cdldarkcloudcover,
  cdldoji,
  cdldojistar,
  cdldragonflydoji,
  cdlengulfing,
  cdleveningdojistar,
  cdleveningstar,
  cdlgapsidesidewhite,
  cdlgravestonedoji,
  cdlhammer,
  cdlhangingman,
  cdlharami,
  cdlharamicross,
  cdlhighwave,
  cdlhikkake,
  cdlhikkakemod,
];
