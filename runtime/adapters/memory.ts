import { Type } from '@sinclair/typebox';
import type { LiveBatch, SinkAdapter, SourceAdapter } from './contract.js';
import { RECORD_FIELDS } from '../records/sourceSpec.js';
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
  summary: 'An in-process feed registered by name (tests, embedding).',
  binding: Type.Object({ memory: Type.String({ minLength: 1, description: 'Name of a feed in memoryFeeds.' }) }, { additionalProperties: false }),
  example: '{ memory: bars }',
  records: ['candles'],
  async replay(binding, spec, io) {
    const feed = feedOf(String(binding.memory));
    const checker = new CandleChecker(spec, io.warn, `memory feed ${binding.memory} event`);
    const { t, columns } = checkedRows(feed, RECORD_FIELDS[spec.record], checker, 0, feed.t.length);
    return { t, columns, info: candleInfo(spec, { memory: binding.memory }, columns.time, checker.gaps, checker.dropped) };
  },
  async live(binding, spec, io) {
    const name = String(binding.memory);
    const feed = feedOf(name);
    const checker = new CandleChecker(spec, io.warn, `memory feed ${name} event`);
    const size = Math.max(1, feed.batch ?? feed.t.length);
    let at = 0;
    return {
      async next(): Promise<LiveBatch | null> {
        if (at >= feed.t.length) return null;
        const end = Math.min(feed.t.length, at + size);
        const batch = checkedRows(feed, RECORD_FIELDS[spec.record], checker, at, end);
        at = end;
        return { n: batch.t.length, ...batch };
      },
      info: () => ({ memory: name, rowsDropped: checker.dropped, gaps: checker.gaps.length }),
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
