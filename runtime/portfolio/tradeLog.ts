import type { ExitReason, Trade } from './metrics.js';

/**
 * A round trip as numbers: a broker writes one into a TRADE_FIELDS-long Float64Array (its
 * scratch record) and hands it to TradeLog.add, or makes it a Trade (tradeOf) for an open one.
 * exitTime is NaN while the trade is open; instrument and exitReason are indexes, -1 when the
 * trade has none (sink.broker's); carry 0 is left out of the Trade.
 */
export const ENTRY_TIME = 0;
export const ENTRY_PRICE = 1;
export const EXIT_TIME = 2;
export const EXIT_PRICE = 3;
export const QTY = 4;
export const FEES = 5;
export const PNL = 6;
export const INSTRUMENT = 7;
export const EXIT_REASON = 8;
export const CARRY = 9;
export const TRADE_FIELDS = 10;

export const EXIT_REASONS: readonly ExitReason[] = ['signal', 'stopLoss', 'takeProfit', 'trailingStop', 'liquidation'];

/** A scratch record: no instrument, no exit reason, no carry. */
export function tradeRecord(): Float64Array {
  const record = new Float64Array(TRADE_FIELDS);
  record[INSTRUMENT] = -1;
  record[EXIT_REASON] = -1;
  return record;
}

/** The Trade of the record at `at` in `v`; `names` names the instrument indexes. */
export function tradeOf(v: Float64Array, at: number, names?: readonly string[]): Trade {
  const exitTime = v[at + EXIT_TIME];
  const trade: Trade = {
    entryTime: v[at + ENTRY_TIME],
    entryPrice: v[at + ENTRY_PRICE],
    exitTime: exitTime === exitTime ? exitTime : null,
    exitPrice: v[at + EXIT_PRICE],
    qty: v[at + QTY],
    fees: v[at + FEES],
    pnl: v[at + PNL],
  };
  if (v[at + INSTRUMENT] >= 0) trade.instrument = names![v[at + INSTRUMENT]];
  if (v[at + EXIT_REASON] >= 0) trade.exitReason = EXIT_REASONS[v[at + EXIT_REASON]];
  if (v[at + CARRY] !== 0) trade.carry = v[at + CARRY];
  return trade;
}

/**
 * Closed trades: all of them, or the latest `cap` in a ring, as records in one Float64Array. A
 * round trip closing on the event path copies ten numbers instead of allocating a Trade that
 * lives to the report: V8 pretenures such objects into old space, whose first-touch page faults
 * made the 20,000 trade objects of sma-cross on 1 M bars a quarter of its graph step. Trades are
 * made when the list is read.
 */
export class TradeLog {
  private values: Float64Array;
  private count = 0;
  private head = 0; // oldest, once the ring is full
  dropped = 0;

  constructor(
    private readonly cap: number,
    private readonly names?: readonly string[],
  ) {
    this.values = new Float64Array(TRADE_FIELDS * Math.min(cap, 64));
  }

  add(record: Float64Array): void {
    let slot: number;
    if (this.count < this.cap) {
      if (this.count * TRADE_FIELDS === this.values.length) {
        const grown = new Float64Array(Math.min(this.cap, this.count * 2) * TRADE_FIELDS);
        grown.set(this.values);
        this.values = grown;
      }
      slot = this.count++;
    } else {
      slot = this.head;
      this.head = this.head + 1 === this.cap ? 0 : this.head + 1;
      this.dropped++;
    }
    const v = this.values;
    const at = slot * TRADE_FIELDS;
    for (let f = 0; f < TRADE_FIELDS; f++) v[at + f] = record[f];
  }

  /** The latest trade added. */
  last(): Trade {
    const slot = this.count < this.cap ? this.count - 1 : (this.head + this.cap - 1) % this.cap;
    return tradeOf(this.values, slot * TRADE_FIELDS, this.names);
  }

  /** Oldest first, a fresh array. */
  list(): Trade[] {
    const out: Trade[] = new Array(this.count);
    for (let i = 0; i < this.count; i++) {
      const slot = this.count < this.cap ? i : (this.head + i) % this.cap;
      out[i] = tradeOf(this.values, slot * TRADE_FIELDS, this.names);
    }
    return out;
  }
}
