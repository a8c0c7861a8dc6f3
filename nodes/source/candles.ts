import { Type } from '@sinclair/typebox';
import { defineNode } from '../../runtime/defineNode.js';
import { TIMEFRAME_PATTERN, checkTimeRange, parseTimeParam, timeframeMs } from '../../runtime/data/timeframe.js';
import { port } from '../../runtime/ports.js';

/** A time as ISO-8601 (a date alone is UTC midnight) or epoch milliseconds. */
const timeParam = (description: string) => Type.Union([Type.String(), Type.Number()], { description });

export const candles = defineNode({
  kind: 'source.candles',
  summary: 'OHLCV candles, one event per candle at its close, from whatever the mode binds (a file, a Redis stream, memory).',
  description:
    'Fields time,open,high,low,close,volume; `time` is the candle open time. A candle becomes ' +
    'knowable when it closes, so its event time is open time + timeframe. Where the candles come ' +
    'from is the mode binding, not a param: `modes.backtest.<id>: { file: NAME }` (CSV or CSV.gz ' +
    'with time as epoch ms or ISO-8601, looked up as given, then in HEAN_DATA_DIR, then in the ' +
    'user data directory), `{ stream: KEY }` (a Redis stream: a time range in a backtest, a ' +
    'consumer group in paper mode) or `{ memory: NAME }`. Gaps are reported and kept as they are ' +
    '(no synthetic bars). Duplicate or out-of-order times, NaN, non-positive prices, negative ' +
    'volume, impossible candles (high < low, open or close outside low..high) and malformed ' +
    'rows stop the run naming where (file:line, stream entry), unless onBadRow is skip (drop ' +
    'silently, counted in the summary) or warn (drop and print each). Candles closer than the ' +
    'timeframe, or none of the first 20 one timeframe apart (1h bars declared 1m), stop the run ' +
    'whatever onBadRow says.',
  params: Type.Object(
    {
      symbol: Type.String({ minLength: 1, description: 'Instrument, e.g. BTCUSDT (a label for reports).' }),
      timeframe: Type.String({ pattern: TIMEFRAME_PATTERN, description: 'Bar length: 1m, 5m, 1h, 1d ...' }),
      onBadRow: Type.Union([Type.Literal('error'), Type.Literal('skip'), Type.Literal('warn')], { default: 'error', description: 'What a bad row does: stop the run, or drop it (skip: counted, warn: printed).' }),
      start: Type.Optional(
        timeParam('Keep candles whose open time is at or after this (ISO-8601 such as 2021-01-01, UTC, or epoch ms); default: from the first.'),
      ),
      end: Type.Optional(
        timeParam('Keep candles whose open time is before this (exclusive; ISO-8601 or epoch ms); default: to the last.'),
      ),
    },
    { additionalProperties: false },
  ),
  exampleParams: { symbol: 'BTCUSDT', timeframe: '1h' },
  inputs: {},
  outputs: {
    candles: port.candles({ description: 'The whole candle (for brokers).' }),
    open: port.number(),
    high: port.number(),
    low: port.number(),
    close: port.number(),
    volume: port.number(),
  },
  defaultOutput: 'candles',
  check: (p) => checkTimeRange(p, 'candle'),
  source: (p) => ({
    record: 'candles',
    symbol: p.symbol,
    timeframe: p.timeframe,
    timeframeMs: timeframeMs(p.timeframe),
    onBadRow: p.onBadRow,
    start: p.start === undefined ? undefined : parseTimeParam(p.start),
    end: p.end === undefined ? undefined : parseTimeParam(p.end),
  }),
});
