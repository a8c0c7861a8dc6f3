import type { BookSpec } from '../../records/sourceSpec.js';
import { BookChecker } from '../../records/checkBook.js';
import { QUOTE_MAX, clipText, quoteText } from '../../quoteText.js';
import { DataError } from './readCandleCsv.js';
import { csvRows, exchangeTime, findColumn, numberCell } from './csvText.js';
import type { BookColumns } from './readBook.js';

/** Header names of the incremental (level update) format: Tardis' incremental_book_L2, with Binance's update ids when present. */
export const UPDATE_COLUMNS = {
  time: ['time', 'timestamp', 'event_time'],
  snapshot: ['is_snapshot', 'snapshot'],
  side: ['side'],
  price: ['price'],
  size: ['amount', 'size', 'qty', 'quantity'],
  firstId: ['first_update_id', 'U'],
  lastId: ['update_id', 'last_update_id', 'u'],
} as const;

/** Is this header the incremental format (one level update per row) rather than one snapshot per row? */
export function isUpdateHeader(names: readonly string[]): boolean {
  return findColumn(names, UPDATE_COLUMNS.snapshot) >= 0 && findColumn(names, UPDATE_COLUMNS.side) >= 0;
}

/** One side of the book kept whole: prices sorted from the touch outwards, sizes beside them. */
class Side {
  prices: number[] = [];
  sizes: number[] = [];
  constructor(private readonly bid: boolean) {}

  clear(): void {
    this.prices.length = 0;
    this.sizes.length = 0;
  }

  /** Sets the size at `price`; 0 removes the level. */
  set(price: number, size: number): void {
    const prices = this.prices;
    // Binary search for the first level not better than `price`.
    let lo = 0;
    let hi = prices.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.bid ? prices[mid] > price : prices[mid] < price) lo = mid + 1;
      else hi = mid;
    }
    const found = lo < prices.length && prices[lo] === price;
    if (size === 0) {
      if (found) {
        prices.splice(lo, 1);
        this.sizes.splice(lo, 1);
      }
    } else if (found) this.sizes[lo] = size;
    else {
      prices.splice(lo, 0, price);
      this.sizes.splice(lo, 0, size);
    }
  }
}

/**
 * An order book kept from level updates (CSV, optionally gzipped): one row per level change,
 * `time, is_snapshot, side, price, amount` (Tardis' incremental_book_L2) plus, when the data
 * has them, Binance's update ids `first_update_id` (U) and `update_id` (u). Rows with the same
 * time and update id are one message, and one event: the top `spec.levels` of the book after the
 * message, checked like a snapshot (crossed, unordered ...). Snapshot rows replace the book;
 * an amount of 0 removes the level, a negative amount is an error. The sequence check: a
 * message's first id must follow the previous message's last id (U = u + 1); a break is an error
 * naming the line, or under `onGap: resync` the updates are dropped (counted) until the next
 * snapshot rebuilds the book.
 */
export function bookFromUpdates(path: string, lines: readonly string[], names: string[], spec: BookSpec, warn: (code: string, message: string) => void): BookColumns {
  const checker = new BookChecker(spec, warn, (at) => `${path}:${at}`, (at, kind, message) => new DataError(path, Number(at), kind, message));
  const reject = (line: number, kind: 'malformed' | 'nan', message: string, hint: string) => checker.reject(line, kind, message, hint);
  const found = clipText(names.join(', '), 2 * QUOTE_MAX);
  const at = (field: keyof typeof UPDATE_COLUMNS) => findColumn(names, UPDATE_COLUMNS[field]);
  const [timeAt, snapAt, sideAt, priceAt, sizeAt, firstAt, lastAt] = [at('time'), at('snapshot'), at('side'), at('price'), at('size'), at('firstId'), at('lastId')];
  for (const [field, index] of [['time', timeAt], ['price', priceAt], ['amount', sizeAt]] as const) {
    if (index < 0) throw new DataError(path, 1, 'missing-column', `no ${field} column in a book update file (looked for ${UPDATE_COLUMNS[field === 'amount' ? 'size' : field].join(', ')}); found columns: ${found}`);
  }
  const needed = Math.max(timeAt, snapAt, sideAt, priceAt, sizeAt, firstAt, lastAt) + 1;
  const bids = new Side(true);
  const asks = new Side(false);
  const width = spec.levels * 4;
  const t: number[] = [];
  const updateId: number[] = [];
  const levels: number[] = [];
  const snapshot = new Float64Array(width);
  let gaps = 0;
  let messagesDropped = 0;
  let lastId = NaN; // last update id applied
  // false before the first snapshot (there is no book to update yet), and after a break under resync until the next snapshot
  let synced = false;
  let beforeFirstSnapshot = 0;
  // The message being read: its time, ids, last line; `open` while rows keep coming.
  let open = false;
  let msgTime = NaN;
  let msgLast = NaN;
  let msgLine = 0;
  let inSnapshot = false;
  /** The message is older than the snapshot before it (u <= the snapshot's id): skipped, as Binance says. */
  let stale = false;
  let staleMessages = 0;
  /** A snapshot was applied and no update after it yet: the next one may overlap it. */
  let afterSnapshot = false;

  const emit = () => {
    if (!open) return;
    open = false;
    if (!synced || stale) return;
    for (let l = 0; l < spec.levels; l++) {
      snapshot[4 * l] = l < bids.prices.length ? bids.prices[l] : NaN;
      snapshot[4 * l + 1] = l < bids.sizes.length ? bids.sizes[l] : NaN;
      snapshot[4 * l + 2] = l < asks.prices.length ? asks.prices[l] : NaN;
      snapshot[4 * l + 3] = l < asks.sizes.length ? asks.sizes[l] : NaN;
    }
    if (!checker.accept(msgTime, msgLast, snapshot, 0, msgLine)) return;
    t.push(msgTime);
    updateId.push(msgLast);
    for (let c = 0; c < width; c++) levels.push(snapshot[c]);
  };

  for (const [fields, line] of csvRows(lines, reject)) {
    if (fields.length < needed) {
      reject(line, 'malformed', `found ${fields.length} values, expected ${names.length} (header: ${clipText(names.join(','))}): ${quoteText(lines[line - 1])}`, 'Every row needs one value per header column; fix the row');
      continue;
    }
    const time = exchangeTime(path, fields[timeAt], line, names[timeAt], reject);
    const price = numberCell(fields[priceAt], line, names[priceAt], reject);
    const size = numberCell(fields[sizeAt], line, names[sizeAt], reject);
    const first = firstAt < 0 ? NaN : numberCell(fields[firstAt], line, names[firstAt], reject);
    const last = lastAt < 0 ? NaN : numberCell(fields[lastAt], line, names[lastAt], reject);
    if (Number.isNaN(time) || price === undefined || size === undefined || first === undefined || last === undefined) continue;
    const sideText = fields[sideAt].toLowerCase();
    const bid = sideText === 'bid' || sideText === 'buy' || sideText === 'b';
    if (!bid && !(sideText === 'ask' || sideText === 'sell' || sideText === 'a')) {
      reject(line, 'malformed', `side ${quoteText(fields[sideAt])} is not a side; expected bid or ask`, 'Fix the side');
      continue;
    }
    const isSnapshot = /^(true|1)$/i.test(fields[snapAt]);
    if (!(size >= 0) || !(price > 0)) {
      throw new DataError(path, line, size < 0 ? 'non-positive-size' : 'malformed', `${size < 0 ? `amount is ${size}; expected >= 0 (0 removes the level)` : `price is ${price}; expected > 0`}: the book cannot be kept from this update. Fix the data`);
    }
    // A new message: a new time or update id, or the start of a snapshot.
    const sameMessage = open && time === msgTime && (Object.is(last, msgLast) || (Number.isNaN(last) && Number.isNaN(msgLast))) && (isSnapshot === inSnapshot);
    if (!sameMessage) {
      emit();
      if (inSnapshot && !isSnapshot) afterSnapshot = true;
      open = true;
      msgTime = time;
      msgLast = last;
      inSnapshot = isSnapshot;
      stale = false;
      if (isSnapshot) {
        bids.clear();
        asks.clear();
        synced = true;
        afterSnapshot = false;
      } else if (synced && last === last && lastId === lastId) {
        // Binance's rules: the first message after a snapshot has U <= id + 1 <= u (older ones are skipped);
        // after that each starts right after the previous one (U = u + 1). Without U, u must move on.
        let broken = false;
        if (first === first && afterSnapshot) {
          stale = last <= lastId;
          broken = !stale && first > lastId + 1;
          if (!stale) afterSnapshot = false;
        } else broken = first === first ? first !== lastId + 1 : last <= lastId;
        if (stale) staleMessages++;
        if (broken) {
          gaps++;
          const what = first === first ? `update ids jump from ${lastId} to ${first}` : `update id ${last} does not follow ${lastId}`;
          if (spec.onGap !== 'resync') throw new DataError(path, line, 'sequence-gap', `${what}: updates are missing, so the book kept from here would be wrong. Use the exchange's full update stream, or set onGap: resync to drop updates until the next snapshot`);
          warn('data/sequence-gap', `${path}:${line}: ${what}; updates dropped until the next snapshot (onGap: resync)`);
          synced = false;
        }
      }
      if (!synced && gaps === 0) beforeFirstSnapshot++;
      else if (!synced) messagesDropped++;
    }
    msgLine = line;
    if (stale) continue;
    if (last === last) lastId = last;
    if (synced) (bid ? bids : asks).set(price, size);
  }
  emit();
  if (beforeFirstSnapshot) warn('data/no-snapshot', `${path}: ${beforeFirstSnapshot} update message(s) before the first snapshot were dropped: a book can only be kept from a snapshot on`);
  const n = t.length;
  const columns = Array.from({ length: width }, (_, c) => {
    const column = new Float64Array(n);
    for (let r = 0; r < n; r++) column[r] = levels[r * width + c];
    return column;
  });
  return { t: Float64Array.from(t), updateId: Float64Array.from(updateId), levels: columns, checker, updates: { gaps, messagesDropped, staleMessages } };
}
