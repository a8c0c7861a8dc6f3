import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { bookFields, type Book, type Trades } from '../ports.js';
import { TRADE_TIME_STEP } from '../records/sourceSpec.js';
import { dataFile } from './dataFile.js';

export const REAL_BOOK_FILE = 'btcusdt_l2_top10_binance_spot_2024-08-08.csv.gz';
export const REAL_TRADES_FILE = 'btcusdt_trades_binance_spot_2024-08-08.csv.gz';

function csvLines(name: string): string[][] {
  return gunzipSync(readFileSync(dataFile(name)))
    .toString('utf8')
    .split('\n')
    .filter((line) => line.length > 0)
    .slice(1)
    .map((line) => line.split(','));
}

/** The real Binance spot L2 snapshots (top `levels`), parsed the plain way, as a Book plus times. */
export function realBook(levels = 10, rows = Infinity): { t: Float64Array; book: Book } {
  const lines = csvLines(REAL_BOOK_FILE).slice(0, rows);
  const names = bookFields(levels);
  const columns = names.map(() => new Float64Array(lines.length));
  const t = new Float64Array(lines.length);
  lines.forEach((fields, i) => {
    t[i] = Number(fields[0]);
    // File order per level: bid_px, bid_sz, ask_px, ask_sz (after time, recv_ns, last_update_id): the Book's order.
    for (let c = 0; c < names.length; c++) columns[c][i] = Number(fields[3 + c]);
  });
  return { t, book: { names, columns } };
}

/** The real Binance spot trades, parsed the plain way; same-millisecond trades sequenced as the trades source does. */
export function realTrades(rows = Infinity): { t: Float64Array; trades: Trades } {
  const lines = csvLines(REAL_TRADES_FILE).slice(0, rows);
  const n = lines.length;
  const trades: Trades = { time: new Float64Array(n), price: new Float64Array(n), size: new Float64Array(n), side: new Float64Array(n) };
  const t = new Float64Array(n);
  let k = 0;
  lines.forEach((fields, i) => {
    const time = Number(fields[0]);
    k = i > 0 && time === trades.time[i - 1] ? k + 1 : 0;
    trades.time[i] = time;
    trades.price[i] = Number(fields[2]);
    trades.size[i] = Number(fields[3]);
    trades.side[i] = fields[5] === 'buy' ? 1 : -1;
    t[i] = time + k * TRADE_TIME_STEP;
  });
  return { t, trades };
}

/**
 * The first `rows` events of the real book and trades merged on one timeline, as a graph node
 * reading both sees them: the book as of each event (a level), the trade columns only at the
 * trade's own event (a pulse; NaN elsewhere).
 */
export function realOrderFlow(rows: number, levels = 10): { t: Float64Array; book: Book; trades: Trades } {
  const b = realBook(levels);
  const tr = realTrades();
  const t = new Float64Array(rows);
  const book: Book = { names: b.book.names, columns: b.book.columns.map(() => new Float64Array(rows)) };
  const trades: Trades = { time: new Float64Array(rows), price: new Float64Array(rows), size: new Float64Array(rows), side: new Float64Array(rows) };
  let i = 0;
  let j = 0;
  let lastBook = -1;
  for (let r = 0; r < rows; r++) {
    const next = Math.min(i < b.t.length ? b.t[i] : Infinity, j < tr.t.length ? tr.t[j] : Infinity);
    if (next === Infinity) throw new Error(`realOrderFlow: the files hold fewer than ${rows} events`);
    t[r] = next;
    if (i < b.t.length && b.t[i] === next) lastBook = i++;
    for (let c = 0; c < book.columns.length; c++) book.columns[c][r] = lastBook < 0 ? NaN : b.book.columns[c][lastBook];
    const traded = j < tr.t.length && tr.t[j] === next;
    for (const f of ['time', 'price', 'size', 'side'] as const) trades[f][r] = traded ? tr.trades[f][j] : NaN;
    if (traded) j++;
  }
  return { t, book, trades };
}

/** A hand-listed tape: [price, size, side] per event, null for an event of another source (no trade); trade times 1000 + row. */
export function listedTrades(rows: ([number, number, number] | null)[]): Trades {
  const column = (k: number) => Float64Array.from(rows, (r) => (r ? r[k] : NaN));
  return { time: Float64Array.from(rows, (r, i) => (r ? 1_000 + i : NaN)), price: column(0), size: column(1), side: column(2) };
}
