import { Type } from '@sinclair/typebox';
import { defineNode } from '../../runtime/defineNode.js';
import { ASK_PRICE, ASK_SIZE, BID_PRICE, BID_SIZE, bookLevels, port } from '../../runtime/ports.js';
import { SlotMedian } from './slotMedian.js';

const BID = 0;
const ASK = 1;

export const walls = defineNode({
  kind: 'orderbook.walls',
  summary: 'Whale walls: levels of outlier size (>= factor x the rolling median level size) that persist; per side price, size, distance, age, and pulses when one appears, is pulled or is consumed.',
  description:
    'A snapshot is a book event: every event when only the book is wired; with trades wired, every event without a ' +
    'trade plus any trade event whose book differs from the last snapshot seen (the book repeats at trade events). ' +
    'The node keeps the sizes of all levels within the top `levels` of both sides of the last `window` snapshots ' +
    '(2 x levels x window values; a book with fewer levels than `levels` is used as it is, with a warning; default 600 snapshots, about a minute of 100 ms snapshots) and their median m. ' +
    'The median, not the mean or a fitted tail: level sizes are heavy-tailed (on the BTCUSDT spot file the median ' +
    'level holds 0.09 BTC, the 99th percentile 4.8 BTC), so a mean is driven by the very walls it should reveal, ' +
    'while the median moves only when most levels change (50% breakdown point). A level at price p of a snapshot is ' +
    'a wall candidate when its size >= factor x m, m taken over the previous `window` snapshots (a wall does not ' +
    'raise its own bar); it becomes a wall once it has been a candidate at the same price for `minPersistence` ' +
    'consecutive snapshots, which filters orders flashed for a moment (its size may change meanwhile, but must stay ' +
    '>= factor x m). Until the window holds `window` snapshots every output is NaN. Per side the largest wall is ' +
    'reported: price, size, distance from the mid in bps (>= 0 on both sides) and age, the event time minus the time ' +
    'of the snapshot where it first became a candidate (so at least minPersistence - 1 snapshots old when it shows); ' +
    'NaN on a side without a wall. Pulses (signal ports: NaN when nothing happened; the sign is the side, +1 bid and ' +
    '-1 ask, 0 when both sides had one at the same snapshot; they are not trade advice): appeared, at the snapshot ' +
    'where a level becomes a wall; pulled and consumed, at the snapshot where a wall stops being one (its level is ' +
    'gone or below factor x m). The size that left is its last size minus what its price still holds. With trades ' +
    'wired, it was consumed when the trades since the previous snapshot at its price or through it (bid wall: trade ' +
    'price <= p; ask wall: >= p) add up to at least half the size that left (the larger part was traded), pulled ' +
    'otherwise. Without trades, the book alone decides: consumed when the touch of its side moved through it (best ' +
    'bid now < p, ask: > p, or the side empty), pulled when better-priced levels are still there (market orders ' +
    'take better prices first, so it was cancelled). That rule counts a wall at the touch that is cancelled as ' +
    'consumed: wire trades to tell them apart. A wall whose price leaves the visible top `levels` (better levels ' +
    'pushed it out) is dropped without a pulse: it may still be in the book. Sources: "whale wall" is trading ' +
    'jargon with no standard definition; the one here is this node\'s own. Large orders placed and cancelled ' +
    'before they trade are what the spoofing literature studies (Lee, Eom & Park, "Microstructure-based ' +
    'manipulation: strategic behavior and performance of spoofing traders", J. Financial Markets 2013), hence the ' +
    'pulled / consumed split; the median as a robust statistic: Huber & Ronchetti, Robust Statistics (2nd ed., ' +
    '2009). On a liquid pair with a one-tick spread the largest level is often the touch itself, so walls at ' +
    'distance ~half the spread are common. warmup is not declared: the first output comes after `window` snapshots, which is that many ' +
    'events with only the book wired but more events (book plus trades) with trades wired; and a side without a wall ' +
    'is NaN after warm-up too.',
  params: Type.Object(
    {
      levels: Type.Integer({ minimum: 1, default: 10, description: 'Levels per side watched (and pooled into the rolling median); a book with fewer uses all it has.' }),
      window: Type.Integer({ minimum: 1, default: 600, description: 'Snapshots in the rolling distribution of level sizes (600 = about a minute of 100 ms snapshots).' }),
      factor: Type.Number({ exclusiveMinimum: 0, default: 10, description: 'A level is a wall candidate when its size >= factor x the rolling median level size.' }),
      minPersistence: Type.Integer({ minimum: 1, default: 3, description: 'Consecutive snapshots a candidate must hold at the same price to count as a wall.' }),
    },
    { additionalProperties: false },
  ),
  // The contract suite feeds 2,000 events of book and trades (about 500 snapshots): a shorter window gives it walls to check.
  exampleParams: { window: 100 },
  inputs: {
    book: port.book({ description: 'The L2 book (source.book).' }),
    trades: port.trades({ optional: true, description: 'The trade tape (source.trades): tells a consumed wall from a pulled one.' }),
  },
  outputs: {
    bidWallPrice: port.number({ description: 'Price of the largest bid wall (NaN: none).' }),
    bidWallSize: port.number({ description: 'Its size.' }),
    bidWallDistanceBps: port.number({ description: '(mid - price) / mid x 1e4.' }),
    bidWallAge: port.number({ description: 'ms since it first became a candidate.' }),
    askWallPrice: port.number({ description: 'Price of the largest ask wall (NaN: none).' }),
    askWallSize: port.number({ description: 'Its size.' }),
    askWallDistanceBps: port.number({ description: '(price - mid) / mid x 1e4.' }),
    askWallAge: port.number({ description: 'ms since it first became a candidate.' }),
    threshold: port.number({ description: 'factor x the rolling median level size: the size a candidate needs.' }),
    appeared: port.signal({ description: 'A wall appeared: +1 bid, -1 ask, 0 both; NaN otherwise.' }),
    pulled: port.signal({ description: 'A wall left without trades taking it: +1 bid, -1 ask, 0 both; NaN otherwise.' }),
    consumed: port.signal({ description: 'A wall was traded away (or the touch moved through it): +1 bid, -1 ask, 0 both; NaN otherwise.' }),
  },
  create: (p, ctx) => {
    const { window, factor, minPersistence } = p;
    let warnedThin = false;
    const stride = 2 * p.levels;
    // Rolling distribution: a ring of the last `window` snapshots' sizes (NaN where a level is missing); each ring slot
    // is a slot of a SlotMedian (two heaps), so replacing the oldest snapshot costs O(stride x log(window x stride)).
    const ring = new Float64Array(window * stride).fill(NaN);
    let ringHead = 0;
    let ringCount = 0;
    const sizes = new SlotMedian(window * stride);
    let ready = false;
    let thresholdNow = NaN;
    // Tracked candidates per side (at most `levels` each), double-buffered: price, size, first time, snapshots held,
    // size traded at or through the price since the last snapshot.
    const mk = () => [new Float64Array(p.levels), new Float64Array(p.levels)];
    let price = mk();
    let size = mk();
    let first = mk();
    let held = mk();
    let traded = mk();
    let nextPrice = mk();
    let nextSize = mk();
    let nextFirst = mk();
    let nextHeld = mk();
    let nextTraded = mk();
    const count = [0, 0];
    // The largest wall per side as of the last snapshot (index into the tracked lists, -1: none).
    const largest = [-1, -1];
    let lastBook = new Float64Array(0);
    let hasBook = false;
    // Whether a trade event's book differs from the last snapshot, found without reading its 4 x levels columns row by
    // row (40 scattered loads per event, the node's main cost once the median was fast): one sequential pass per
    // column per chunk marks the rows that differ from the row before (`previousRow`: the last row of the previous
    // chunk), and `previousMatchesLast` says whether the row before equals `lastBook`; "equal" (=== or both NaN) is
    // transitive, so a row equal to the row before equals lastBook exactly when the row before did.
    let previousRow = new Float64Array(0);
    let previousMatchesLast = false;
    let changed = new Uint8Array(0);

    /** Replaces the oldest snapshot's sizes (if the ring is full) by this one's. */
    const pushSizes = (cols: Float64Array[], i: number, used: number) => {
      const base = ringHead * stride;
      if (ringCount < window) ringCount++;
      for (let l = 0; l < p.levels; l++) {
        const b = l < used ? cols[4 * l + BID_SIZE][i] : NaN;
        const a = l < used ? cols[4 * l + ASK_SIZE][i] : NaN;
        setSize(base + 2 * l, b);
        setSize(base + 2 * l + 1, a);
      }
      sizes.balance();
      ringHead = ringHead + 1 === window ? 0 : ringHead + 1;
    };

    const setSize = (slot: number, v: number) => {
      const old = ring[slot];
      if (Object.is(old, v)) return; // unchanged (NaN stays NaN): the heaps stay as they are
      ring[slot] = v;
      sizes.set(slot, v);
    };

    return {
      step(n, t, inputs, out) {
        const cols = inputs.book.columns;
        const have = bookLevels(inputs.book);
        const used = Math.min(p.levels, have);
        if (!warnedThin && have < p.levels) {
          warnedThin = true;
          ctx.warn('book/thin', `orderbook.walls watches ${p.levels} levels but the book has ${have}; using ${have} (set source.book levels to ${p.levels} or more, or levels to ${have})`);
        }
        const tape = inputs.trades;
        if (lastBook.length !== 4 * used) {
          lastBook = new Float64Array(4 * used).fill(NaN);
          previousRow = new Float64Array(4 * used).fill(NaN);
          previousMatchesLast = false;
        }
        // lastBook is copied from its row only when needed (a full compare, the chunk's end), not at every snapshot.
        let lastBookRow = -1;
        const copyLastBook = (columns: Float64Array[], row: number) => {
          for (let c = 0; c < lastBook.length; c++) lastBook[c] = columns[c][row];
        };
        if (tape !== undefined) {
          if (changed.length < n) changed = new Uint8Array(n);
          changed.fill(0, 0, n);
          for (let c = 0; c < 4 * used; c++) {
            const column = cols[c];
            let before = previousRow[c];
            for (let i = 0; i < n; i++) {
              const v = column[i];
              if (v !== before && (v === v || before === before)) changed[i] = 1;
              before = v;
            }
            previousRow[c] = before;
          }
        }
        for (let i = 0; i < n; i++) {
          const tradePrice = tape === undefined ? NaN : tape.price[i];
          if (tradePrice === tradePrice) {
            // A trade at or through a tracked price counts toward taking it (bids are hit from above, asks lifted from below).
            const q = tape!.size[i];
            for (let k = 0; k < count[BID]; k++) if (tradePrice <= price[BID][k]) traded[BID][k] += q;
            for (let k = 0; k < count[ASK]; k++) if (tradePrice >= price[ASK][k]) traded[ASK][k] += q;
          }
          const bestBid = cols[BID_PRICE][i];
          const bestAsk = cols[ASK_PRICE][i];
          const bookHere = bestBid === bestBid || bestAsk === bestAsk;
          let appeared = NaN;
          let pulled = NaN;
          let consumed = NaN;
          let isSnapshot = false;
          if (bookHere) {
            if (tape === undefined || tradePrice !== tradePrice || !hasBook) isSnapshot = true;
            else if (previousMatchesLast) isSnapshot = changed[i] === 1;
            else {
              if (lastBookRow >= 0) copyLastBook(cols, lastBookRow);
              lastBookRow = -1;
              for (let c = 0; c < 4 * used; c++) {
                const v = cols[c][i];
                const w = lastBook[c];
                if (v !== w && (v === v || w === w)) {
                  isSnapshot = true;
                  break;
                }
              }
            }
          }
          if (isSnapshot) {
            if (!ready && ringCount === window) ready = true;
            thresholdNow = factor * sizes.median();
            let appearedSides = 0;
            let pulledSides = 0;
            let consumedSides = 0;
            for (let side = BID; side <= ASK; side++) {
              const priceCol = side === BID ? BID_PRICE : ASK_PRICE;
              const sizeCol = side === BID ? BID_SIZE : ASK_SIZE;
              const sign = side === BID ? 1 : -1;
              let next = 0;
              let best = -1;
              if (ready) {
                for (let l = 0; l < used; l++) {
                  const px = cols[4 * l + priceCol][i];
                  const sz = cols[4 * l + sizeCol][i];
                  if (!(sz >= thresholdNow)) continue; // NaN levels fail too
                  let k = 0;
                  while (k < count[side] && price[side][k] !== px) k++;
                  const before = k < count[side];
                  nextPrice[side][next] = px;
                  nextSize[side][next] = sz;
                  nextFirst[side][next] = before ? first[side][k] : t[i];
                  nextHeld[side][next] = before ? held[side][k] + 1 : 1;
                  nextTraded[side][next] = 0;
                  if (nextHeld[side][next] === minPersistence) appearedSides |= side === BID ? 1 : 2;
                  if (nextHeld[side][next] >= minPersistence && (best < 0 || sz > nextSize[side][best])) best = next;
                  next++;
                }
              }
              // Walls of the last snapshot that are no longer walls: pulled, consumed, or out of view.
              for (let k = 0; k < count[side]; k++) {
                if (held[side][k] < minPersistence) continue;
                const px = price[side][k];
                let j = 0;
                while (j < next && nextPrice[side][j] !== px) j++;
                if (j < next) continue; // still a wall
                let left = 0;
                let full = true;
                for (let l = 0; l < used; l++) {
                  const lp = cols[4 * l + priceCol][i];
                  if (lp !== lp) full = false;
                  else if (lp === px) left = cols[4 * l + sizeCol][i];
                }
                const worst = cols[4 * (used - 1) + priceCol][i];
                if (full && sign * (px - worst) < 0) continue; // beyond the visible levels: may still be there
                const gone = size[side][k] - left;
                if (!(gone > 0)) continue; // still holds its size (the bar rose): not a disappearance
                const touch = cols[priceCol][i];
                const takenByTrades = tape !== undefined ? traded[side][k] >= gone / 2 : !(sign * (touch - px) >= 0);
                if (takenByTrades) consumedSides |= side === BID ? 1 : 2;
                else pulledSides |= side === BID ? 1 : 2;
              }
              count[side] = next;
              largest[side] = best;
            }
            // The lists built for this snapshot become the current ones (swapped, not copied or allocated).
            let tmp = price;
            price = nextPrice;
            nextPrice = tmp;
            tmp = size;
            size = nextSize;
            nextSize = tmp;
            tmp = first;
            first = nextFirst;
            nextFirst = tmp;
            tmp = held;
            held = nextHeld;
            nextHeld = tmp;
            tmp = traded;
            traded = nextTraded;
            nextTraded = tmp;
            appeared = sidesPulse(appearedSides);
            pulled = sidesPulse(pulledSides);
            consumed = sidesPulse(consumedSides);
            pushSizes(cols, i, used);
            lastBookRow = i;
            hasBook = true;
          }
          if (tape !== undefined) {
            // This row equals lastBook if it is the snapshot just taken, or a book compared equal to it, or else if it
            // equals the row before and that one did.
            previousMatchesLast = isSnapshot || (bookHere && hasBook) || (previousMatchesLast && changed[i] === 0);
          }
          out.appeared[i] = appeared;
          out.pulled[i] = pulled;
          out.consumed[i] = consumed;
          const mid = (bestBid + bestAsk) / 2;
          const live = ready && bookHere;
          out.threshold[i] = live ? thresholdNow : NaN;
          const b = live ? largest[BID] : -1;
          const a = live ? largest[ASK] : -1;
          out.bidWallPrice[i] = b < 0 ? NaN : price[BID][b];
          out.bidWallSize[i] = b < 0 ? NaN : size[BID][b];
          out.bidWallDistanceBps[i] = b < 0 ? NaN : ((mid - price[BID][b]) / mid) * 1e4;
          out.bidWallAge[i] = b < 0 ? NaN : t[i] - first[BID][b];
          out.askWallPrice[i] = a < 0 ? NaN : price[ASK][a];
          out.askWallSize[i] = a < 0 ? NaN : size[ASK][a];
          out.askWallDistanceBps[i] = a < 0 ? NaN : ((price[ASK][a] - mid) / mid) * 1e4;
          out.askWallAge[i] = a < 0 ? NaN : t[i] - first[ASK][a];
        }
        if (lastBookRow >= 0) copyLastBook(cols, lastBookRow);
      },
    };
  },
});

/** Bit 1: the bid side, bit 2: the ask side -> +1, -1, 0 (both), NaN (none). */
function sidesPulse(sides: number): number {
  return sides === 0 ? NaN : sides === 1 ? 1 : sides === 2 ? -1 : 0;
}
