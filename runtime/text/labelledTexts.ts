import { readFileSync } from 'node:fs';
import { DATA_MAX_BYTES } from '../boundedRead.js';
import { csvRecords } from '../adapters/file/csvRecords.js';

/**
 * Labelled texts (`sentence,label` CSV, RFC 4180 quoting) for `hean train text` and texts to
 * score for `hean text classify`. Problems name file:line.
 */

export class TextFileError extends Error {}

export interface CsvTable {
  header: string[];
  /** Data records with the line each starts on. */
  rows: { line: number; cells: string[] }[];
}

/**
 * Parses CSV text (RFC 4180, the reader of text sources): quoted fields may hold commas, doubled
 * quotes and line breaks. The first record is the header; blank lines are skipped; a malformed
 * record or an unterminated quote is an error naming its line.
 */
export function parseCsv(file: string, text: string): CsvTable {
  const from = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const records: { line: number; cells: string[] }[] = [];
  for (const record of csvRecords(file, text, from, 1)) {
    if (record.blank) continue;
    if (record.problem) throw new TextFileError(`${file}:${record.line}: ${record.problem}; quote the whole field and double the quotes inside it`);
    records.push({ line: record.line, cells: record.fields });
  }
  if (!records.length) throw new TextFileError(`${file}: the file is empty; expected a header row naming the columns`);
  const [head, ...rows] = records;
  return { header: head.cells, rows };
}

export function readCsvFile(file: string): CsvTable {
  let text: string;
  try {
    const buf = readFileSync(file);
    if (buf.length > DATA_MAX_BYTES) throw new TextFileError(`${file}: is ${buf.length} bytes; hean reads text files up to ${DATA_MAX_BYTES} bytes`);
    text = new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch (e) {
    if (e instanceof TextFileError) throw e;
    if (e instanceof TypeError) throw new TextFileError(`${file}: is not UTF-8 text; expected a UTF-8 CSV file`);
    throw new TextFileError(`${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return parseCsv(file, text);
}

/** The position of a named column; a clear error naming the columns the header has. */
export function columnOf(file: string, table: CsvTable, name: string, option: string): number {
  const at = table.header.indexOf(name);
  if (at < 0) throw new TextFileError(`${file}:1: no column "${name}"; the header has ${table.header.map((h) => JSON.stringify(h)).join(', ')}; name the column with ${option}`);
  return at;
}

/** The cell of a record, or a clear error when the record is short. */
export function cellOf(file: string, table: CsvTable, row: { line: number; cells: string[] }, column: number): string {
  if (column >= row.cells.length) throw new TextFileError(`${file}:${row.line}: the row has ${row.cells.length} field(s); expected ${table.header.length} as the header says (quote fields that contain commas)`);
  return row.cells[column];
}
