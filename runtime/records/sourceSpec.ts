import { CANDLE_FIELDS } from '../ports.js';

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

export type SourceSpec = CandleSpec;

/** The fields of one record, in order: what files, streams and memory feeds carry. */
export const RECORD_FIELDS: Record<SourceSpec['record'], readonly string[]> = { candles: CANDLE_FIELDS };

/**
 * The earliest time the source's next event can have, after an event at `t`. Candles close one
 * timeframe apart (or more, at gaps), so once a bar closing at t is seen, nothing earlier than
 * t + timeframe can follow: the live driver's watermark for merging feeds without waiting.
 */
export function nextEventBound(spec: SourceSpec, t: number): number {
  return t + spec.timeframeMs;
}
