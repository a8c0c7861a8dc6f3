import { MAX_TRADES_PER_MS, TRADE_TIME_STEP, type TradesSpec } from './sourceSpec.js';

/** What a trade row can be dropped for (onBadRow skip / warn) or stop the run for (error). */
export type TradeIssueKind = 'malformed' | 'nan' | 'non-positive-price' | 'non-positive-size' | 'duplicate' | 'out-of-order';

const iso = (ms: number) => {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? String(ms) : d.toISOString();
};

/**
 * The checks of every trades source, trade by trade (file readers, memory feeds, later live
 * feeds): integer epoch-ms times that never go backwards, positive finite price and size, a side
 * of +1, -1 or NaN (unknown), and trade ids (when the data has them) strictly increasing, a
 * repeated id being a duplicate trade. Ids that skip are counted as missing trades (`idGaps`,
 * `missingTrades`): reported, never papered over. Kept trades get their event time here:
 * trades of one millisecond are spaced TRADE_TIME_STEP apart in arrival order.
 */
export class TradeChecker {
  dropped = 0;
  idGaps = 0;
  missingTrades = 0;
  private previousTime = NaN;
  private previousId = NaN;
  private previousAt: string | number = '';
  /** Trades kept so far in the millisecond previousTime (their sequence). */
  private inMs = 0;
  private readonly start: number;
  private readonly end: number;

  constructor(
    private readonly spec: TradesSpec,
    private readonly warn: (code: string, message: string) => void,
    /** Names a row in messages: `trades.csv:12`, `memory feed t event 3`. */
    private readonly where: (at: string | number) => string,
    private readonly fail: (at: string | number, kind: TradeIssueKind, message: string) => Error,
  ) {
    this.start = spec.start ?? -Infinity;
    this.end = spec.end ?? Infinity;
  }

  /**
   * The trade's event time, or NaN to drop it (bad under skip/warn, or outside start/end).
   * Throws under onBadRow: error. `id` NaN: the data has no trade ids.
   */
  accept(time: number, price: number, size: number, side: number, id: number, at: string | number): number {
    if (!(Number.isInteger(time) && time >= 0)) return this.reject(at, 'malformed', `time is ${time}; expected integer epoch milliseconds`, 'Fix the time');
    if (!Number.isFinite(price) || !Number.isFinite(size)) return this.reject(at, 'nan', `${Number.isFinite(price) ? 'size' : 'price'} is ${Number.isFinite(price) ? size : price}; expected a finite number`, 'Fix or remove the trade');
    if (price <= 0) return this.reject(at, 'non-positive-price', `price is ${price}; expected a price > 0`, 'Fix or remove the trade');
    if (size <= 0) return this.reject(at, 'non-positive-size', `size is ${size}; expected a traded size > 0`, 'Fix or remove the trade');
    if (!(side === 1 || side === -1 || Number.isNaN(side))) return this.reject(at, 'malformed', `side is ${side}; expected 1 (buy), -1 (sell) or NaN (unknown)`, 'Fix the side');
    if (time < this.previousTime) {
      return this.reject(at, 'out-of-order', `time ${iso(time)} goes backwards (${this.where(this.previousAt)} has ${iso(this.previousTime)}); trades must be in time order`, 'Sort the trades by time (and id)');
    }
    if (id === id && this.previousId === this.previousId) {
      if (id === this.previousId) return this.reject(at, 'duplicate', `trade id ${id} repeats (also at ${this.where(this.previousAt)}); each trade once`, 'Remove the duplicate');
      if (id < this.previousId) return this.reject(at, 'out-of-order', `trade id ${id} goes backwards (${this.where(this.previousAt)} has ${this.previousId}); trades must be in exchange order`, 'Sort the trades by id');
      if (id > this.previousId + 1) {
        this.idGaps++;
        this.missingTrades += id - this.previousId - 1;
      }
    }
    if (id === id) this.previousId = id;
    this.inMs = time === this.previousTime ? this.inMs + 1 : 0;
    if (this.inMs >= MAX_TRADES_PER_MS) {
      throw this.fail(at, 'malformed', `more than ${MAX_TRADES_PER_MS} trades at ${iso(time)}; hean orders the trades of one millisecond ${MAX_TRADES_PER_MS} per millisecond at most. Merge fills of one taker order (as aggregated trades do) before reading`);
    }
    this.previousTime = time;
    this.previousAt = at;
    if (time < this.start || time >= this.end) return NaN;
    return time + this.inMs * TRADE_TIME_STEP;
  }

  /** A bad row: throws under onBadRow: error, else counts it (and prints it under warn). Always NaN. */
  reject(at: string | number, kind: TradeIssueKind, message: string, hint: string): number {
    if (this.spec.onBadRow === 'error') throw this.fail(at, kind, `${message}. ${hint} or set onBadRow: skip`);
    this.dropped++;
    if (this.spec.onBadRow === 'warn') this.warn(`data/${kind}`, `${this.where(at)}: ${message} (row dropped)`);
    return NaN;
  }
}

/** Provenance and data-quality facts of a trades source, for the run summary. */
export function tradesInfo(spec: TradesSpec, origin: Record<string, unknown>, time: Float64Array, side: Float64Array, checker: TradeChecker): Record<string, unknown> {
  let buys = 0;
  let sells = 0;
  for (let i = 0; i < side.length; i++) {
    if (side[i] === 1) buys++;
    else if (side[i] === -1) sells++;
  }
  return {
    record: 'trades',
    symbol: spec.symbol,
    ...origin,
    rows: time.length,
    firstTime: time[0],
    lastTime: time[time.length - 1],
    buys,
    sells,
    idGaps: checker.idGaps,
    missingTrades: checker.missingTrades,
    rowsDropped: checker.dropped,
  };
}
