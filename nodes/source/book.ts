import { Type } from '@sinclair/typebox';
import { defineNode } from '../../runtime/defineNode.js';
import { checkTimeRange, parseTimeParam } from '../../runtime/data/timeframe.js';
import { port } from '../../runtime/ports.js';

const timeParam = (description: string) => Type.Union([Type.String(), Type.Number()], { description });

export const book = defineNode({
  kind: 'source.book',
  summary: 'L2 order book snapshots (the top levels per side), one event per snapshot at its exchange event time.',
  description:
    'The file adapter reads CSV or CSV.gz with a time column (epoch ms, µs or ns, or ISO-8601), an optional update id ' +
    '(last_update_id, update_id) and, per level i from 1, bid_px_i, bid_sz_i, ask_px_i, ask_sz_i (also bidPrice1.. ' +
    'or Tardis bids[0].price, bids[0].amount ...); the first `levels` levels are read. A thin book leaves its deepest ' +
    'levels empty (NaN). Each snapshot is checked: prices > 0 moving away from the touch, sizes > 0, best bid below ' +
    'best ask (a crossed or locked book is what a broken update sequence produces), strictly increasing times and ' +
    'update ids. A bad snapshot stops the run naming file:line and what is wrong, unless onBadRow is skip or warn. ' +
    'A file of level updates instead (one row per level change: time, is_snapshot, side, price, amount, as Tardis\' ' +
    'incremental_book_L2, with Binance\'s update ids first_update_id (U) and update_id (u) when present) keeps the whole ' +
    'book: snapshot rows replace it, an amount of 0 removes a level, a negative amount stops the run; the rows of one ' +
    'time and update id are one message and one event (the top levels after it, checked as above). Update ids must ' +
    'follow on (U = previous u + 1; the first message after a snapshot may overlap it, older ones are skipped): a ' +
    'break stops the run naming the line, or with onGap: resync drops the updates until the next snapshot (counted).',
  params: Type.Object(
    {
      symbol: Type.String({ minLength: 1, description: 'Instrument, e.g. BTCUSDT (a label for reports).' }),
      levels: Type.Integer({ minimum: 1, maximum: 1000, default: 10, description: 'Levels per side to read (the data must have at least this many).' }),
      onBadRow: Type.Union([Type.Literal('error'), Type.Literal('skip'), Type.Literal('warn')], { default: 'error', description: 'What a bad snapshot does: stop the run, or drop it (skip: counted, warn: printed).' }),
      onGap: Type.Union([Type.Literal('error'), Type.Literal('resync')], {
        default: 'error',
        description: 'A book kept from level updates: a break in the update ids stops the run (error), or drops the updates until the next snapshot rebuilds the book (resync; counted and reported).',
      }),
      start: Type.Optional(timeParam('Keep snapshots at or after this (ISO-8601 or epoch ms); default: from the first.')),
      end: Type.Optional(timeParam('Keep snapshots before this (exclusive; ISO-8601 or epoch ms); default: to the last.')),
    },
    { additionalProperties: false },
  ),
  exampleParams: { symbol: 'BTCUSDT' },
  inputs: {},
  outputs: { book: port.book({ description: 'The snapshot: price and size per level and side.' }) },
  warmup: () => 0,
  check: (p) => checkTimeRange(p, 'snapshot'),
  source: (p) => ({
    record: 'book',
    symbol: p.symbol,
    levels: p.levels,
    onBadRow: p.onBadRow,
    onGap: p.onGap,
    start: p.start === undefined ? undefined : parseTimeParam(p.start),
    end: p.end === undefined ? undefined : parseTimeParam(p.end),
  }),
});
