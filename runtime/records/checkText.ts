import { formatDuration } from '../adapters/file/readCandleCsv.js';
import { MAX_TRADES_PER_MS, TRADE_TIME_STEP, type TextSpec } from './sourceSpec.js';

/** What a text row can be dropped for (onBadRow skip / warn) or stop the run for (error). */
export type TextIssueKind = 'malformed' | 'too-long' | 'out-of-order';

const iso = (ms: number) => {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? String(ms) : d.toISOString();
};

/**
 * The checks of every text source, row by row: integer epoch-ms stamps that never go backwards
 * (equal stamps are fine: several headlines in one millisecond), texts of at most maxLength
 * characters. An empty text is a missing value, not an error: the row is left out and counted
 * (`missing`). Kept texts get their event time here: the stamp plus publicationLag, the k-th
 * text of one millisecond at + k * TRADE_TIME_STEP (file order), so every text is its own event
 * and none is earlier than its publication.
 */
export class TextChecker {
  dropped = 0;
  missing = 0;
  private previousTime = NaN;
  private previousAt: string | number = '';
  /** The stamp of the last kept text, and how many texts were kept before it in that millisecond. */
  private keptTime = NaN;
  private inMs = 0;
  private readonly start: number;
  private readonly end: number;

  constructor(
    private readonly spec: TextSpec,
    private readonly warn: (code: string, message: string) => void,
    /** Names a row in messages: `news.csv:12`. */
    private readonly where: (at: string | number) => string,
    private readonly fail: (at: string | number, kind: TextIssueKind, message: string) => Error,
  ) {
    this.start = spec.start ?? -Infinity;
    this.end = spec.end ?? Infinity;
  }

  /**
   * The text's event time, or NaN to leave it out (missing, bad under skip/warn, or outside
   * start/end). Throws under onBadRow: error. `text` is already trimmed.
   */
  accept(time: number, text: string, at: string | number): number {
    if (!(Number.isInteger(time) && time >= 0)) return this.reject(at, 'malformed', `${this.spec.timeColumn} is ${time}; expected integer epoch milliseconds`, 'Fix the time');
    if (time < this.previousTime) {
      return this.reject(at, 'out-of-order', `${this.spec.timeColumn} ${iso(time)} goes backwards (${this.where(this.previousAt)} has ${iso(this.previousTime)}); texts must be in publication order`, 'Sort the rows by time');
    }
    this.previousTime = time;
    this.previousAt = at;
    if (text === '') {
      this.missing++;
      return NaN;
    }
    // Code units bound code points from above: count characters only when the cheap bound is exceeded.
    if (text.length > this.spec.maxLength) {
      const chars = [...text].length;
      if (chars > this.spec.maxLength) return this.reject(at, 'too-long', `${this.spec.column} has ${chars} characters; expected at most ${this.spec.maxLength} (maxLength)`, 'Shorten the text, raise maxLength');
    }
    this.inMs = time === this.keptTime ? this.inMs + 1 : 0;
    this.keptTime = time;
    if (this.inMs >= MAX_TRADES_PER_MS) {
      throw this.fail(at, 'malformed', `more than ${MAX_TRADES_PER_MS} texts stamped ${iso(time)}; hean orders the texts of one millisecond ${MAX_TRADES_PER_MS} per millisecond at most. Check the time column (whole seconds or minutes written as milliseconds stamp many texts alike)`);
    }
    const t = time + this.spec.publicationLagMs;
    if (t < this.start || t >= this.end) return NaN;
    return t + this.inMs * TRADE_TIME_STEP;
  }

  /** A bad row: throws under onBadRow: error, else counts it (and prints it under warn). Always NaN. */
  reject(at: string | number, kind: TextIssueKind, message: string, hint: string): number {
    if (this.spec.onBadRow === 'error') throw this.fail(at, kind, `${message}. ${hint} or set onBadRow: skip`);
    this.dropped++;
    if (this.spec.onBadRow === 'warn') this.warn(`data/${kind}`, `${this.where(at)}: ${message} (row dropped)`);
    return NaN;
  }
}

/** Provenance and data-quality facts of a replayed text source, for the run summary. */
export function textInfo(spec: TextSpec, origin: Record<string, unknown>, time: Float64Array, t: Float64Array, checker: TextChecker): Record<string, unknown> {
  return {
    record: 'text',
    name: spec.name,
    column: spec.column,
    publicationLag: spec.publicationLagMs ? formatDuration(spec.publicationLagMs) : '0',
    ...origin,
    rows: time.length,
    firstTime: time[0],
    lastTime: time[time.length - 1],
    firstEventTime: t[0],
    lastEventTime: t[t.length - 1],
    missingTexts: checker.missing,
    rowsDropped: checker.dropped,
  };
}
