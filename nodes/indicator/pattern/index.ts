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
import { cdlDoji } from './cdl_doji.js';
import { cdlInside } from './cdl_inside.js';
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
import { cdlhomingpigeon } from './cdlhomingpigeon.js';
import { cdlidentical3crows } from './cdlidentical3crows.js';
import { cdlinneck } from './cdlinneck.js';
import { cdlinvertedhammer } from './cdlinvertedhammer.js';
import { cdlkicking } from './cdlkicking.js';
import { cdlkickingbylength } from './cdlkickingbylength.js';
import { cdlladderbottom } from './cdlladderbottom.js';
import { cdllongleggeddoji } from './cdllongleggeddoji.js';
import { cdllongline } from './cdllongline.js';
import { cdlmarubozu } from './cdlmarubozu.js';
import { cdlmatchinglow } from './cdlmatchinglow.js';
import { cdlmathold } from './cdlmathold.js';
import { cdlmorningdojistar } from './cdlmorningdojistar.js';
import { cdlmorningstar } from './cdlmorningstar.js';
import { cdlonneck } from './cdlonneck.js';
import { cdlpiercing } from './cdlpiercing.js';
import { cdlrickshawman } from './cdlrickshawman.js';
import { cdlrisefall3methods } from './cdlrisefall3methods.js';
import { cdlseparatinglines } from './cdlseparatinglines.js';
import { cdlshootingstar } from './cdlshootingstar.js';
import { cdlshortline } from './cdlshortline.js';
import { cdlspinningtop } from './cdlspinningtop.js';
import { cdlstalledpattern } from './cdlstalledpattern.js';
import { cdlsticksandwich } from './cdlsticksandwich.js';
import { cdltakuri } from './cdltakuri.js';
import { cdltasukigap } from './cdltasukigap.js';
import { cdlthrusting } from './cdlthrusting.js';
import { cdltristar } from './cdltristar.js';
import { cdlunique3river } from './cdlunique3river.js';
import { cdlupsidegap2crows } from './cdlupsidegap2crows.js';
import { cdlxsidegap3methods } from './cdlxsidegap3methods.js';

/** Candlestick patterns (their shared candle settings are in ../kernels/candle.ts). */
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
  cdlhomingpigeon,
  cdlidentical3crows,
  cdlinneck,
  cdlinvertedhammer,
  cdlkicking,
  cdlkickingbylength,
  cdlladderbottom,
  cdllongleggeddoji,
  cdllongline,
  cdlmarubozu,
  cdlmatchinglow,
  cdlmathold,
  cdlmorningdojistar,
  cdlmorningstar,
  cdlonneck,
  cdlpiercing,
  cdlrickshawman,
  cdlrisefall3methods,
  cdlseparatinglines,
  cdlshootingstar,
  cdlshortline,
  cdlspinningtop,
  cdlstalledpattern,
  cdlsticksandwich,
  cdltakuri,
  cdltasukigap,
  cdlthrusting,
  cdltristar,
  cdlunique3river,
  cdlupsidegap2crows,
  cdlxsidegap3methods,
  cdlDoji,
  cdlInside,
];
