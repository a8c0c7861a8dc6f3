import { closeSync, readSync } from 'node:fs';
import { parquetMetadataAsync, parquetRead, parquetSchema } from 'hyparquet';
import type { AsyncBuffer, FileMetaData, SchemaElement } from 'hyparquet';
import { DATA_MAX_BYTES, FileRefusedError, formatBytes, openBounded } from '../../boundedRead.js';
import { quoteText } from '../../quoteText.js';
import {
  CandleRowChecker,
  DataError,
  ROLE_CLOSE,
  ROLE_HIGH,
  ROLE_IGNORE,
  ROLE_LOW,
  ROLE_NAMES,
  ROLE_OPEN,
  ROLE_TIME,
  ROLE_VOLUME,
  candleColumnRoles,
  checkCandleOptions,
  epochSecondsError,
  type CandleColumns,
  type CandleReadOptions,
} from './readCandleCsv.js';

const EXPECTED_FILE = 'a Parquet file with the columns time, open, high, low, close, volume (as hean data download --format parquet writes)';
const NUMBER_TYPES = 'DOUBLE, FLOAT, INT32, INT64 or DECIMAL';
const TIME_TYPES = 'INT64 or DOUBLE epoch milliseconds, or a TIMESTAMP (MILLIS, MICROS, NANOS)';

/** How a time column is stored: a TIMESTAMP is a time whatever its value; a plain number below 1e11 is epoch seconds. */
type TimeKind = 'timestamp' | 'number';

/**
 * Reads an OHLCV candle file in Apache Parquet into the columns readCandleCsv returns, with the
 * same row checks (CandleRowChecker) and options; rows are numbered from 1 (`FILE: row N:`).
 * Columns are found by name as in the CSV header (case-insensitive; time, timestamp, open_time
 * or date; others ignored) and decoded column by column into Float64Arrays.
 *
 * Memory: the file is read a row group at a time (its footer first, then the group's column
 * chunks by byte range), and each group is decoded into buffers of one group's size and checked
 * into the result before the next is read, so beside the result there is only ever one row group
 * in memory, never the whole file or the whole file decoded.
 */
export async function readCandleParquet(path: string, options: CandleReadOptions): Promise<CandleColumns> {
  checkCandleOptions(path, options);
  const maxBytes = options.maxBytes ?? DATA_MAX_BYTES;
  let opened: { fd: number; size: number };
  try {
    opened = openBounded(path, { maxBytes, expected: 'a data file (Parquet)', tooLargeHint: 'split it into smaller files (e.g. one per year)' });
  } catch (e) {
    if (e instanceof FileRefusedError) throw new DataError(path, 0, e.kind, e.detail);
    throw e;
  }
  const { fd, size } = opened;
  try {
    return await readOpenParquet(path, options, maxBytes, fileRanges(fd, size));
  } finally {
    closeSync(fd);
  }
}

/** Byte ranges of the open file, as hyparquet asks for them: read when asked, each into an ArrayBuffer of its own. */
function fileRanges(fd: number, size: number): AsyncBuffer {
  return {
    byteLength: size,
    slice(start: number, end = size): ArrayBuffer {
      if (!(start >= 0 && start <= end && end <= size)) throw new Error(`bytes ${start} to ${end} asked for, outside the file's ${size}`);
      const out = new Uint8Array(end - start);
      for (let at = 0; at < out.length; ) {
        const n = readSync(fd, out, at, out.length - at, start + at);
        if (n === 0) throw new Error(`the file ended at byte ${start + at} of ${size} (did it shrink while being read?)`);
        at += n;
      }
      return out.buffer;
    },
  };
}

async function readOpenParquet(path: string, options: CandleReadOptions, maxBytes: number, file: AsyncBuffer): Promise<CandleColumns> {
  const unreadable = (e: unknown) => new DataError(path, 0, 'parquet', `is not a readable Parquet file (${(e as Error).message}); expected ${EXPECTED_FILE}. Is it complete? Download or write it again`);

  let metadata: FileMetaData;
  try {
    metadata = await parquetMetadataAsync(file);
  } catch (e) {
    throw unreadable(e);
  }
  const fields = parquetSchema(metadata).children.map((c) => c.element);
  const names = fields.map((f) => f.name);
  const roles = candleColumnRoles(path, names, 0, 'Rename the Parquet columns to match');
  const byRole: SchemaElement[] = [];
  roles.forEach((role, i) => {
    if (role !== ROLE_IGNORE) byRole[role] = fields[i];
  });
  const timeKind = checkTimeType(path, byRole[ROLE_TIME]);
  for (let role = ROLE_OPEN; role <= ROLE_VOLUME; role++) checkNumberType(path, byRole[role], ROLE_NAMES[role]);

  const rows = Number(metadata.num_rows);
  // Decoded, the six columns take 48 bytes a row: held to the limit of a file's bytes, as a CSV's text is.
  if (!(Number.isSafeInteger(rows) && rows >= 0)) throw unreadable(new Error(`its footer gives ${String(metadata.num_rows)} rows`));
  if (rows * 48 > maxBytes) {
    throw new DataError(path, 0, 'too-large', `has ${rows.toLocaleString('en-US')} rows, ${formatBytes(rows * 48)} as columns, over the ${formatBytes(maxBytes)} limit for a data file; split it into smaller files (e.g. one per year)`);
  }
  const groupRows = metadata.row_groups.map((g) => Number(g.num_rows));
  const badGroup = groupRows.findIndex((n) => !(Number.isSafeInteger(n) && n >= 0));
  if (badGroup >= 0) throw unreadable(new Error(`its footer gives row group ${badGroup + 1} ${String(metadata.row_groups[badGroup].num_rows)} rows`));
  const groupsTotal = groupRows.reduce((sum, n) => sum + n, 0);
  if (groupsTotal !== rows) throw unreadable(new Error(`its footer gives ${rows} rows, its row groups ${groupsTotal}`));

  // One row group's columns, reused from group to group, and how many values each column delivered.
  const largest = groupRows.reduce((most, n) => Math.max(most, n), 0);
  const cols: Float64Array[] = [];
  const delivered = new Float64Array(ROLE_VOLUME + 1);
  const nulls: (Uint8Array | undefined)[] = [];
  const roleOf = new Map<string, number>();
  for (let role = ROLE_TIME; role <= ROLE_VOLUME; role++) {
    cols[role] = new Float64Array(largest);
    roleOf.set(byRole[role].name, role);
  }
  // Epoch milliseconds stored as INT64 (TIMESTAMP(MILLIS), as hean writes them) are read as the
  // plain INT64 they are: hyparquet would otherwise make one value per row through a parser, half the read time.
  const timeField = byRole[ROLE_TIME];
  const millis = timeField.type === 'INT64' && (timeField.converted_type === 'TIMESTAMP_MILLIS' || (timeField.logical_type?.type === 'TIMESTAMP' && timeField.logical_type.unit === 'MILLIS'));
  const plainMetadata = millis ? { ...metadata, schema: metadata.schema.map((e) => (e === timeField ? { ...e, converted_type: undefined, logical_type: undefined } : e)) } : metadata;

  const checker = new CandleRowChecker(path, options, rows, 'row');
  const minTime = timeKind === 'timestamp' ? 0 : 1e11;
  let groupStart = 0;
  for (let g = 0; g < groupRows.length; g++) {
    const n = groupRows[g];
    delivered.fill(0, ROLE_TIME, ROLE_VOLUME + 1);
    for (const mask of nulls) mask?.fill(0);
    try {
      await parquetRead({
        file,
        metadata: plainMetadata,
        rowStart: groupStart,
        rowEnd: groupStart + n,
        columns: [...roleOf.keys()],
        utf8: false,
        // Times as epoch milliseconds (numbers), never Date objects.
        parsers: {
          timestampFromMilliseconds: (v: bigint) => Number(v),
          timestampFromMicroseconds: (v: bigint) => Number(v) / 1e3,
          timestampFromNanoseconds: (v: bigint) => Number(v / 1000n) / 1e3,
          dateFromDays: (days: number) => days * 86_400_000,
        },
        // Never throws (hyparquet calls it where a throw would go unhandled): values past the
        // group's end are counted, not stored, and the count is checked below.
        onChunk: ({ columnName, columnData, rowStart }) => {
          const role = roleOf.get(columnName);
          if (role === undefined) return;
          const at = rowStart - groupStart;
          delivered[role] += columnData.length;
          if (at < 0 || at + columnData.length > n) return;
          const out = cols[role];
          if (columnData instanceof Float64Array || columnData instanceof Float32Array || columnData instanceof Int32Array) {
            out.set(columnData, at);
            return;
          }
          if (columnData instanceof BigInt64Array) {
            int64ToDoubles(columnData, out, at);
            return;
          }
          // An array with nulls (an OPTIONAL column) or converted values.
          for (let i = 0; i < columnData.length; i++) {
            const v: unknown = columnData[i];
            if (typeof v === 'number') out[at + i] = v;
            else if (typeof v === 'bigint') out[at + i] = Number(v);
            else {
              out[at + i] = NaN;
              (nulls[role] ??= new Uint8Array(largest))[at + i] = 1;
            }
          }
        },
      });
    } catch (e) {
      throw unreadable(e);
    }
    for (let role = ROLE_TIME; role <= ROLE_VOLUME; role++) {
      if (delivered[role] !== n) throw unreadable(new Error(`row group ${g + 1}: column ${byRole[role].name} has ${delivered[role]} values; the group has ${n} rows`));
    }
    checkGroup(checker, cols, nulls, byRole, n, groupStart, minTime);
    groupStart += n;
  }
  return checker.finish();
}

/** Feeds rows [0, n) of one row group (rows from + 1 ... of the file) to the checker; a bad value is reported as the CSV reader reports it. */
function checkGroup(checker: CandleRowChecker, cols: Float64Array[], nulls: (Uint8Array | undefined)[], byRole: SchemaElement[], n: number, from: number, minTime: number): void {
  const time = cols[ROLE_TIME];
  const open = cols[ROLE_OPEN];
  const high = cols[ROLE_HIGH];
  const low = cols[ROLE_LOW];
  const close = cols[ROLE_CLOSE];
  const volume = cols[ROLE_VOLUME];
  const row = new Float64Array(ROLE_VOLUME + 1);
  for (let i = 0; i < n; i++) {
    checker.at = from + i + 1;
    const tm = time[i];
    const o = open[i];
    const h = high[i];
    const l = low[i];
    const cl = close[i];
    const vol = volume[i];
    // Fast path: every value finite (x - x is 0 only then), the time whole milliseconds.
    if (o - o === 0 && h - h === 0 && l - l === 0 && cl - cl === 0 && vol - vol === 0 && Number.isInteger(tm) && tm >= minTime) {
      row[ROLE_TIME] = tm;
      row[ROLE_OPEN] = o;
      row[ROLE_HIGH] = h;
      row[ROLE_LOW] = l;
      row[ROLE_CLOSE] = cl;
      row[ROLE_VOLUME] = vol;
      checker.addRow(row);
      continue;
    }
    const timeName = byRole[ROLE_TIME].name;
    if (nulls[ROLE_TIME]?.[i]) checker.bad('malformed', `${timeName} is null (a missing value); expected a time`, 'Fix or remove the row');
    else if (tm - tm !== 0) checker.bad('nan', `${timeName} is ${quoteText(String(tm))}; expected a finite time`, 'Fix or remove the row');
    else if (!Number.isInteger(tm) || tm < 0) checker.bad('malformed', `${timeName} ${tm} is not a time; expected ${TIME_TYPES} (whole milliseconds, from 1970)`, 'Fix the value');
    else if (tm < minTime) throw epochSecondsError(checker.file, from + i + 1, String(tm), 'row');
    else {
      for (let role = ROLE_OPEN; role <= ROLE_VOLUME; role++) {
        const v = cols[role][i];
        if (v - v === 0) continue;
        const name = byRole[role].name;
        if (nulls[role]?.[i]) checker.bad('malformed', `${name} is null (a missing value); expected a number`, 'Fix or remove the row');
        else checker.bad('nan', `${name} is ${quoteText(String(v))}; expected a finite number`, 'Fix or remove the row');
        break;
      }
    }
  }
}

/**
 * out[at + i] = Number(src[i]) without making a BigInt per value: each value from its two 32-bit
 * halves (little-endian, as Node's platforms are), exact up to 2^53 (epoch ms until year 287,396).
 */
function int64ToDoubles(src: BigInt64Array, out: Float64Array, at: number): void {
  const halves = new Int32Array(src.buffer, src.byteOffset, src.length * 2);
  for (let i = 0; i < src.length; i++) out[at + i] = halves[2 * i + 1] * 4294967296 + (halves[2 * i] >>> 0);
}

function typeName(f: SchemaElement): string {
  if (f.num_children) return 'a group (nested columns)';
  const logical = f.logical_type?.type ?? f.converted_type;
  return logical ? `${f.type} (${logical})` : String(f.type);
}

function checkTimeType(file: string, f: SchemaElement): TimeKind {
  const logical = f.logical_type?.type;
  if (!f.num_children && (logical === 'TIMESTAMP' || f.converted_type === 'TIMESTAMP_MILLIS' || f.converted_type === 'TIMESTAMP_MICROS' || f.converted_type === 'DATE' || f.type === 'INT96')) return 'timestamp';
  if (!f.num_children && (!logical || (logical === 'INTEGER' && f.logical_type?.isSigned)) && (!f.converted_type || f.converted_type === 'INT_64') && (f.type === 'INT64' || f.type === 'DOUBLE')) return 'number';
  throw new DataError(file, 0, 'column-type', `column ${f.name} is ${typeName(f)}; expected ${TIME_TYPES}. Write the time column as one of these`);
}

function checkNumberType(file: string, f: SchemaElement, role: string): void {
  const plain = f.type === 'DOUBLE' || f.type === 'FLOAT' || f.type === 'INT32' || f.type === 'INT64';
  const decimal = f.converted_type === 'DECIMAL' || f.logical_type?.type === 'DECIMAL';
  // A signed INTEGER logical type is a plain number; a TIMESTAMP, DATE or unsigned one is not a price.
  const integer = f.logical_type?.type === 'INTEGER' && f.logical_type.isSigned;
  const other = (f.logical_type !== undefined && !integer) || (f.converted_type !== undefined && !/^INT_(32|64)$/.test(f.converted_type));
  if (!f.num_children && (decimal || (plain && !other))) return;
  throw new DataError(file, 0, 'column-type', `column ${f.name} (${role}) is ${typeName(f)}; expected a number: ${NUMBER_TYPES}. Write the ${role} column as one of these`);
}
