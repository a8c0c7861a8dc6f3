import type { AnyNodeDefinition } from '../../../runtime/defineNode.js';
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

/** Candlestick patterns (second half). */
export const morePatternIndicators: AnyNodeDefinition[] = [
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
];
