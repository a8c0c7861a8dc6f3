import { ASK_PRICE, ASK_SIZE, BID_PRICE, BID_SIZE } from '../ports.js';
import type { BookSpec } from './sourceSpec.js';

/** What a book snapshot can be dropped for (onBadRow skip / warn) or stop the run for (error). */
export type BookIssueKind = 'malformed' | 'nan' | 'non-positive-price' | 'non-positive-size' | 'unordered-levels' | 'crossed-book' | 'duplicate' | 'out-of-order';

/** A level's name in messages, built only when one is needed (a string per level and row would cost more than the checks). */
const levelName = (side: string, l: number) => `${side} level ${l + 1}`;

const iso = (ms: number) => {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? String(ms) : d.toISOString();
};

/**
 * The checks of every book source, snapshot by snapshot: integer epoch-ms times strictly
 * increasing; update ids (when the data has them) strictly increasing; on each side, levels
 * present from the touch outwards (a thin book leaves the deepest levels empty: NaN price and
 * size), prices > 0 and strictly moving away from the touch, sizes > 0; best bid below best ask
 * (a crossed or locked book is an error: a book rebuilt from a broken diff sequence looks like
 * this). A snapshot is `levels * 4` numbers in the order of `bookFields`.
 */
export class BookChecker {
  dropped = 0;
  private previousTime = NaN;
  private previousId = NaN;
  private previousAt: string | number = '';
  private readonly start: number;
  private readonly end: number;

  constructor(
    private readonly spec: BookSpec,
    private readonly warn: (code: string, message: string) => void,
    private readonly where: (at: string | number) => string,
    private readonly fail: (at: string | number, kind: BookIssueKind, message: string) => Error,
  ) {
    this.start = spec.start ?? -Infinity;
    this.end = spec.end ?? Infinity;
  }

  /** True to keep the snapshot `levels[offset .. offset + 4 * spec.levels)`; false to drop it. Throws under onBadRow: error. */
  accept(time: number, updateId: number, levels: ArrayLike<number>, offset: number, at: string | number): boolean {
    if (!(Number.isInteger(time) && time >= 0)) return this.reject(at, 'malformed', `time is ${time}; expected integer epoch milliseconds`, 'Fix the time');
    for (let side = 0; side < 2; side++) {
      const priceAt = side === 0 ? BID_PRICE : ASK_PRICE;
      const sizeAt = side === 0 ? BID_SIZE : ASK_SIZE;
      const name = side === 0 ? 'bid' : 'ask';
      let previous = NaN;
      let ended = 0;
      for (let l = 0; l < this.spec.levels; l++) {
        const price = levels[offset + 4 * l + priceAt];
        const size = levels[offset + 4 * l + sizeAt];
        if (Number.isNaN(price) && Number.isNaN(size)) {
          ended ||= l + 1;
          continue;
        }
        if (ended) return this.reject(at, 'malformed', `${levelName(name, l)} follows the empty ${name} level ${ended}; levels must be filled from the best outwards`, 'Fix the row');
        if (!Number.isFinite(price) || !Number.isFinite(size)) return this.reject(at, 'nan', `${levelName(name, l)} has price ${price} and size ${size}; expected two finite numbers (or both empty for a level the book does not have)`, 'Fix or remove the row');
        if (price <= 0) return this.reject(at, 'non-positive-price', `${levelName(name, l)} price is ${price}; expected > 0`, 'Fix or remove the row');
        if (size <= 0) return this.reject(at, 'non-positive-size', `${levelName(name, l)} size is ${size}; expected > 0 (a level with nothing resting is not in the book)`, 'Fix or remove the row');
        if (previous === previous && (side === 0 ? price >= previous : price <= previous)) {
          return this.reject(at, 'unordered-levels', `${levelName(name, l)} price ${price} is not ${side === 0 ? 'below' : 'above'} level ${l} (${previous}); ${name}s must ${side === 0 ? 'fall' : 'rise'} away from the touch`, 'Fix or remove the row');
        }
        previous = price;
      }
    }
    const bid = levels[offset + BID_PRICE];
    const ask = levels[offset + ASK_PRICE];
    if (bid >= ask) return this.reject(at, 'crossed-book', `the book is ${bid === ask ? 'locked' : 'crossed'}: best bid ${bid} >= best ask ${ask}; a book rebuilt from a broken update sequence looks like this`, 'Rebuild the book from a fresh snapshot, or remove the row');
    if (time <= this.previousTime) {
      return time === this.previousTime
        ? this.reject(at, 'duplicate', `duplicate time ${iso(time)} (also at ${this.where(this.previousAt)}); book snapshots need strictly increasing times`, 'Keep the last snapshot of each millisecond')
        : this.reject(at, 'out-of-order', `time ${iso(time)} goes backwards (${this.where(this.previousAt)} has ${iso(this.previousTime)}); book snapshots must be in time order`, 'Sort the rows by time');
    }
    if (updateId === updateId && this.previousId === this.previousId && updateId <= this.previousId) {
      return this.reject(at, 'out-of-order', `update id ${updateId} is not after ${this.previousId} (${this.where(this.previousAt)}); the book's updates must be in sequence`, 'Sort the rows, or rebuild the book from the exchange stream');
    }
    this.previousTime = time;
    if (updateId === updateId) this.previousId = updateId;
    this.previousAt = at;
    return time >= this.start && time < this.end;
  }

  reject(at: string | number, kind: BookIssueKind, message: string, hint: string): false {
    if (this.spec.onBadRow === 'error') throw this.fail(at, kind, `${message}. ${hint} or set onBadRow: skip`);
    this.dropped++;
    if (this.spec.onBadRow === 'warn') this.warn(`data/${kind}`, `${this.where(at)}: ${message} (row dropped)`);
    return false;
  }
}

/** Provenance and data-quality facts of a book source, for the run summary. */
export function bookInfo(spec: BookSpec, origin: Record<string, unknown>, time: Float64Array, checker: BookChecker, updates?: { gaps: number; messagesDropped: number; staleMessages: number }): Record<string, unknown> {
  return { record: 'book', symbol: spec.symbol, levels: spec.levels, ...origin, rows: time.length, firstTime: time[0], lastTime: time[time.length - 1], rowsDropped: checker.dropped, ...(updates ? { keptFromUpdates: true, ...updates } : {}) };
}
