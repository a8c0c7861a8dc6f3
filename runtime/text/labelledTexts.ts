import { readFileSync } from 'node:fs';
import { DATA_MAX_BYTES } from '../boundedRead.js';

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

/** Parses RFC 4180 CSV: quoted fields may hold commas, doubled quotes and line breaks. */
export function parseCsv(file: string, text: string): CsvTable {
  const records: { line: number; cells: string[] }[] = [];
  let cells: string[] = [];
  let cell = '';
  let line = 1;
  let start = 1;
  let quoted = false;
  let quoteLine = 0;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const endRecord = () => {
    cells.push(cell);
    if (!(cells.length === 1 && cells[0] === '')) records.push({ line: start, cells });
    cells = [];
    cell = '';
  };
  for (; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else {
        if (c === '\n') line++;
        cell += c;
      }
      continue;
    }
    if (c === '"' && cell === '') {
      quoted = true;
      quoteLine = line;
    } else if (c === ',') {
      cells.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      start = line;
    } else cell += c;
  }
  if (quoted) throw new TextFileError(`${file}:${quoteLine}: a quoted field is not closed before the end of the file; expected a closing " (write a quote inside a field as "")`);
  if (cell !== '' || cells.length) endRecord();
  if (!records.length) throw new TextFileError(`${file}: the file is empty; expected a header row naming the columns`);
  const [head, ...rows] = records;
  return { header: head.cells.map((h) => h.trim()), rows };
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
