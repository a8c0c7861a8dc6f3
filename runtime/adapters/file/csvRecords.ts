import { quoteText } from '../../quoteText.js';
import { DataError } from './readCandleCsv.js';

export interface CsvRecord {
  fields: string[];
  /** The line the record starts on (1-based). */
  line: number;
  blank: boolean;
  /** What makes the record malformed (a bare quote after a quoted field). */
  problem?: string;
}

/**
 * The records of CSV text from `from` (RFC 4180): a field that starts with `"` runs to the
 * matching `"`, across commas and line breaks, `""` standing for one quote; unquoted fields end
 * at a comma or the line end. Line breaks inside quotes become `\n`. Trailing blank lines are
 * not records. An unterminated quote stops the read, naming the line it opened on: everything
 * after it would otherwise be swallowed into one field.
 */
export function* csvRecords(path: string, text: string, from: number, firstLine: number): Generator<CsvRecord> {
  let end = text.length;
  while (end > from && isBlankChar(text.charCodeAt(end - 1))) end--;
  let i = from;
  let line = firstLine;
  while (i < end) {
    const record: CsvRecord = { fields: [], line, blank: false };
    let quoted = false;
    for (;;) {
      let k = i;
      while (k < end && (text[k] === ' ' || text[k] === '\t')) k++;
      if (text[k] === '"') {
        quoted = true;
        const opened = line;
        let field = '';
        i = k + 1;
        for (;;) {
          const q = text.indexOf('"', i);
          if (q < 0 || q >= end) {
            throw new DataError(path, opened, 'malformed', `a quoted field opens here and never closes (no matching "); expected a closing quote before the next row. Close the field, and double every quote inside it ("")`);
          }
          const chunk = text.slice(i, q);
          line += countLines(chunk);
          field += chunk.includes('\r') ? chunk.replace(/\r\n?/g, '\n') : chunk;
          if (text[q + 1] === '"') {
            field += '"';
            i = q + 2;
            continue;
          }
          i = q + 1;
          break;
        }
        while (i < end && (text[i] === ' ' || text[i] === '\t')) i++;
        if (i < end && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') {
          const stop = nextBreak(text, i, end);
          record.problem ??= `field ${record.fields.length + 1} has text after its closing quote (${quoteText(text.slice(i, stop))})`;
          i = stop;
        }
        record.fields.push(field);
      } else {
        const stop = nextBreak(text, i, end);
        record.fields.push(text.slice(i, stop).trim());
        i = stop;
      }
      if (i >= end) break;
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === '\r') i++;
      if (text[i] === '\n') {
        i++;
        line++;
      }
      break;
    }
    record.blank = !quoted && record.fields.length === 1 && record.fields[0] === '';
    yield record;
  }
}

/** The next comma or line break at or after i. */
function nextBreak(text: string, i: number, end: number): number {
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c === 44 || c === 10 || c === 13) return i;
    i++;
  }
  return end;
}

function countLines(text: string): number {
  let n = 0;
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) n++;
  return n;
}

function isBlankChar(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}
