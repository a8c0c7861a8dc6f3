import type { TradesSpec } from '../../records/sourceSpec.js';
import { TradeChecker } from '../../records/checkTrades.js';
import { DATA_MAX_BYTES } from '../../boundedRead.js';
import { QUOTE_MAX, clipText, quoteText } from '../../quoteText.js';
import { readDataFile } from './dataFile.js';
import { DataError } from './readCandleCsv.js';
import { CsvCells, bytesAre, findColumn, headerOf, indexLines, lastRowLine, lineText } from './csvText.js';

export interface TradeColumns {
  /** Exchange trade times of the kept trades (epoch ms) and their event times (same-millisecond trades sequenced). */
  time: Float64Array;
  t: Float64Array;
  price: Float64Array;
  size: Float64Array;
  /** Aggressor side: +1 buy, -1 sell, NaN unknown. */
  side: Float64Array;
  /** Exchange trade ids (NaN when the file has none). */
  id: Float64Array;
  checker: TradeChecker;
}

/** Header names recognised for each field, first match wins (Binance / hftbacktest exports, Tardis, ccxt). */
export const TRADE_COLUMNS = {
  time: ['time', 'timestamp', 'trade_time', 'datetime'],
  price: ['price', 'px'],
  size: ['qty', 'size', 'amount', 'quantity', 'sz'],
  side: ['aggressor_side', 'side', 'taker_side'],
  buyerMaker: ['is_buyer_maker', 'isBuyerMaker', 'buyer_maker'],
  id: ['trade_id', 'id', 'tradeId'],
} as const;

const EXAMPLE = 'a header such as time,price,qty,aggressor_side (and optionally trade_id) followed by one row per trade';

/**
 * Trades from a CSV file (optionally gzipped), in exchange order. The side is the aggressor's:
 * a side column (buy/sell, b/s; empty = unknown), or is_buyer_maker (true: the seller
 * aggressed). Every row goes through TradeChecker; problems name file:line.
 */
export async function readTrades(path: string, spec: TradesSpec, warn: (code: string, message: string) => void, maxBytes = DATA_MAX_BYTES): Promise<TradeColumns> {
  if (/\.(jsonl|ndjson)(\.gz)?$/i.test(path)) throw new DataError(path, 0, 'options', 'trades are read from CSV files (optionally .gz) so far; convert the JSON lines to CSV with a header such as time,price,qty,aggressor_side');
  const buf = await readDataFile(path, maxBytes);
  const checker = new TradeChecker(spec, warn, (at) => `${path}:${at}`, (at, kind, message) => new DataError(path, Number(at), kind, message));
  const reject = (line: number, kind: 'malformed' | 'nan', message: string, hint: string) => checker.reject(line, kind, message, hint);
  const lines = indexLines(path, buf, 'trade');
  const names = headerOf(path, lineText(lines, 0), EXAMPLE, 'a trades file');
  const found = clipText(names.join(', '), 2 * QUOTE_MAX);
  const at = (field: keyof typeof TRADE_COLUMNS) => findColumn(names, TRADE_COLUMNS[field]);
  const [timeAt, priceAt, sizeAt, sideAt, makerAt, idAt] = [at('time'), at('price'), at('size'), at('side'), at('buyerMaker'), at('id')];
  for (const [field, index] of [['time', timeAt], ['price', priceAt], ['size', sizeAt]] as const) {
    if (index < 0) throw new DataError(path, 1, 'missing-column', `no ${field} column (looked for ${TRADE_COLUMNS[field].join(', ')}); found columns: ${found}. Rename the file's column`);
  }
  if (sideAt < 0 && makerAt < 0) warn('data/no-side', `${path}: no aggressor side column (${[...TRADE_COLUMNS.side, ...TRADE_COLUMNS.buyerMaker].join(', ')}); every trade's side is unknown (NaN), so nodes that need it classify volume themselves`);
  const capacity = Math.max(0, lines.starts.length - 1);
  const cols = { time: new Float64Array(capacity), t: new Float64Array(capacity), price: new Float64Array(capacity), size: new Float64Array(capacity), side: new Float64Array(capacity), id: new Float64Array(capacity) };
  const needed = Math.max(timeAt, priceAt, sizeAt, sideAt, makerAt, idAt) + 1;
  const cells = new CsvCells(path, lines, names, needed, reject);
  const sideCell = sideAt >= 0 ? sideAt : makerAt;
  const cellSide = (): number | undefined => {
    if (sideCell < 0) return NaN;
    if (!cells.slow) {
      const s = cells.fieldStart[sideCell];
      const e = cells.fieldEnd[sideCell];
      if (sideAt >= 0) {
        if (bytesAre(buf, s, e, 'buy')) return 1;
        if (bytesAre(buf, s, e, 'sell')) return -1;
      } else {
        if (bytesAre(buf, s, e, 'true')) return -1;
        if (bytesAre(buf, s, e, 'false')) return 1;
      }
    }
    return sideAt >= 0 ? sideOf(cells.text(sideAt)) : makerSide(cells.text(makerAt));
  };
  const last = lastRowLine(lines);
  let row = 0;
  for (let i = 1; i < last; i++) {
    const line = i + 1;
    if (!cells.row(i)) continue;
    const time = cells.time(timeAt, line);
    if (Number.isNaN(time)) continue;
    const price = cells.number(priceAt, line);
    const size = cells.number(sizeAt, line);
    const id = idAt < 0 ? NaN : cells.number(idAt, line);
    if (price === undefined || size === undefined || id === undefined) continue;
    const side = cellSide();
    if (side === undefined) {
      reject(line, 'malformed', `${names[sideCell]} ${quoteText(cells.text(sideCell))} is not a side; expected ${sideAt >= 0 ? 'buy or sell (or empty when unknown)' : 'true or false'}`, 'Fix the side');
      continue;
    }
    const t = checker.accept(time, price, size, side, id, line);
    if (Number.isNaN(t)) continue;
    cols.time[row] = time;
    cols.t[row] = t;
    cols.price[row] = price;
    cols.size[row] = size;
    cols.side[row] = side;
    cols.id[row] = id;
    row++;
  }
  const n = row;
  return { time: cols.time.slice(0, n), t: cols.t.slice(0, n), price: cols.price.slice(0, n), size: cols.size.slice(0, n), side: cols.side.slice(0, n), id: cols.id.slice(0, n), checker };
}

function sideOf(text: string): number | undefined {
  const s = text.toLowerCase();
  if (s === 'buy' || s === 'b') return 1;
  if (s === 'sell' || s === 's') return -1;
  return s === '' || s === 'unknown' ? NaN : undefined;
}

/** is_buyer_maker: the buyer's order rested, so the seller took liquidity. */
function makerSide(text: string): number | undefined {
  const s = text.toLowerCase();
  if (s === 'true' || s === '1') return -1;
  if (s === 'false' || s === '0') return 1;
  return s === '' ? NaN : undefined;
}
