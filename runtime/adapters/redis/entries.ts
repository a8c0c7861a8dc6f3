/**
 * How an event is a Redis Stream entry.
 *
 * - id `${t}-${seq}`: t = integer epoch-ms event time, seq = 0, 1, 2 ... for events at the same t,
 *   so XRANGE by time is a range of ids and replay order is event order.
 * - fields: name/value pairs; a number is `String(v)` (the shortest text that reads back to the
 *   same double), `-0` for negative zero, the empty string for NaN, `inf` / `-inf` for ±Infinity.
 */

/** A stream entry as ioredis returns it from XRANGE / XREADGROUP. */
export type StreamEntry = [id: string, fields: string[]];

export interface DecodedEntries {
  ids: string[];
  /** Event time (epoch ms): the id's ms part. */
  t: Float64Array;
  /** One column per requested field name, in order. */
  columns: Float64Array[];
}

/** Redis' largest sequence number: the id `${t}-${MAX_SEQ}` is the last possible id at time t. */
export const MAX_SEQ = '18446744073709551615';

/** Throws unless t is a valid event time for an id (a non-negative integer of epoch ms). */
export function checkEventTime(t: number, what = 'event time'): void {
  if (!Number.isSafeInteger(t) || t < 0) {
    throw new Error(
      `${what} ${t} cannot be a stream entry id: expected a non-negative integer of epoch milliseconds` +
        (Number.isFinite(t) && !Number.isInteger(t) ? ' (round the times to whole milliseconds)' : ''),
    );
  }
}

/** `${t}-${seq}`; throws for a non-integer or negative t. */
export function entryId(t: number, seq = 0): string {
  checkEventTime(t);
  return `${t}-${seq}`;
}

/**
 * Ids for a column of event times: equal consecutive times get seq 1, 2 ... Throws (naming the
 * index) if a time is not an integer or goes backwards.
 */
export function idsForTimes(t: ArrayLike<number>): string[] {
  const ids = new Array<string>(t.length);
  let prev = -1;
  let seq = 0;
  for (let i = 0; i < t.length; i++) {
    const ti = t[i];
    checkEventTime(ti, `event time at index ${i}:`);
    if (ti < prev) {
      throw new Error(
        `event times must not go backwards: index ${i} has ${ti} (${isoTime(ti)}) after ${prev} (${isoTime(prev)}); sort the events by time`,
      );
    }
    seq = ti === prev ? seq + 1 : 0;
    prev = ti;
    ids[i] = `${ti}-${seq}`;
  }
  return ids;
}

/** ISO-8601 text of an epoch-ms time, or the number itself when it is out of Date's range. */
export function isoTime(ms: number): string {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? String(ms) : d.toISOString();
}

/** Splits an id into its ms and seq parts (numbers; seq may lose precision above 2^53, never used for order here). */
export function parseId(id: string): { ms: number; seq: number } {
  const dash = id.indexOf('-');
  const ms = idMs(id);
  const seq = dash < 0 ? 0 : Number(id.slice(dash + 1));
  if (Number.isNaN(ms) || Number.isNaN(seq)) throw new Error(`malformed stream entry id '${id}': expected <ms>-<seq>`);
  return { ms, seq };
}

/** The ms part of an id without allocating; NaN if it is not digits. */
export function idMs(id: string): number {
  let ms = 0;
  let i = 0;
  const n = id.length;
  for (; i < n; i++) {
    const c = id.charCodeAt(i) - 48;
    if (c === -3) break; // '-'
    if (c < 0 || c > 9) return NaN;
    ms = ms * 10 + c;
  }
  return i === 0 ? NaN : ms;
}

/** Compares two ids as Redis does (ms, then seq); seq compared as decimal text to keep 64-bit exactness. */
export function compareIds(a: string, b: string): number {
  const am = idMs(a);
  const bm = idMs(b);
  if (am !== bm) return am < bm ? -1 : 1;
  const as = a.indexOf('-') < 0 ? '0' : a.slice(a.indexOf('-') + 1);
  const bs = b.indexOf('-') < 0 ? '0' : b.slice(b.indexOf('-') + 1);
  if (as.length !== bs.length) return as.length < bs.length ? -1 : 1;
  return as < bs ? -1 : as > bs ? 1 : 0;
}

/** A number as field text (see the module comment). */
export function encodeNumber(v: number): string {
  if (v !== v) return '';
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  if (v === 0 && 1 / v < 0) return '-0'; // String(-0) is '0': keep the sign bit for byte-identical round trips
  return String(v);
}

// Decimal text as String(number) or a person writes it; rejects what Number() would also accept
// but is not a plain number here (whitespace, hex, 'Infinity', '1e').
const NUMBER_TEXT = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;

/** Field text back to a number; undefined when the text is not a number (callers name the place). */
export function parseNumber(text: string): number | undefined {
  if (text === '') return NaN;
  if (text === 'inf' || text === '+inf') return Infinity;
  if (text === '-inf') return -Infinity;
  return NUMBER_TEXT.test(text) ? Number(text) : undefined;
}

/** Field text back to a number; throws naming the entry and field for malformed text. */
export function decodeNumber(text: string, id: string, field: string): number {
  const v = parseNumber(text);
  if (v === undefined) {
    throw new Error(
      `stream entry ${id}: field '${field}' is ${JSON.stringify(text)}, not a number ` +
        `(expected decimal text like '42' or '1.5e-8', '' for NaN, 'inf' or '-inf')`,
    );
  }
  return v;
}

/** The field/value list of one event: row `i` of `columns`. */
export function encodeFields(names: readonly string[], columns: readonly ArrayLike<number>[], i: number): string[] {
  const out = new Array<string>(names.length * 2);
  for (let j = 0; j < names.length; j++) {
    out[2 * j] = names[j];
    out[2 * j + 1] = encodeNumber(columns[j][i]);
  }
  return out;
}

/** Decodes entries into new arrays (see decodeEntriesInto for the rules). */
export function decodeEntries(entries: readonly StreamEntry[], fieldNames: readonly string[]): DecodedEntries {
  const n = entries.length;
  const out: DecodedEntries = {
    ids: new Array<string>(n),
    t: new Float64Array(n),
    columns: fieldNames.map(() => new Float64Array(n)),
  };
  decodeEntriesInto(entries, fieldNames, out, 0);
  return out;
}

/**
 * Writes entries at `offset` of `out` (which must have room): ids, t from the id's ms part, and
 * one value per field name. Fields not asked for are ignored; a missing one is an error naming
 * the entry and listing the fields it has. Allocates nothing per entry: the position of each
 * field in the previous entry is tried first (a publisher writes every entry alike).
 */
export function decodeEntriesInto(
  entries: readonly StreamEntry[],
  fieldNames: readonly string[],
  out: DecodedEntries,
  offset: number,
): void {
  const k = fieldNames.length;
  const pos = new Int32Array(k);
  for (let j = 0; j < k; j++) pos[j] = 2 * j;
  const { ids, t, columns } = out;
  for (let e = 0; e < entries.length; e++) {
    const [id, fields] = entries[e];
    const at = offset + e;
    const ms = idMs(id);
    if (Number.isNaN(ms)) throw new Error(`malformed stream entry id '${id}': expected <ms>-<seq>`);
    ids[at] = id;
    t[at] = ms;
    if (fields === null || fields === undefined) {
      // XREADGROUP returns a nil field list for a pending entry that was trimmed away.
      throw new Error(`stream entry ${id} has no fields (it was deleted or trimmed from the stream)`);
    }
    for (let j = 0; j < k; j++) {
      const name = fieldNames[j];
      let p = pos[j];
      if (fields[p] !== name) {
        p = -1;
        for (let q = 0; q < fields.length; q += 2) {
          if (fields[q] === name) {
            p = q;
            break;
          }
        }
        if (p < 0) {
          const found = fields.filter((_, q) => q % 2 === 0);
          throw new Error(
            `stream entry ${id} has no field '${name}'; fields found: ${found.length ? found.join(', ') : '(none)'}; ` +
              `expected: ${fieldNames.join(', ')}`,
          );
        }
        pos[j] = p;
      }
      const text = fields[p + 1];
      const v = parseNumber(text);
      columns[j][at] = v === undefined ? decodeNumber(text, id, name) : v;
    }
  }
}
