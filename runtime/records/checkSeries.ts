import { formatDuration } from '../adapters/file/readCandleCsv.js';
import { seriesEventTime, type SeriesSpec } from './sourceSpec.js';

/** What a series row can be dropped for (onBadRow skip / warn) or stop the run for (error). */
export type SeriesIssueKind = 'malformed' | 'nan' | 'duplicate' | 'out-of-order';

const iso = (ms: number) => {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? String(ms) : d.toISOString();
};

/** How a series source's publication rule reads, for messages and reports: `periodStart 1d + lag 6h`. */
export function describeRule(spec: SeriesSpec): string {
  const base = spec.timestamp === 'published' ? 'published' : `${spec.timestamp} ${spec.period}`;
  return spec.publicationLagMs ? `${base} + lag ${formatDuration(spec.publicationLagMs)}` : base;
}

/**
 * The checks of every series source, row by row (file readers and memory feeds): a time that is
 * no integer epoch ms, stamps that repeat or go backwards, values that are not finite numbers.
 * A missing value (an empty cell, null, NaN in a memory feed) is not an error: nothing was
 * published for that stamp, so the row is left out and counted (`missing`). Rows are kept when
 * their event time (seriesEventTime) is in [start, end).
 */
export class SeriesChecker {
  dropped = 0;
  missing = 0;
  private previous = NaN;
  private previousAt: string | number = '';
  private readonly start: number;
  private readonly end: number;

  constructor(
    private readonly spec: SeriesSpec,
    private readonly warn: (code: string, message: string) => void,
    /** Names a row in messages: `data.csv:12`, `memory feed fg event 3`. */
    private readonly where: (at: string | number) => string,
    /** The error a bad row throws under onBadRow: error (a DataError for files, naming file:line). */
    private readonly fail: (at: string | number, kind: SeriesIssueKind, message: string) => Error,
  ) {
    this.start = spec.start ?? -Infinity;
    this.end = spec.end ?? Infinity;
  }

  /** The event time of a kept row (call after accept returned true). */
  eventTime(time: number): number {
    return seriesEventTime(this.spec, time);
  }

  /**
   * True to keep the row; false to drop it (missing value, bad under skip/warn, or outside
   * start/end). Throws under onBadRow: error. `value` NaN means missing.
   */
  accept(time: number, value: number, at: string | number): boolean {
    if (!(Number.isInteger(time) && time >= 0)) return this.reject(at, 'malformed', `${this.spec.timeColumn} is ${time}; expected integer epoch milliseconds`, 'Fix the time');
    if (time <= this.previous) {
      return time === this.previous
        ? this.reject(at, 'duplicate', `duplicate time ${iso(time)} (also at ${this.where(this.previousAt)}); a series needs strictly increasing times`, 'Remove the duplicate')
        : this.reject(at, 'out-of-order', `time ${iso(time)} goes backwards (${this.where(this.previousAt)} has ${iso(this.previous)}); a series needs strictly increasing times`, 'Sort the rows by time');
    }
    this.previous = time;
    this.previousAt = at;
    if (Number.isNaN(value)) {
      this.missing++;
      return false;
    }
    if (!Number.isFinite(value)) return this.reject(at, 'nan', `${this.spec.column} is ${value}; expected a finite number`, 'Fix or remove the row');
    const t = seriesEventTime(this.spec, time);
    return t >= this.start && t < this.end;
  }

  /** A bad row: throws under onBadRow: error, else counts it (and prints it under warn). Always false. */
  reject(at: string | number, kind: SeriesIssueKind, message: string, hint: string): false {
    if (this.spec.onBadRow === 'error') throw this.fail(at, kind, `${message}. ${hint} or set onBadRow: skip`);
    this.dropped++;
    if (this.spec.onBadRow === 'warn') this.warn(`data/${kind}`, `${this.where(at)}: ${message} (row dropped)`);
    return false;
  }
}

/** Provenance and data-quality facts of a replayed series source, for the run summary. */
export function seriesInfo(spec: SeriesSpec, origin: Record<string, unknown>, time: Float64Array, t: Float64Array, checker: SeriesChecker): Record<string, unknown> {
  return {
    record: 'series',
    name: spec.name,
    column: spec.column,
    rule: describeRule(spec),
    ...origin,
    rows: time.length,
    firstTime: time[0],
    lastTime: time[time.length - 1],
    firstEventTime: t[0],
    lastEventTime: t[t.length - 1],
    missingValues: checker.missing,
    rowsDropped: checker.dropped,
  };
}
