import { CANDLE_FIELDS, TRADE_FIELDS, bookFields } from '../ports.js';

/**
 * What a source node asks its adapter for, derived from its params: the record type and how to
 * read and check it. The same spec is served by a file, a Redis stream or a memory feed, so the
 * node's params (and the graph's `nodes:` section) stay the same in every mode.
 */
export type BadRowPolicy = 'error' | 'skip' | 'warn';

export interface CandleSpec {
  record: 'candles';
  /** Instrument label (reports, stream metadata checks). */
  symbol: string;
  timeframe: string;
  /** Bar length; an event's time is the candle's open time + timeframeMs (when it closes). */
  timeframeMs: number;
  onBadRow: BadRowPolicy;
  /** Keep candles with open time >= start (epoch ms). */
  start?: number;
  /** Keep candles with open time < end (epoch ms). */
  end?: number;
}

/** What a series row's time column says: when the value became knowable, or the start or end of the period it covers. */
export type SeriesTimestamp = 'published' | 'periodStart' | 'periodEnd';

/**
 * Any numeric time series (funding rates, open interest, an index) with a publication rule.
 * A value enters the graph at its publication time: the stamp, plus the period when the stamp
 * is the period's start (a daily value is known once its day is over), plus publicationLag.
 */
export interface SeriesSpec {
  record: 'series';
  /** Label for reports. */
  name: string;
  /** The column (CSV) or field (JSON lines) holding the value. */
  column: string;
  /** The column or field holding the stamp: epoch ms, ISO-8601, or a date (UTC midnight). */
  timeColumn: string;
  timestamp: SeriesTimestamp;
  /** The period a value covers (`1d`), for periodStart / periodEnd. */
  period?: string;
  /** Its length in ms; 0 when timestamp is published. */
  periodMs: number;
  /** As written (`0`, `6h`), for reports. */
  publicationLag: string;
  publicationLagMs: number;
  onBadRow: BadRowPolicy;
  /** Keep values whose publication (event) time is >= start (epoch ms). */
  start?: number;
  /** Keep values whose publication (event) time is < end (epoch ms). */
  end?: number;
}

/**
 * L2 order book snapshots: the top `levels` levels per side, one event per snapshot at its
 * exchange event time. Checked per snapshot: prices ordered away from the touch, sizes > 0, the
 * book not crossed, update ids (when the data has them) increasing.
 */
export interface BookSpec {
  record: 'book';
  symbol: string;
  levels: number;
  onBadRow: BadRowPolicy;
  /** A book kept from level updates: what a break in the update ids does (stop, or drop updates until the next snapshot). */
  onGap: 'error' | 'resync';
  start?: number;
  end?: number;
}

/**
 * Trades, one event per trade at the exchange's trade time. Trades that share a millisecond
 * keep the exchange's order, spaced TRADE_TIME_STEP apart (below), so event times stay
 * strictly increasing and every trade is its own event.
 */
export interface TradesSpec {
  record: 'trades';
  symbol: string;
  onBadRow: BadRowPolicy;
  start?: number;
  end?: number;
}

/**
 * Timestamped texts (headlines, posts), one event per text at its publication time: the stamp
 * plus publicationLag. Texts that share a millisecond keep file order, spaced TRADE_TIME_STEP
 * apart like trades, so every text is its own event.
 */
export interface TextSpec {
  record: 'text';
  /** Label for reports. */
  name: string;
  /** The column (CSV) or field (JSON lines) holding the text. */
  column: string;
  /** The column or field holding the stamp: epoch ms, or ISO-8601 with a zone. */
  timeColumn: string;
  /** As written (`0`, `30s`), for reports. */
  publicationLag: string;
  publicationLagMs: number;
  onBadRow: BadRowPolicy;
  /** Longer texts are bad rows (characters). */
  maxLength: number;
  /** Keep texts whose event (publication) time is >= start (epoch ms). */
  start?: number;
  /** Keep texts whose event (publication) time is < end (epoch ms). */
  end?: number;
}

export type SourceSpec = CandleSpec | SeriesSpec | BookSpec | TradesSpec | TextSpec;

/** The fields of one record of each fixed-shape type, in order: what files, streams and memory feeds carry. */
export const RECORD_FIELDS = { candles: CANDLE_FIELDS, series: ['time', 'value'], trades: TRADE_FIELDS, text: ['time', 'text'] } as const;

/** The fields of the source's records (a book's depend on its levels; `updateId` is carried but not a book column). */
export function recordFields(spec: SourceSpec): readonly string[] {
  return spec.record === 'book' ? ['time', 'updateId', ...bookFields(spec.levels)] : RECORD_FIELDS[spec.record];
}

/**
 * The gap between two trades of one millisecond (2^-11 ms, exact in a double for epoch ms
 * until the year 2248): the k-th trade of millisecond T (k from 0) has event time
 * T + k * TRADE_TIME_STEP. Reports print whole milliseconds.
 */
export const TRADE_TIME_STEP = 2 ** -11;
/** At most this many trades share one millisecond (more would reach the next millisecond). */
export const MAX_TRADES_PER_MS = 2048;

/** When a series value stamped `time` became knowable: its event time in the graph. */
export function seriesEventTime(spec: SeriesSpec, time: number): number {
  return time + (spec.timestamp === 'periodStart' ? spec.periodMs : 0) + spec.publicationLagMs;
}

/**
 * The earliest time the source's next event can have, after an event at `t`: the live driver's
 * watermark for merging feeds without waiting. Candles close one timeframe apart (or more, at
 * gaps), so nothing earlier than t + timeframe can follow. A series or a book has no known
 * spacing, only strictly increasing integer-ms event times, so the next one is at least t + 1 ms
 * (trades and texts: t + TRADE_TIME_STEP): other feeds' events after t wait until the source moves on.
 */
export function nextEventBound(spec: SourceSpec, t: number): number {
  if (spec.record === 'candles') return t + spec.timeframeMs;
  return spec.record === 'trades' || spec.record === 'text' ? t + TRADE_TIME_STEP : t + 1;
}

/** The spec of an adapter that carries candles only (the compiler refuses other bindings; this guards direct calls). */
export function candlesOnly(spec: SourceSpec, adapter: string): CandleSpec {
  if (spec.record !== 'candles') throw new Error(`the ${adapter} adapter carries candles, not ${spec.record}; bind another adapter`);
  return spec;
}
