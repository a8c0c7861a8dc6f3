import { Type } from '@sinclair/typebox';
import type { LiveBatch, SinkAdapter, SourceAdapter } from './contract.js';
import { RECORD_FIELDS, type SeriesSpec } from '../records/sourceSpec.js';
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
  summary: 'An in-process feed registered by name (tests, embedding): candles, or series (columns time, value).',
  binding: Type.Object({ memory: Type.String({ minLength: 1, description: 'Name of a feed in memoryFeeds.' }) }, { additionalProperties: false }),
  example: '{ memory: bars }',
  records: ['candles', 'series'],
  async replay(binding, spec, io) {
    const name = String(binding.memory);
    const feed = feedOf(name);
    if (spec.record === 'series') {
      const checker = seriesChecker(spec, name, io.warn);
      const { t, columns } = seriesRows(feed, name, checker, 0, feed.t.length);
      return { t, columns, info: seriesInfo(spec, { memory: name }, columns.time, t, checker) };
    }
    const checker = new CandleChecker(spec, io.warn, `memory feed ${name} event`);
    const { t, columns } = checkedRows(feed, RECORD_FIELDS[spec.record], checker, 0, feed.t.length);
    return { t, columns, info: candleInfo(spec, { memory: name }, columns.time, checker.gaps, checker.dropped) };
  },
  async live(binding, spec, io) {
    const name = String(binding.memory);
    const feed = feedOf(name);
    let rows: (from: number, to: number) => { t: Float64Array; columns: Record<string, Float64Array> };
    let info: () => Record<string, unknown>;
    if (spec.record === 'series') {
      const checker = seriesChecker(spec, name, io.warn);
      rows = (from, to) => seriesRows(feed, name, checker, from, to);
      info = () => ({ record: 'series', name: spec.name, memory: name, missingValues: checker.missing, rowsDropped: checker.dropped });
    } else {
      const checker = new CandleChecker(spec, io.warn, `memory feed ${name} event`);
      rows = (from, to) => checkedRows(feed, RECORD_FIELDS[spec.record], checker, from, to);
      info = () => ({ memory: name, rowsDropped: checker.dropped, gaps: checker.gaps.length });
    }
    const size = Math.max(1, feed.batch ?? feed.t.length);
    let at = 0;
    return {
      async next(): Promise<LiveBatch | null> {
        if (at >= feed.t.length) return null;
        const end = Math.min(feed.t.length, at + size);
        const batch = rows(at, end);
        at = end;
        return { n: batch.t.length, ...batch };
      },
      info,
      async close() {},
    };
  },
};

/** Events [from, to) of a feed that pass the candle checks. */
function checkedRows(feed: MemoryFeed, fields: readonly string[], checker: CandleChecker, from: number, to: number): { t: Float64Array; columns: Record<string, Float64Array> } {
  const [time, open, high, low, close, volume] = fields.map((f) => feed.columns[f].subarray(from, to));
  const keep: number[] = [];
  for (let i = 0; i < to - from; i++) if (checker.accept(time[i], open[i], high[i], low[i], close[i], volume[i], from + i)) keep.push(i);
  return { t: pickRows(keep, feed.t.subarray(from, to)), columns: Object.fromEntries(fields.map((f) => [f, pickRows(keep, feed.columns[f].subarray(from, to))])) };
}

function seriesChecker(spec: SeriesSpec, name: string, warn: (code: string, message: string) => void): SeriesChecker {
  return new SeriesChecker(spec, warn, (at) => `memory feed ${name} event ${at}`, (at, _kind, message) => new Error(`memory feed ${name} event ${at}: ${message}`));
}

/**
 * Events [from, to) of a series feed that pass the series checks. A feed gives both the stamp
 * (`time`) and the event time (`t`); they must agree with the source's publication rule, so a
 * feed cannot deliver a value earlier than the rule makes it knowable.
 */
function seriesRows(feed: MemoryFeed, name: string, checker: SeriesChecker, from: number, to: number): { t: Float64Array; columns: Record<string, Float64Array> } {
  const { time, value } = feed.columns;
  if (!time || !value) throw new Error(`memory feed ${name} has columns ${Object.keys(feed.columns).join(', ') || 'none'}; a series feed needs the columns time (the stamp) and value`);
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
