/**
 * A problem with a data file. `kind` is a DataIssue kind for row problems, or one of the
 * file-level kinds 'missing-column', 'not-a-header', 'epoch-seconds', 'timeframe', 'empty',
 * 'gzip', 'options', 'line-too-long', for Parquet 'column-type' and 'parquet' (not readable as
 * Parquet), and from reading: 'not-a-file', 'system-file', 'too-large' (these are thrown whatever
 * the onBadRow policy). `line` is 1-based (the header is line 1, or a Parquet row number when
 * `unit` is 'row'; 0 when the problem is not on a line).
 */
export class DataError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly kind: string,
    detail: string,
    /** 'row' for a file without lines (Parquet): `line` is then the row number from 1, said `FILE: row N:`. */
    readonly unit: PlaceUnit = 'line',
  ) {
    super(line > 0 ? `${placeOf(file, line, unit)}: ${detail}` : `${file}: ${detail}`);
    this.name = 'DataError';
  }
}

/** How a reader numbers its records: CSV lines (the header is line 1), or Parquet rows from 1. */
export type PlaceUnit = 'line' | 'row';

/** `FILE:LINE` for a line, `FILE: row N` for a row. */
export function placeOf(file: string, n: number, unit: PlaceUnit): string {
  return unit === 'line' ? `${file}:${n}` : `${file}: row ${n}`;
}
