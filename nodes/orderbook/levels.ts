import { Type } from '@sinclair/typebox';
import { defineNode, type ParamProblem } from '../../runtime/defineNode.js';
import { BID_PRICE, BID_SIZE, ASK_PRICE, ASK_SIZE, bookLevels, port } from '../../runtime/ports.js';

const DEFAULT_BIN_BPS = 1;
/** A bin not updated for this many half-lives (value below 2^-30, about 1e-9, of its last) is dropped. */
const PRUNE_HALF_LIVES = 30;
/** Stored values carry the factor 2^((t - tRef) / halfLife); rebase before it nears the double range. */
const REBASE_HALF_LIVES = 256;

export const levels = defineNode({
  kind: 'orderbook.levels',
  summary: 'Support and resistance from clusters of resting depth and traded volume: a decaying price profile, its strongest bins below and above the mid.',
  description:
    'The market-profile idea (volume at price; J. Peter Steidlmayer\'s Market Profile, CBOT 1985, and the volume ' +
    'profile of charting tools) extended with resting depth, as order-flow tools such as Bookmap\'s liquidity heatmap ' +
    'show it: prices where size rests repeatedly or trades heavily tend to hold. Definition: prices fall into bins, ' +
    'either logarithmic bins of binBps basis points (bin k holds prices in [(1 + binBps/1e4)^k, (1 + binBps/1e4)^(k+1)), ' +
    'the same relative width at any price level) or, with tick, absolute bins [k tick, (k + 1) tick). Each bin keeps a ' +
    'profile value: at every book snapshot the size resting at each level of both sides is added to its price\'s bin, ' +
    'at every trade the traded size is added to its price\'s bin, and values decay exponentially with event time: a ' +
    'value contributed at time u counts 2^(-(t - u) / halfLife) at t (t is the event time, never the wall clock). Each ' +
    'bin also keeps the same-weighted sum of price x size, so a bin\'s price is its profile-weighted mean price. Only ' +
    'bins within rangeBps of the mid ((best bid + best ask) / 2) take part: support is the bin below the mid\'s bin with ' +
    'the largest value, resistance the bin above it (ties: the nearer one to the mid); the mid\'s own bin is neither. ' +
    'strength = the bin\'s value / the mean value of all bins from the bin of mid (1 - rangeBps/1e4) to the bin of mid ' +
    '(1 + rangeBps/1e4) (empty bins count as 0): 1 is average, 5 five times the average. age = event time (ms) since ' +
    'that bin became the support (resp. resistance) without interruption. Units: the book term adds resting size once ' +
    'per snapshot, so a level that rests through many snapshots weighs more than one traded once; on a 100 ms book ' +
    'stream resting depth dominates the profile. Timeline: an event without a trade is a book snapshot; an event with ' +
    'a trade adds the book only when it differs from the previous event\'s (the book repeats at trade events), so a new ' +
    'snapshot identical to the last at a trade\'s own event is not counted twice. Memory: bins live in a table (a Map ' +
    'from bin index to slot, slots in flat arrays); a bin not updated for 30 half-lives (worth < 1e-9 of its last value) ' +
    'is dropped, checked once per half-life of event time, so the table holds only the bins touched in the last 30 ' +
    'half-lives. Outputs are NaN until the book has a mid, and a side with no non-empty bin in range is NaN.',
  params: Type.Object(
    {
      binBps: Type.Optional(
        Type.Number({ exclusiveMinimum: 0, description: `Bin width in basis points of price (logarithmic bins); default ${DEFAULT_BIN_BPS} when tick is not set.` }),
      ),
      tick: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'Absolute bin width in price units (e.g. 5 for 5 USDT bins), instead of binBps.' })),
      halfLife: Type.Number({ exclusiveMinimum: 0, default: 60_000, description: 'Half-life of the profile in ms of event time: a contribution counts half after this long.' }),
      rangeBps: Type.Number({ exclusiveMinimum: 0, default: 10, description: 'How far from the mid (basis points) bins compete for support and resistance and make the mean that strength divides by.' }),
    },
    { additionalProperties: false },
  ),
  inputs: {
    book: port.book({ description: 'The L2 book (source.book), as of each event.' }),
    trades: port.trades({ optional: true, description: 'The trade tape (source.trades); its volume adds to the profile.' }),
  },
  outputs: {
    support: port.number({ description: 'Profile-weighted price of the strongest bin below the mid\'s bin (within rangeBps).' }),
    supportStrength: port.number({ description: 'Its value / the mean bin value within rangeBps of the mid.' }),
    supportAge: port.number({ description: 'Event time (ms) since that bin became the support.' }),
    resistance: port.number({ description: 'Profile-weighted price of the strongest bin above the mid\'s bin (within rangeBps).' }),
    resistanceStrength: port.number({ description: 'Its value / the mean bin value within rangeBps of the mid.' }),
    resistanceAge: port.number({ description: 'Event time (ms) since that bin became the resistance.' }),
  },
  defaultOutput: 'support',
  check: (p) => {
    const problems: ParamProblem[] = [];
    if (p.tick !== undefined && p.binBps !== undefined) {
      problems.push({ path: ['binBps'], message: `both tick (${p.tick}) and binBps (${p.binBps}) are set; bins are either absolute or relative: keep one` });
    }
    const binBps = p.binBps ?? (p.tick === undefined ? DEFAULT_BIN_BPS : undefined);
    if (binBps !== undefined && p.rangeBps < binBps) {
      problems.push({
        path: ['rangeBps'],
        message: `rangeBps ${p.rangeBps} is narrower than one bin (binBps ${binBps}): no bin besides the mid's can be support or resistance; use rangeBps >= ${binBps} (a few bins, e.g. ${10 * binBps})`,
      });
    }
    return problems;
  },
  create: (p) => {
    const tick = p.tick ?? 0;
    const logStep = tick > 0 ? 0 : Math.log1p((p.binBps ?? DEFAULT_BIN_BPS) / 1e4);
    const binOf = (price: number): number => (tick > 0 ? Math.floor(price / tick) : Math.floor(Math.log(price) / logStep));
    const halfLife = p.halfLife;
    const range = p.rangeBps / 1e4;
    // The bin table: slot arrays grow by doubling (rare, amortised); a Map finds a bin's slot.
    let capacity = 64;
    let binIndex = new Float64Array(capacity);
    let value = new Float64Array(capacity); // scaled by 2^((t - tRef) / halfLife) at the time of each addition
    let weightedPrice = new Float64Array(capacity); // same scale, sum of price x size
    let lastUpdate = new Float64Array(capacity);
    let used = 0;
    const slotOf = new Map<number, number>();
    let tRef = NaN;
    let nextPrune = -Infinity;
    // The last snapshot added, to tell a new snapshot from the book repeated at a trade's event.
    let lastBook = new Float64Array(0);
    let haveBook = false;
    let supportBin = NaN;
    let supportSince = NaN;
    let resistanceBin = NaN;
    let resistanceSince = NaN;

    // Math.pow and Math.log dominate the cost: the scale is computed once per event (every addition
    // of an event shares its time), and each book position remembers its last price's bin.
    let scale = NaN;
    const add = (price: number, size: number, t: number, k: number): void => {
      if (!(size > 0) || !(price > 0)) return;
      let slot = slotOf.get(k);
      if (slot === undefined) {
        if (used === capacity) grow();
        slot = used++;
        slotOf.set(k, slot);
        binIndex[slot] = k;
        value[slot] = weightedPrice[slot] = 0;
      }
      value[slot] += size * scale;
      weightedPrice[slot] += price * size * scale;
      lastUpdate[slot] = t;
    };
    const grow = (): void => {
      capacity *= 2;
      const widen = (a: Float64Array) => {
        const b = new Float64Array(capacity);
        b.set(a);
        return b;
      };
      binIndex = widen(binIndex);
      value = widen(value);
      weightedPrice = widen(weightedPrice);
      lastUpdate = widen(lastUpdate);
    };
    const maintain = (t: number): void => {
      if (tRef !== tRef) tRef = t;
      if (t < nextPrune) return;
      nextPrune = t + halfLife;
      for (let s = 0; s < used; ) {
        if (t - lastUpdate[s] > PRUNE_HALF_LIVES * halfLife) {
          // Swap-remove: the last slot moves into s.
          slotOf.delete(binIndex[s]);
          used--;
          if (s < used) {
            binIndex[s] = binIndex[used];
            value[s] = value[used];
            weightedPrice[s] = weightedPrice[used];
            lastUpdate[s] = lastUpdate[used];
            slotOf.set(binIndex[s], s);
          }
        } else s++;
      }
      if (t - tRef > REBASE_HALF_LIVES * halfLife) {
        const factor = Math.pow(2, -(t - tRef) / halfLife);
        for (let s = 0; s < used; s++) {
          value[s] *= factor;
          weightedPrice[s] *= factor;
        }
        tRef = t;
      }
    };

    // The bin of the last price seen at each book position (bid and ask per level) and of the last trade.
    let positionPrice = new Float64Array(0);
    let positionBin = new Float64Array(0);
    let tradePriceSeen = NaN;
    let tradeBin = NaN;
    const binAt = (position: number, price: number): number => {
      if (price !== positionPrice[position]) {
        positionPrice[position] = price;
        positionBin[position] = price > 0 ? binOf(price) : NaN;
      }
      return positionBin[position];
    };
    let midSeen = NaN;
    let kMid = NaN;
    let kLow = NaN;
    let kHigh = NaN;

    return {
      step(n, t, inputs, out) {
        const columns = inputs.book.columns;
        const depth = bookLevels(inputs.book);
        if (lastBook.length !== columns.length) {
          lastBook = new Float64Array(columns.length).fill(NaN);
          positionPrice = new Float64Array(2 * depth).fill(NaN);
          positionBin = new Float64Array(2 * depth).fill(NaN);
        }
        const trades = inputs.trades;
        for (let i = 0; i < n; i++) {
          const ti = t[i];
          maintain(ti);
          scale = Math.pow(2, (ti - tRef) / halfLife);
          const tradePrice = trades ? trades.price[i] : NaN;
          const isTrade = tradePrice === tradePrice;
          if (isTrade) {
            if (tradePrice !== tradePriceSeen) {
              tradePriceSeen = tradePrice;
              tradeBin = tradePrice > 0 ? binOf(tradePrice) : NaN;
            }
            add(tradePrice, trades!.size[i], ti, tradeBin);
          }
          let changed = !isTrade || !haveBook;
          for (let c = 0; c < columns.length && !changed; c++) {
            const a = columns[c][i];
            const b = lastBook[c];
            changed = a !== b && (a === a || b === b);
          }
          if (changed) {
            for (let c = 0; c < columns.length; c++) lastBook[c] = columns[c][i];
            haveBook = true;
            for (let l = 0; l < depth; l++) {
              const bid = columns[4 * l + BID_PRICE][i];
              const ask = columns[4 * l + ASK_PRICE][i];
              add(bid, columns[4 * l + BID_SIZE][i], ti, binAt(2 * l, bid));
              add(ask, columns[4 * l + ASK_SIZE][i], ti, binAt(2 * l + 1, ask));
            }
          }
          const mid = (columns[BID_PRICE][i] + columns[ASK_PRICE][i]) / 2;
          let support = -1;
          let resistance = -1;
          let sum = 0;
          let bins = 0;
          if (mid > 0) {
            if (mid !== midSeen) {
              midSeen = mid;
              kMid = binOf(mid);
              kLow = binOf(mid * (1 - range));
              kHigh = binOf(mid * (1 + range));
            }
            bins = kHigh - kLow + 1;
            for (let s = 0; s < used; s++) {
              const k = binIndex[s];
              if (k < kLow || k > kHigh) continue;
              const v = value[s];
              sum += v;
              if (v <= 0) continue;
              // Larger value wins; on a tie, the bin nearer the mid.
              if (k < kMid && (support < 0 || v > value[support] || (v === value[support] && k > binIndex[support]))) support = s;
              if (k > kMid && (resistance < 0 || v > value[resistance] || (v === value[resistance] && k < binIndex[resistance]))) resistance = s;
            }
          }
          const mean = sum / bins;
          if (support < 0) {
            supportBin = supportSince = NaN;
            out.support[i] = out.supportStrength[i] = out.supportAge[i] = NaN;
          } else {
            if (binIndex[support] !== supportBin) {
              supportBin = binIndex[support];
              supportSince = ti;
            }
            out.support[i] = weightedPrice[support] / value[support];
            out.supportStrength[i] = value[support] / mean;
            out.supportAge[i] = ti - supportSince;
          }
          if (resistance < 0) {
            resistanceBin = resistanceSince = NaN;
            out.resistance[i] = out.resistanceStrength[i] = out.resistanceAge[i] = NaN;
          } else {
            if (binIndex[resistance] !== resistanceBin) {
              resistanceBin = binIndex[resistance];
              resistanceSince = ti;
            }
            out.resistance[i] = weightedPrice[resistance] / value[resistance];
            out.resistanceStrength[i] = value[resistance] / mean;
            out.resistanceAge[i] = ti - resistanceSince;
          }
        }
      },
    };
  },
});
