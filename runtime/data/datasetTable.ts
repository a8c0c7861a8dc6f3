import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parquetMetadata, parquetRead, parquetSchema } from 'hyparquet';
import { DATA_MAX_BYTES } from '../boundedRead.js';
import { cellOf, columnOf, readCsvFile, TextFileError } from '../text/labelledTexts.js';

/**
 * A dataset file as `hean train` reads it, CSV or Parquet (by the extension `.parquet`), by
 * column name. An empty CSV cell and a Parquet null are the same: no text, NaN. Problems are
 * TextFileErrors naming the file (and the CSV line).
 */
export interface DatasetTable {
  file: string;
  header: string[];
  rows: number;
  /** Where a row is, for messages: `FILE:LINE` (CSV) or `FILE: row N` (Parquet, from 1). */
  where(row: number): string;
  /** The named column; an error listing the columns when there is none (`option` names the flag that chose it). */
  column(name: string, option: string): DatasetColumn;
}

export interface DatasetColumn {
  /** The cell as text: '' when empty or null; a Parquet timestamp as ISO-8601 UTC. */
  text(row: number): string;
  /** The cell as a number: NaN when empty, null or not a number. */
  number(row: number): number;
  /** The cell as a time in ms since 1970 (ISO-8601 text or a Parquet timestamp); NaN otherwise. */
  time(row: number): number;
}

export async function readDatasetTable(file: string): Promise<DatasetTable> {
  return extname(file).toLowerCase() === '.parquet' ? readParquetTable(file) : csvTable(file);
}

function csvTable(file: string): DatasetTable {
  const table = readCsvFile(file);
  return {
    file,
    header: table.header,
    rows: table.rows.length,
    where: (row) => `${file}:${table.rows[row].line}`,
    column(name, option) {
      const at = columnOf(file, table, name, option);
      const text = (row: number) => cellOf(file, table, table.rows[row], at);
      return {
        text,
        number: (row) => {
          const cell = text(row);
          return cell === '' ? NaN : Number(cell);
        },
        time: (row) => Date.parse(text(row)),
      };
    },
  };
}

async function readParquetTable(file: string): Promise<DatasetTable> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new TextFileError(`${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (bytes.length > DATA_MAX_BYTES) throw new TextFileError(`${file}: is ${bytes.length} bytes; hean reads dataset files up to ${DATA_MAX_BYTES} bytes`);
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  let header: string[];
  let cells: unknown[][] = [];
  try {
    const metadata = parquetMetadata(buffer);
    header = parquetSchema(metadata).children.map((c) => c.element.name);
    await parquetRead({ file: buffer, metadata, onComplete: (rows) => (cells = rows) });
  } catch (e) {
    throw new TextFileError(`${file}: is not a readable Parquet file (${(e as Error).message}); expected a dataset written by hean dataset -o FILE.parquet`);
  }
  return {
    file,
    header,
    rows: cells.length,
    where: (row) => `${file}: row ${row + 1}`,
    column(name, option) {
      const at = header.indexOf(name);
      if (at < 0) throw new TextFileError(`${file}: no column "${name}"; the file has ${header.map((h) => JSON.stringify(h)).join(', ')}; name the column with ${option}`);
      return {
        text: (row) => textOf(cells[row][at]),
        number: (row) => numberOf(cells[row][at]),
        time: (row) => {
          const v = cells[row][at];
          return v instanceof Date ? v.getTime() : typeof v === 'string' ? Date.parse(v) : NaN;
        },
      };
    },
  };
}

function textOf(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? '' : v.toISOString();
  if (typeof v === 'number') return Number.isNaN(v) ? '' : String(v);
  if (typeof v === 'object') return JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? String(x) : x));
  return String(v);
}

function numberOf(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint' || typeof v === 'boolean') return Number(v);
  if (typeof v === 'string') return v === '' ? NaN : Number(v);
  return NaN;
}
