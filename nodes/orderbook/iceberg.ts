import { Type } from '@sinclair/typebox';
import { defineNode } from '../../runtime/defineNode.js';
import { ASK_PRICE, ASK_SIZE, BID_PRICE, BID_SIZE, bookLevels, port } from '../../runtime/ports.js';

/** Relative tolerance when comparing summed trade sizes with a displayed size (float sums of decimal lots). */
const FULL_TOLERANCE = 1e-9;

export const iceberg = defineNode({
  kind: 'orderbook.iceberg',
  summary: 'Hidden (iceberg) orders: a price at the touch that keeps refilling after trades use up its displayed size.',
  description:
    'An iceberg order shows only a peak of its size; each time the peak is executed the exchange displays a new one at ' +
    'the same price, so from the outside a level is traded through and is still there (Frey & Sandås, "The Impact of ' +
    'Iceberg Orders in Limit Order Books", Quarterly Journal of Finance 7(3), 2017; Christensen & Woodmansey, "Prediction ' +
    'of hidden liquidity in the limit order book of GLOBEX futures", Journal of Trading 8(3), 2013, who detect icebergs ' +
    'from L2 data by exactly this pattern; practitioner tools such as Bookmap flag executions that exceed the displayed ' +
    'size at a price). Definition, per pair of consecutive book snapshots P -> S and per price p shown in P on one ' +
    'side within the top `levels` levels: D = the size displayed at p in P; V = the volume traded at exactly p between ' +
    'P and S against that side (sell-aggressor trades hit bids, buy-aggressor trades lift asks; a trade of unknown side ' +
    'counts against whichever side shows its price); R = the size at p on that side in S (0 when p is no longer within ' +
    'the top `levels`). A refill is V > 0, V >= D (the display was used up, up to 1e-9 relative rounding) and R > 0 (the ' +
    'level is still there). A level consumed and gone (R = 0), partly traded (V < D) or grown by new orders without ' +
    'trades (V = 0) is not a refill. Hidden volume at p: in the interval of its first refill, the part of V beyond D; ' +
    'after it, all of V (the displays after a refill are taken as the iceberg\'s peaks). State per price (refills, ' +
    'hidden volume) lives while p stays within the top `levels` of its side in every snapshot and is dropped when it ' +
    'leaves, so memory is fixed (2 x levels entries). The reported iceberg is the watched price with at least ' +
    '`minRefills` refills and the most of them (ties: more hidden volume, then bid before ask, then nearer the touch). ' +
    'confidence = 1 - 2^(1 - refills): 0 after one refill, 0.5 after two, 0.75 after three; a heuristic (each further ' +
    'refill halves the room for the coincidence that new visible orders happened to join just after the level was ' +
    'traded out), not a probability. Timeline: on the shared timeline of book and trades, an event without a trade is ' +
    'a snapshot; an event with a trade is also a snapshot when the watched levels differ from the previous event\'s, and ' +
    'its trade counts before that snapshot (Binance\'s depth diffs stamped E include trades up to E). A new snapshot ' +
    'identical to the last one at a trade\'s own event cannot be told from the repeated book; the next snapshot then ' +
    'decides. With snapshots ~100 ms apart, a busy touch often refills by ordinary new orders, so treat single refills ' +
    'as weak evidence. Outputs hold from one snapshot to the next; all NaN when no price qualifies.',
  params: Type.Object(
    {
      minRefills: Type.Integer({ minimum: 1, default: 2, description: 'Refills at one price before it is reported as an iceberg.' }),
      levels: Type.Integer({
        minimum: 1,
        maximum: 100,
        default: 1,
        description: 'How deep to watch on each side: 1 = the best bid and ask only (where iceberg peaks trade); capped at the levels the book has.',
      }),
    },
    { additionalProperties: false },
  ),
  inputs: {
    book: port.book({ description: 'The L2 book (source.book), as of each event.' }),
    trades: port.trades({ description: 'The trade tape (source.trades), with the aggressor side.' }),
  },
  outputs: {
    price: port.number({ description: 'Price of the most likely iceberg now, NaN when none has minRefills refills.' }),
    side: port.number({ description: '+1 the iceberg rests on the bid, -1 on the ask; NaN when none.' }),
    hiddenVolume: port.number({ description: 'Volume executed at that price beyond what was displayed, so far (base units).' }),
    refills: port.number({ description: 'Refills seen at that price since it entered the watched levels.' }),
    confidence: port.number({ description: '1 - 2^(1 - refills), in 0..1: a heuristic score, not a probability.' }),
    refill: port.number({ description: 'Pulse at the snapshot where a refill is seen at any watched price: +1 bid, -1 ask, 0 both; NaN otherwise.' }),
  },
  defaultOutput: 'price',
  create: (p) => {
    const maxLevels = p.levels;
    const minRefills = p.minRefills;
    // Flat per-side arrays, index side * maxLevels + level (side 0 bid, 1 ask), for the last snapshot P.
    const size2 = 2 * maxLevels;
    const lastPrice = new Float64Array(size2).fill(NaN);
    const lastSize = new Float64Array(size2).fill(NaN);
    const traded = new Float64Array(size2); // V since P, per price of P
    let refillCount = new Float64Array(size2);
    let hidden = new Float64Array(size2);
    let isPeak = new Float64Array(size2); // 1 once the price has refilled: its display is an iceberg peak
    let nextRefills = new Float64Array(size2);
    let nextHidden = new Float64Array(size2);
    let nextPeak = new Float64Array(size2);
    let haveSnapshot = false;
    // Held outputs (as of the last snapshot).
    let outPrice = NaN;
    let outSide = NaN;
    let outHidden = NaN;
    let outRefills = NaN;
    let outConfidence = NaN;
    return {
      step(n, _t, inputs, out) {
        const columns = inputs.book.columns;
        const levels = Math.min(maxLevels, bookLevels(inputs.book));
        const { price, size, side } = inputs.trades;
        for (let i = 0; i < n; i++) {
          let pulse = NaN;
          const bestBid = columns[BID_PRICE][i];
          const bestAsk = columns[ASK_PRICE][i];
          if (bestBid === bestBid || bestAsk === bestAsk) {
            const px = price[i];
            const isTrade = px === px;
            let changed = !haveSnapshot;
            for (let l = 0; l < levels && !changed; l++) {
              changed =
                !sameNumber(columns[4 * l + BID_PRICE][i], lastPrice[l]) ||
                !sameNumber(columns[4 * l + BID_SIZE][i], lastSize[l]) ||
                !sameNumber(columns[4 * l + ASK_PRICE][i], lastPrice[maxLevels + l]) ||
                !sameNumber(columns[4 * l + ASK_SIZE][i], lastSize[maxLevels + l]);
            }
            // The trade belongs to the interval since P, even when this event also brings the next snapshot.
            if (isTrade && haveSnapshot) {
              const aggressor = side[i];
              let matched = false;
              if (aggressor !== -1) {
                for (let l = 0; l < levels; l++) {
                  if (lastPrice[maxLevels + l] === px) {
                    traded[maxLevels + l] += size[i];
                    matched = true;
                    break;
                  }
                }
              }
              if (aggressor !== 1 && !matched) {
                for (let l = 0; l < levels; l++) {
                  if (lastPrice[l] === px) {
                    traded[l] += size[i];
                    break;
                  }
                }
              }
            }
            if (!isTrade || changed) {
              if (haveSnapshot) {
                let bidRefill = false;
                let askRefill = false;
                for (let s = 0; s < 2; s++) {
                  const priceField = s === 0 ? BID_PRICE : ASK_PRICE;
                  const sizeField = s === 0 ? BID_SIZE : ASK_SIZE;
                  const base = s * maxLevels;
                  for (let m = 0; m < levels; m++) nextRefills[base + m] = nextHidden[base + m] = nextPeak[base + m] = 0;
                  for (let l = 0; l < levels; l++) {
                    const at = lastPrice[base + l];
                    if (at !== at) continue;
                    let m = 0;
                    while (m < levels && columns[4 * m + priceField][i] !== at) m++;
                    if (m === levels) continue; // the price left the watched levels: forget it
                    const displayed = lastSize[base + l];
                    const volume = traded[base + l];
                    const remaining = columns[4 * m + sizeField][i];
                    const refilled = volume > 0 && volume >= displayed * (1 - FULL_TOLERANCE) && remaining > 0;
                    const peak = isPeak[base + l] === 1;
                    nextRefills[base + m] = refillCount[base + l] + (refilled ? 1 : 0);
                    nextHidden[base + m] = hidden[base + l] + (peak ? volume : refilled ? Math.max(0, volume - displayed) : 0);
                    nextPeak[base + m] = peak || refilled ? 1 : 0;
                    if (refilled) {
                      if (s === 0) bidRefill = true;
                      else askRefill = true;
                    }
                  }
                }
                // Swap the double buffers (no allocation per snapshot).
                let swap = refillCount;
                refillCount = nextRefills;
                nextRefills = swap;
                swap = hidden;
                hidden = nextHidden;
                nextHidden = swap;
                swap = isPeak;
                isPeak = nextPeak;
                nextPeak = swap;
                if (bidRefill || askRefill) pulse = bidRefill && askRefill ? 0 : bidRefill ? 1 : -1;
              }
              for (let l = 0; l < maxLevels; l++) {
                const inBook = l < levels;
                lastPrice[l] = inBook ? columns[4 * l + BID_PRICE][i] : NaN;
                lastSize[l] = inBook ? columns[4 * l + BID_SIZE][i] : NaN;
                lastPrice[maxLevels + l] = inBook ? columns[4 * l + ASK_PRICE][i] : NaN;
                lastSize[maxLevels + l] = inBook ? columns[4 * l + ASK_SIZE][i] : NaN;
                traded[l] = traded[maxLevels + l] = 0;
              }
              haveSnapshot = true;
              // The reported iceberg: most refills, then most hidden volume, then bid first and nearest the touch.
              let best = -1;
              for (let k = 0; k < size2; k++) {
                if (lastPrice[k] !== lastPrice[k] || refillCount[k] < minRefills) continue;
                if (best < 0 || refillCount[k] > refillCount[best] || (refillCount[k] === refillCount[best] && hidden[k] > hidden[best])) best = k;
              }
              if (best < 0) {
                outPrice = outSide = outHidden = outRefills = outConfidence = NaN;
              } else {
                outPrice = lastPrice[best];
                outSide = best < maxLevels ? 1 : -1;
                outHidden = hidden[best];
                outRefills = refillCount[best];
                outConfidence = 1 - Math.pow(2, 1 - outRefills);
              }
            }
          }
          out.price[i] = outPrice;
          out.side[i] = outSide;
          out.hiddenVolume[i] = outHidden;
          out.refills[i] = outRefills;
          out.confidence[i] = outConfidence;
          out.refill[i] = pulse;
        }
      },
    };
  },
});

/** Equal, treating NaN as equal to NaN (a level the book lacks). */
function sameNumber(a: number, b: number): boolean {
  return a === b || (a !== a && b !== b);
}
