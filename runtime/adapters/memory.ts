import { Type } from '@sinclair/typebox';
import type { LiveBatch, SinkAdapter, SourceAdapter } from './contract.js';
import { recordFields, type SourceSpec } from '../records/sourceSpec.js';
import { TradeChecker, tradesInfo } from '../records/checkTrades.js';
import { BookChecker, bookInfo } from '../records/checkBook.js';
import { bookFields } from '../ports.js';
import { SeriesChecker, seriesInfo } from '../records/checkSeries.js';
import { CandleChecker, candleInfo } from '../records/checkCandles.js';
import { pickRows } from '../records/pickRows.js';

/**
 * In-process feeds and sinks, by name: for tests and for embedding hean in a program. A feed is
 * a list of batches of records (columns by field name, plus event times); replayed whole in a
 * backtest, delivered batch by batch in paper mode. A memory sink collects the rows it gets.
 */
export interface MemoryFeed {
  t: Float64Array;
  columns: Record<string, Float64Array>;
  /** Events per live batch (default: all at once). */
  batch?: number;
}

export const memoryFeeds = new Map<string, MemoryFeed>();
export const memorySinks = new Map<string, { columns: string[]; t: number[]; rows: number[][] }>();

export const memorySource: SourceAdapter = {
  role: 'source',
  name: 'memory',
  key: 'memory',
  summary: 'An in-process feed registered by name (tests, embedding): candles, series (columns time, value), book snapshots or trades.',
  binding: Type.Object({ memory: Type.String({ minLength: 1, description: 'Name of a feed in memoryFeeds.' }) }, { additionalProperties: false }),
  example: '{ memory: bars }',
  records: ['candles', 'series', 'book', 'trades'],
  async replay(binding, spec, io) {
    const name = String(binding.memory);
    const feed = feedOf(name);
    const reader = checkedReader(feed, name, spec, io.warn);
    const { t, columns } = reader.rows(0, feed.t.length);
    return { t, columns, info: reader.info(columns, t) };
  },
  async live(binding, spec, io) {
    const name = String(binding.memory);
    const feed = feedOf(name);
    const reader = checkedReader(feed, name, spec, io.warn);
    const size = Math.max(1, feed.batch ?? feed.t.length);
    let at = 0;
    return {
      async next(): Promise<LiveBatch | null> {
        if (at >= feed.t.length) return null;
        const end = Math.min(feed.t.length, at + size);
        const batch = reader.rows(at, end);
        at = end;
        return { n: batch.t.length, ...batch };
      },
      info: () => reader.info(),
      async close() {},
    };
  },
};

interface CheckedReader {
  /** Events [from, to) of the feed that pass the record's checks (state carries from call to call). */
  rows(from: number, to: number): { t: Float64Array; columns: Record<string, Float64Array> };
  /** Provenance for the run summary; with the replayed columns when the whole feed was read at once. */
  info(columns?: Record<string, Float64Array>, t?: Float64Array): Record<string, unknown>;
}

/** The checks of the source's record type over a memory feed. */
function checkedReader(feed: MemoryFeed, name: string, spec: SourceSpec, warn: (code: string, message: string) => void): CheckedReader {
  const where = (at: string | number) => `memory feed ${name} event ${at}`;
  const fail = (at: string | number, _kind: string, message: string) => new Error(`${where(at)}: ${message}`);
  const fields = recordFields(spec);
  const missing = fields.filter((f) => f !== 'updateId' && !feed.columns[f]);
  if (missing.length) throw new Error(`memory feed ${name} has columns ${Object.keys(feed.columns).join(', ') || 'none'}; a ${spec.record} feed needs ${missing.join(', ')} too`);
  switch (spec.record) {
    case 'series': {
      const checker = new SeriesChecker(spec, warn, where, fail);
      return { rows: (from, to) => seriesRows(feed, name, checker, from, to), info: (c, t) => (c && t ? seriesInfo(spec, { memory: name }, c.time, t, checker) : { record: 'series', name: spec.name, memory: name, missingValues: checker.missing, rowsDropped: checker.dropped }) };
    }
    case 'trades': {
      const checker = new TradeChecker(spec, warn, where, fail);
      const { time, price, size, side } = feed.columns;
      const id = feed.columns.id;
      const rows = (from: number, to: number) => {
        const keep: number[] = [];
        for (let i = from; i < to; i++) {
          const t = checker.accept(time[i], price[i], size[i], side[i], id ? id[i] : NaN, i);
          if (Number.isNaN(t)) continue;
          if (feed.t[i] !== t) throw new Error(`${where(i)}: t is ${feed.t[i]}, but the trade at ${iso(time[i])} has event time ${t} (trades of one millisecond are spaced TRADE_TIME_STEP apart in order); set t to ${t}`);
          keep.push(i - from);
        }
        return pick(feed, fields, keep, from, to);
      };
      return { rows, info: (c, t) => (c && t ? tradesInfo(spec, { memory: name }, c.time, c.side, checker) : { record: 'trades', memory: name, rowsDropped: checker.dropped }) };
    }
    case 'book': {
      const checker = new BookChecker(spec, warn, where, fail);
      const levelColumns = bookFields(spec.levels).map((f) => feed.columns[f]);
      const snapshot = new Float64Array(levelColumns.length);
      const rows = (from: number, to: number) => {
        const keep: number[] = [];
        for (let i = from; i < to; i++) {
          for (let c = 0; c < levelColumns.length; c++) snapshot[c] = levelColumns[c][i];
          if (!checker.accept(feed.columns.time[i], feed.columns.updateId?.[i] ?? NaN, snapshot, 0, i)) continue;
          if (feed.t[i] !== feed.columns.time[i]) throw new Error(`${where(i)}: t is ${feed.t[i]}, but a book snapshot's event time is its time ${feed.columns.time[i]}; set t to time`);
          keep.push(i - from);
        }
        const picked = pick(feed, fields.filter((f) => f !== 'updateId'), keep, from, to);
        picked.columns.updateId = feed.columns.updateId ? pickRows(keep, feed.columns.updateId.subarray(from, to)) : new Float64Array(keep.length).fill(NaN);
        return picked;
      };
      return { rows, info: (c, t) => (c && t ? bookInfo(spec, { memory: name }, t, checker) : { record: 'book', memory: name, rowsDropped: checker.dropped }) };
    }
    case 'text':
      // Memory feeds are numeric columns; texts need their strings (the compiler refuses the binding first).
      throw new Error(`memory feed ${name}: the memory adapter carries ${memorySource.records.join(', ')}, not text; bind a file`);
    case 'candles': {
      const checker = new CandleChecker(spec, warn, `memory feed ${name} event`);
      return { rows: (from, to) => checkedRows(feed, fields, checker, from, to), info: (c) => (c ? candleInfo(spec, { memory: name }, c.time, checker.gaps, checker.dropped) : { memory: name, rowsDropped: checker.dropped, gaps: checker.gaps.length }) };
    }
  }
}

/** Rows `keep` (relative to from) of the feed's events [from, to), in the given fields. */
function pick(feed: MemoryFeed, fields: readonly string[], keep: number[], from: number, to: number): { t: Float64Array; columns: Record<string, Float64Array> } {
  return { t: pickRows(keep, feed.t.subarray(from, to)), columns: Object.fromEntries(fields.map((f) => [f, pickRows(keep, feed.columns[f].subarray(from, to))])) };
}

/** Events [from, to) of a feed that pass the candle checks. */
function checkedRows(feed: MemoryFeed, fields: readonly string[], checker: CandleChecker, from: number, to: number): { t: Float64Array; columns: Record<string, Float64Array> } {
  const [time, open, high, low, close, volume] = fields.map((f) => feed.columns[f].subarray(from, to));
  const keep: number[] = [];
  for (let i = 0; i < to - from; i++) if (checker.accept(time[i], open[i], high[i], low[i], close[i], volume[i], from + i)) keep.push(i);
  return pick(feed, fields, keep, from, to);
}

/**
 * Events [from, to) of a series feed that pass the series checks. A feed gives both the stamp
 * (`time`) and the event time (`t`); they must agree with the source's publication rule, so a
 * feed cannot deliver a value earlier than the rule makes it knowable.
 */
function seriesRows(feed: MemoryFeed, name: string, checker: SeriesChecker, from: number, to: number): { t: Float64Array; columns: Record<string, Float64Array> } {
  const { time, value } = feed.columns;
  const keep: number[] = [];
  for (let i = from; i < to; i++) {
    if (!checker.accept(time[i], value[i], i)) continue;
    const t = checker.eventTime(time[i]);
    if (feed.t[i] !== t) {
      throw new Error(`memory feed ${name} event ${i}: t is ${iso(feed.t[i])}, but the value stamped ${iso(time[i])} becomes knowable at ${iso(t)} (the source's timestamp, period and publicationLag); set t to ${t}`);
    }
    keep.push(i - from);
  }
  return { t: pickRows(keep, feed.t.subarray(from, to)), columns: { time: pickRows(keep, time.subarray(from, to)), value: pickRows(keep, value.subarray(from, to)) } };
}

function iso(ms: number): string {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? String(ms) : d.toISOString();
}

export const memorySink: SinkAdapter = {
  role: 'sink',
  name: 'memory',
  key: 'memory',
  summary: 'Rows collected in memorySinks under a name (tests, embedding).',
  binding: Type.Object({ memory: Type.String({ minLength: 1, description: 'Name under which memorySinks keeps the rows.' }) }, { additionalProperties: false }),
  example: '{ memory: out }',
  open(binding) {
    const name = String(binding.memory);
    const store = { columns: [] as string[], t: [] as number[], rows: [] as number[][] };
    memorySinks.set(name, store);
    return {
      start(columns) {
        store.columns = [...columns];
      },
      write(n, t, columns) {
        for (let i = 0; i < n; i++) {
          store.t.push(t[i]);
          store.rows.push(columns.map((c) => c[i]));
        }
      },
      async close() {},
      describe: () => `memory sink ${name} (${store.rows.length} rows)`,
    };
  },
};

function feedOf(name: string): MemoryFeed {
  const feed = memoryFeeds.get(name);
  if (!feed) throw new Error(`no memory feed "${name}"; register it in memoryFeeds first (known: ${[...memoryFeeds.keys()].join(', ') || 'none'})`);
  return feed;
}
