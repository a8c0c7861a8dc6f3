import type { BookSpec } from '../../records/sourceSpec.js';
import { BookChecker } from '../../records/checkBook.js';
import { DATA_MAX_BYTES } from '../../boundedRead.js';
import { QUOTE_MAX, clipText } from '../../quoteText.js';
import { BOOK_LEVEL_FIELDS } from '../../ports.js';
import { readDataFile } from './dataFile.js';
import { DataError } from './readCandleCsv.js';
import { CsvCells, findColumn, headerOf, indexLines, lastRowLine, lineText } from './csvText.js';
import { bookFromUpdates, isUpdateHeader } from './readBookUpdates.js';

export interface BookColumns {
  /** Snapshot times (epoch ms), which are also the event times. */
  t: Float64Array;
  /** Update ids (NaN when the file has none). */
  updateId: Float64Array;
  /** `levels * 4` columns in the order of bookFields(levels). */
  levels: Float64Array[];
  checker: BookChecker;
  /** A book kept from level updates (readBookUpdates.ts): breaks in the update ids, messages dropped until a snapshot, stale messages skipped. */
  updates?: { gaps: number; messagesDropped: number; staleMessages: number };
}

/** Header names of level i (1-based) for each level field, per naming convention: hftbacktest / hean, camelCase, Tardis (0-based). */
function levelColumns(field: (typeof BOOK_LEVEL_FIELDS)[number], i: number): string[] {
  const side = field.startsWith('bid') ? 'bid' : 'ask';
  const isPrice = field.endsWith('Price');
  return [`${side}_${isPrice ? 'px' : 'sz'}_${i}`, `${field}${i}`, `${side}_${isPrice ? 'price' : 'size'}_${i}`, `${side}s[${i - 1}].${isPrice ? 'price' : 'amount'}`];
}

const TIME_COLUMNS = ['time', 'timestamp', 'event_time'];
const ID_COLUMNS = ['last_update_id', 'update_id', 'lastUpdateId', 'updateId'];
const EXAMPLE = 'a header such as time,last_update_id,bid_px_1,bid_sz_1,ask_px_1,ask_sz_1,bid_px_2,... followed by one snapshot per row';

/**
 * L2 book snapshots from a CSV file (optionally gzipped): a time, an optional update id, and
 * price and size per level and side; or a file of level updates (readBookUpdates.ts), told apart
 * by its header. The first `spec.levels` levels are read; a file with fewer
 * stops the read naming what it has. Every snapshot goes through BookChecker.
 */
export async function readBook(path: string, spec: BookSpec, warn: (code: string, message: string) => void, maxBytes = DATA_MAX_BYTES): Promise<BookColumns> {
  if (/\.(jsonl|ndjson)(\.gz)?$/i.test(path)) throw new DataError(path, 0, 'options', 'books are read from CSV files (optionally .gz) so far; convert the JSON lines to CSV with a header such as time,bid_px_1,bid_sz_1,ask_px_1,ask_sz_1,...');
  const buf = await readDataFile(path, maxBytes);
  const checker = new BookChecker(spec, warn, (at) => `${path}:${at}`, (at, kind, message) => new DataError(path, Number(at), kind, message));
  const reject = (line: number, kind: 'malformed' | 'nan', message: string, hint: string) => checker.reject(line, kind, message, hint);
  const lines = indexLines(path, buf, 'book snapshot');
  const names = headerOf(path, lineText(lines, 0), EXAMPLE, 'an order book file');
  // A file of level updates (one row per level change) keeps the book from them, line by line.
  if (isUpdateHeader(names)) return bookFromUpdates(path, lines.starts.map((_, i) => lineText(lines, i)), names, spec, warn);
  const found = clipText(names.join(', '), 2 * QUOTE_MAX);
  const timeAt = findColumn(names, TIME_COLUMNS);
  if (timeAt < 0) throw new DataError(path, 1, 'missing-column', `no time column (looked for ${TIME_COLUMNS.join(', ')}); found columns: ${found}. Rename the file's column`);
  const idAt = findColumn(names, ID_COLUMNS);
  const levelAt: number[] = [];
  for (let i = 1; i <= spec.levels; i++) {
    for (const field of BOOK_LEVEL_FIELDS) {
      const index = findColumn(names, levelColumns(field, i));
      if (index < 0) {
        let have = 0;
        while (BOOK_LEVEL_FIELDS.every((f) => findColumn(names, levelColumns(f, have + 1)) >= 0)) have++;
        throw new DataError(path, 1, 'missing-column', `no column for ${field} at level ${i} (looked for ${levelColumns(field, i).join(', ')}); the file has ${have} complete level${have === 1 ? '' : 's'}. Set the source's levels to ${have || 'the number of levels the file has'}, or use a deeper file`);
      }
      levelAt.push(index);
    }
  }
  const needed = Math.max(timeAt, idAt, ...levelAt) + 1;
  const capacity = Math.max(0, lines.starts.length - 1);
  const t = new Float64Array(capacity);
  const updateId = new Float64Array(capacity);
  const levels = levelAt.map(() => new Float64Array(capacity));
  const snapshot = new Float64Array(levelAt.length);
  const cells = new CsvCells(path, lines, names, needed, reject);
  const last = lastRowLine(lines);
  const levelCount = levelAt.length;
  let row = 0;
  rows: for (let i = 1; i < last; i++) {
    const line = i + 1;
    if (!cells.row(i)) continue;
    const time = cells.time(timeAt, line);
    if (Number.isNaN(time)) continue;
    const id = idAt < 0 ? NaN : cells.number(idAt, line);
    if (id === undefined) continue;
    for (let c = 0; c < levelCount; c++) {
      const v = cells.number(levelAt[c], line);
      if (v === undefined) continue rows;
      snapshot[c] = v;
    }
    if (!checker.accept(time, id, snapshot, 0, line)) continue;
    t[row] = time;
    updateId[row] = id;
    for (let c = 0; c < levelCount; c++) levels[c][row] = snapshot[c];
    row++;
  }
  return { t: t.slice(0, row), updateId: updateId.slice(0, row), levels: levels.map((column) => column.slice(0, row)), checker };
}
