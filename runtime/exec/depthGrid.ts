import { BOOK_LEVEL_FIELDS } from '../ports.js';

/**
 * What a report needs to draw an order book over a run, small whatever the run's length: the
 * resting size of a book source on a bounded price × time grid (a depth heatmap), the best bid
 * and ask per time column, and the trades of a trades source cut down to the largest few
 * thousand. Pure functions of a replay's columns (SourceData), computed once after loading by
 * runGraph when asked (`RunOptions.depth`, the CLI's --report); never part of what nodes see.
 */

export interface DepthGridOptions {
  /** Time columns at most (default 600): about one per pixel of a wide chart. */
  maxColumns?: number;
  /** Price rows at most (default 200). */
  maxRows?: number;
}

export interface DepthGrid {
  kind: 'book';
  levels: number;
  snapshots: number;
  /** Columns cover [start, end) in equal steps (ms). Snapshot i rests from its time to the next one's; the last for the mean interval. */
  start: number;
  end: number;
  columns: number;
  rows: number;
  /** Rows cover [priceLow, priceHigh) in equal steps, row 0 the lowest. */
  priceLow: number;
  priceHigh: number;
  /**
   * Time-averaged resting size per cell, bids and asks apart: cell (column c, row r) at
   * `c * rows + r` is the sum over the levels whose price falls in row r of size × the time the
   * level rested there within column c, over the column's duration (0: nothing rested).
   */
  bid: Float64Array;
  ask: Float64Array;
  /** Best bid and ask per column, averaged over the time the column had one (NaN: none). */
  bestBid: Float64Array;
  bestAsk: Float64Array;
  /** Share of the resting size × time that lies outside the price range (the range is robust: the 0.1 % .. 99.9 % quantiles of the level prices). */
  clipped: number;
}

export interface TradeMarks {
  kind: 'trades';
  /** Trades in the source, and kept here (the largest, when there were more than maxTrades). */
  total: number;
  kept: number;
  /** Size of the smallest trade kept (0 without trades). */
  minKeptSize: number;
  /** The kept trades in time order: event time (ms), price, size, aggressor side (+1 buy, -1 sell, NaN unknown). */
  time: Float64Array;
  price: Float64Array;
  size: Float64Array;
  side: Float64Array;
}

const DEFAULT_COLUMNS = 600;
const DEFAULT_ROWS = 200;
export const DEFAULT_MAX_TRADES = 3000;
/** Price samples for the range quantiles at most (a stride through the levels beyond that). */
const RANGE_SAMPLES = 200_000;

/** The depth grid of a book replay: `t` its snapshot times, `columns` by name (bidPrice1, bidSize1, askPrice1, askSize1, bidPrice2, ...). */
export function depthGrid(t: Float64Array, columns: Record<string, Float64Array>, levels: number, options: DepthGridOptions = {}): DepthGrid {
  const n = t.length;
  const col = (field: (typeof BOOK_LEVEL_FIELDS)[number], level: number): Float64Array => {
    const c = columns[field + level];
    if (!c) throw new Error(`depthGrid: the book has no column ${field}${level} (expected ${levels} levels)`);
    return c;
  };
  const bidPrice: Float64Array[] = [];
  const bidSize: Float64Array[] = [];
  const askPrice: Float64Array[] = [];
  const askSize: Float64Array[] = [];
  for (let l = 1; l <= levels; l++) {
    bidPrice.push(col('bidPrice', l));
    bidSize.push(col('bidSize', l));
    askPrice.push(col('askPrice', l));
    askSize.push(col('askSize', l));
  }

  // Price range: robust quantiles of every level's price (a stray far level does not flatten the picture).
  const total = n * levels * 2;
  const stride = Math.max(1, Math.ceil(total / RANGE_SAMPLES));
  const samples = new Float64Array(Math.ceil(total / stride));
  let m = 0;
  for (let k = 0; k < total; k += stride) {
    const i = Math.floor(k / (levels * 2));
    const j = k % (levels * 2);
    const p = j < levels ? bidPrice[j][i] : askPrice[j - levels][i];
    if (p === p) samples[m++] = p;
  }
  const sorted = samples.subarray(0, m).sort();
  const low = m ? sorted[Math.floor(0.001 * (m - 1))] : 0;
  const high = m ? sorted[Math.ceil(0.999 * (m - 1))] : 0;
  // Row r is centred on low + r * step, so the extreme prices sit in the middle of the end rows.
  const rows = high > low ? Math.max(2, Math.floor(options.maxRows ?? DEFAULT_ROWS)) : 1;
  const step = high > low ? (high - low) / (rows - 1) : Math.max(Math.abs(low) * 1e-6, 1e-9);
  const priceLow = low - step / 2;
  const priceHigh = rows > 1 ? high + step / 2 : low + step / 2;

  const start = n ? t[0] : 0;
  const meanInterval = n > 1 ? (t[n - 1] - t[0]) / (n - 1) : 1;
  const end = n ? t[n - 1] + meanInterval : 1;
  const cols = Math.max(1, Math.min(Math.floor(options.maxColumns ?? DEFAULT_COLUMNS), n));
  const width = (end - start) / cols;
  const bid = new Float64Array(cols * rows);
  const ask = new Float64Array(cols * rows);
  const bidSum = new Float64Array(cols);
  const bidTime = new Float64Array(cols);
  const askSum = new Float64Array(cols);
  const askTime = new Float64Array(cols);
  let inside = 0;
  let outside = 0;

  const rowOf = (p: number): number => {
    const r = Math.floor((p - priceLow) / step);
    return r >= 0 && r < rows ? r : -1;
  };
  for (let i = 0; i < n; i++) {
    const a = t[i];
    const b = i + 1 < n ? t[i + 1] : end;
    let c = Math.min(cols - 1, Math.floor((a - start) / width));
    while (c < cols) {
      const c0 = start + c * width;
      const c1 = c === cols - 1 ? end : start + (c + 1) * width;
      const dt = Math.min(b, c1) - Math.max(a, c0);
      if (dt > 0) {
        for (let l = 0; l < levels; l++) {
          const bs = bidSize[l][i];
          if (bs > 0) {
            const r = rowOf(bidPrice[l][i]);
            if (r >= 0) {
              bid[c * rows + r] += bs * dt;
              inside += bs * dt;
            } else outside += bs * dt;
          }
          const as = askSize[l][i];
          if (as > 0) {
            const r = rowOf(askPrice[l][i]);
            if (r >= 0) {
              ask[c * rows + r] += as * dt;
              inside += as * dt;
            } else outside += as * dt;
          }
        }
        const bb = bidPrice[0][i];
        if (bb === bb) {
          bidSum[c] += bb * dt;
          bidTime[c] += dt;
        }
        const ba = askPrice[0][i];
        if (ba === ba) {
          askSum[c] += ba * dt;
          askTime[c] += dt;
        }
      }
      if (c1 >= b) break;
      c++;
    }
  }
  const bestBid = new Float64Array(cols);
  const bestAsk = new Float64Array(cols);
  for (let c = 0; c < cols; c++) {
    const w = c === cols - 1 ? end - (start + c * width) : width;
    for (let r = 0; r < rows; r++) {
      bid[c * rows + r] /= w;
      ask[c * rows + r] /= w;
    }
    bestBid[c] = bidTime[c] > 0 ? bidSum[c] / bidTime[c] : NaN;
    bestAsk[c] = askTime[c] > 0 ? askSum[c] / askTime[c] : NaN;
  }
  return {
    kind: 'book',
    levels,
    snapshots: n,
    start,
    end,
    columns: cols,
    rows,
    priceLow,
    priceHigh,
    bid,
    ask,
    bestBid,
    bestAsk,
    clipped: inside + outside > 0 ? outside / (inside + outside) : 0,
  };
}

/**
 * A trades replay's trades for drawing: all of them when at most `maxTrades`, else the
 * `maxTrades` largest by size (ties: the earlier), in time order. `t` is the event time.
 */
export function tradeMarks(t: Float64Array, columns: Record<string, Float64Array>, maxTrades = DEFAULT_MAX_TRADES): TradeMarks {
  const { price, size, side } = columns;
  if (!price || !size || !side) throw new Error('tradeMarks: expected trade columns price, size and side');
  const valid: number[] = [];
  for (let i = 0; i < t.length; i++) if (price[i] === price[i] && size[i] === size[i]) valid.push(i);
  let keep = valid;
  if (valid.length > maxTrades) {
    // The size of the maxTrades-th largest: everything above it, then the earliest at it.
    const sizes = Float64Array.from(valid, (i) => size[i]).sort();
    const threshold = sizes[sizes.length - maxTrades];
    let above = 0;
    for (const i of valid) if (size[i] > threshold) above++;
    let atThreshold = maxTrades - above;
    keep = [];
    for (const i of valid) {
      if (size[i] > threshold) keep.push(i);
      else if (size[i] === threshold && atThreshold > 0) {
        keep.push(i);
        atThreshold--;
      }
    }
  }
  const pickOf = (a: Float64Array) => Float64Array.from(keep, (i) => a[i]);
  const kept = pickOf(size);
  let minKeptSize = kept.length ? Infinity : 0;
  for (let k = 0; k < kept.length; k++) if (kept[k] < minKeptSize) minKeptSize = kept[k];
  return { kind: 'trades', total: valid.length, kept: keep.length, minKeptSize, time: pickOf(t), price: pickOf(price), size: kept, side: pickOf(side) };
}
