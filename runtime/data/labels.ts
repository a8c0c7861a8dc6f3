/**
 * Training labels from future prices, for `hean dataset` only: a running graph never sees them
 * (they look ahead by construction). Each function works on one price timeline (index = bar);
 * `asOfIndex` maps other events onto it. NaN / undefined mean "no label" (too few bars follow).
 */

export type Direction = 'UP' | 'DOWN' | 'NEUTRAL';

/** forwardReturn[j] = price[j + horizon] / price[j] - 1; NaN when fewer than `horizon` bars follow. */
export function forwardReturns(price: Float64Array, horizon: number): Float64Array {
  const out = new Float64Array(price.length).fill(NaN);
  for (let j = 0; j + horizon < price.length; j++) out[j] = price[j + horizon] / price[j] - 1;
  return out;
}

/** UP above +band, DOWN below -band, else NEUTRAL; no label for a missing (NaN) return. */
export function directionOf(forwardReturn: number, band: number): Direction | undefined {
  if (Number.isNaN(forwardReturn)) return undefined;
  return forwardReturn > band ? 'UP' : forwardReturn < -band ? 'DOWN' : 'NEUTRAL';
}

/**
 * The triple-barrier method (López de Prado, Advances in Financial Machine Learning, 2018, ch. 3):
 * from the close of bar j, the first of bars j+1..j+horizon whose high reaches close·(1+up) is
 * UP, whose low reaches close·(1-down) is DOWN; neither within the horizon is NEUTRAL (the time
 * barrier). A bar that touches both is DOWN: bars do not say which came first, so the pessimistic
 * outcome is assumed. No label when fewer than `horizon` bars follow or the close is NaN.
 */
export function barrierLabels(close: Float64Array, high: Float64Array, low: Float64Array, horizon: number, up: number, down: number): (Direction | undefined)[] {
  const out: (Direction | undefined)[] = new Array(close.length).fill(undefined);
  for (let j = 0; j + horizon < close.length; j++) {
    if (Number.isNaN(close[j])) continue;
    const top = close[j] * (1 + up);
    const bottom = close[j] * (1 - down);
    let label: Direction = 'NEUTRAL';
    for (let k = j + 1; k <= j + horizon; k++) {
      if (low[k] <= bottom) {
        label = 'DOWN';
        break;
      }
      if (high[k] >= top) {
        label = 'UP';
        break;
      }
    }
    out[j] = label;
  }
  return out;
}

/** For each event time, the index of the latest price time at or before it (-1: none yet). Both sorted ascending. */
export function asOfIndex(priceTimes: Float64Array, eventTimes: Float64Array): Int32Array {
  const out = new Int32Array(eventTimes.length);
  let j = -1;
  for (let i = 0; i < eventTimes.length; i++) {
    while (j + 1 < priceTimes.length && priceTimes[j + 1] <= eventTimes[i]) j++;
    out[i] = j;
  }
  return out;
}
