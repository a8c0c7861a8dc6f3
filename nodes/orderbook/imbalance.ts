import { Type } from '@sinclair/typebox';
import { defineNode } from '../../runtime/defineNode.js';
import { ASK_PRICE, ASK_SIZE, BID_PRICE, BID_SIZE, bookLevels, port } from '../../runtime/ports.js';

export const imbalance = defineNode({
  kind: 'orderbook.imbalance',
  summary: 'Order-book imbalance (B - A) / (B + A) over the top levels, with mid, spread and the size-weighted micro-price, per snapshot.',
  description:
    'Depth imbalance as in Cartea, Jaimungal & Penalva, Algorithmic and High-Frequency Trading (2015) ' +
    '(volume imbalance rho = (V_b - V_a) / (V_b + V_a), there at the touch; here summed over the top `levels` levels ' +
    'per side, as in Cao, Hansch & Wang, "The information content of an open limit-order book", J. Futures Markets ' +
    '2009). B = sum over bid levels l < levels of w_l x q_l and A the same over asks, where q_l is the size (weight: ' +
    'size) or price x size (weight: notional), and w_l = 2^(-d_l / halfLifeBps) with d_l = |p_l - mid| / mid x 1e4 ' +
    'the level\'s distance from the mid in basis points (w_l = 1 when halfLifeBps is 0 or absent: no decay). ' +
    'imbalance is in [-1, 1]: +1 all depth on the bid, -1 all on the ask. Levels a thin book lacks (NaN) add ' +
    'nothing, and a book with fewer levels than `levels` is used as it is (all its levels; the node warns once). ' +
    'A one-sided book gives +1 or -1 without decay; with decay the distances need the mid, so it gives NaN. ' +
    'mid = (bid1 + ask1) / 2, spread = ask1 - bid1, spreadBps = spread / mid x 1e4. microPrice = (bid1 x askSize1 ' +
    '+ ask1 x bidSize1) / (bidSize1 + askSize1), the size-weighted mid: the common first-order form, which leans ' +
    'toward the side with less size. Stoikov, "The micro-price: a high-frequency estimator of future prices" ' +
    '(Quantitative Finance, 2018) defines the micro-price as the mid plus a correction estimated from data (a Markov ' +
    'chain in imbalance and spread); that correction is not computed here. This is a state of the book, not order ' +
    'flow: Cont, Kukanov & Stoikov, "The price impact of order book events" (J. Financial Econometrics, 2014) show ' +
    'that order flow imbalance (changes at the touch between snapshots) explains short-term price changes better. ' +
    'No warm-up: every output is computed from the snapshot of the event alone, NaN while there is no book yet ' +
    '(events before the first snapshot on a shared timeline), so `warmup` is not declared (it is a property of the ' +
    'data, not a count of events).',
  params: Type.Object(
    {
      levels: Type.Integer({ minimum: 1, default: 5, description: 'Levels per side summed (top-N); a book with fewer levels uses all it has.' }),
      weight: Type.Union([Type.Literal('size'), Type.Literal('notional')], {
        default: 'size',
        description: 'What a level contributes: size (base quantity) or notional (price x size, quote value).',
      }),
      halfLifeBps: Type.Optional(
        Type.Number({
          minimum: 0,
          description: 'Distance decay: a level halfLifeBps basis points from the mid counts half; 0 or absent = no decay.',
        }),
      ),
    },
    { additionalProperties: false },
  ),
  inputs: { book: port.book({ description: 'The L2 book (source.book).' }) },
  outputs: {
    imbalance: port.number({ description: '(B - A) / (B + A) over the top levels, in [-1, 1].' }),
    mid: port.number({ description: '(bid1 + ask1) / 2.' }),
    spread: port.number({ description: 'ask1 - bid1, in price units.' }),
    spreadBps: port.number({ description: 'spread / mid x 1e4.' }),
    microPrice: port.number({ description: 'Size-weighted mid (bid1 x askSize1 + ask1 x bidSize1) / (bidSize1 + askSize1).' }),
  },
  defaultOutput: 'imbalance',
  create: (p, ctx) => {
    const notional = p.weight === 'notional';
    const halfLife = p.halfLifeBps ?? 0;
    let warnedThin = false;
    return {
      step(n, _t, { book }, out) {
        const have = bookLevels(book);
        const used = Math.min(p.levels, have);
        if (!warnedThin && have < p.levels) {
          warnedThin = true;
          ctx.warn('book/thin', `orderbook.imbalance asks for ${p.levels} levels but the book has ${have}; using ${have} (set source.book levels to ${p.levels} or more, or levels to ${have})`);
        }
        const cols = book.columns;
        for (let i = 0; i < n; i++) {
          const bid1 = cols[BID_PRICE][i];
          const ask1 = cols[ASK_PRICE][i];
          const bidSize1 = cols[BID_SIZE][i];
          const askSize1 = cols[ASK_SIZE][i];
          const mid = (bid1 + ask1) / 2;
          out.mid[i] = mid;
          out.spread[i] = ask1 - bid1;
          out.spreadBps[i] = ((ask1 - bid1) / mid) * 1e4;
          out.microPrice[i] = (bid1 * askSize1 + ask1 * bidSize1) / (bidSize1 + askSize1);
          let bidDepth = 0;
          let askDepth = 0;
          for (let l = 0; l < used; l++) {
            const base = 4 * l;
            const bp = cols[base + BID_PRICE][i];
            const bs = cols[base + BID_SIZE][i];
            const ap = cols[base + ASK_PRICE][i];
            const as = cols[base + ASK_SIZE][i];
            // A level the book lacks is NaN: skipped (adds no depth).
            if (bs === bs && bp === bp) {
              const q = notional ? bp * bs : bs;
              bidDepth += halfLife > 0 ? q * 2 ** (-((Math.abs(bp - mid) / mid) * 1e4) / halfLife) : q;
            }
            if (as === as && ap === ap) {
              const q = notional ? ap * as : as;
              askDepth += halfLife > 0 ? q * 2 ** (-((Math.abs(ap - mid) / mid) * 1e4) / halfLife) : q;
            }
          }
          // No book at all (0 / 0), or decay without a mid (NaN depth): NaN.
          out.imbalance[i] = (bidDepth - askDepth) / (bidDepth + askDepth);
        }
      },
    };
  },
});
