import { Type } from '@sinclair/typebox';
import { defineNode } from '../../runtime/defineNode.js';
import { checkTimeRange, parseTimeParam } from '../../runtime/data/timeframe.js';
import { port } from '../../runtime/ports.js';

const timeParam = (description: string) => Type.Union([Type.String(), Type.Number()], { description });

export const trades = defineNode({
  kind: 'source.trades',
  summary: 'Trades (price, size, aggressor side), one event per trade at the exchange trade time, from whatever the mode binds.',
  description:
    'Each trade is its own event, so order-flow nodes see every fill. The file adapter reads CSV or CSV.gz with a ' +
    'header naming time (epoch ms, µs or ns, or ISO-8601; also timestamp), price, size (qty, amount), and the ' +
    'aggressor side (aggressor_side / side: buy or sell, or is_buyer_maker: true means the seller aggressed), plus an ' +
    'optional trade id (trade_id, id). The side is +1 (buy), -1 (sell) or NaN when the data does not say. Trades must ' +
    'be in exchange order; several in one millisecond are common (one taker order filling many resting orders) and ' +
    'keep their order: the k-th trade of millisecond T has event time T + k/2048 ms, so each is a distinct event and ' +
    'reports still print T. Ids that skip are reported as missing trades (never papered over); repeated ids, times ' +
    'that go backwards, non-positive prices or sizes stop the run naming file:line, unless onBadRow is skip or warn.',
  params: Type.Object(
    {
      symbol: Type.String({ minLength: 1, description: 'Instrument, e.g. BTCUSDT (a label for reports).' }),
      onBadRow: Type.Union([Type.Literal('error'), Type.Literal('skip'), Type.Literal('warn')], { default: 'error', description: 'What a bad row does: stop the run, or drop it (skip: counted, warn: printed).' }),
      start: Type.Optional(timeParam('Keep trades at or after this (ISO-8601 or epoch ms); default: from the first.')),
      end: Type.Optional(timeParam('Keep trades before this (exclusive; ISO-8601 or epoch ms); default: to the last.')),
    },
    { additionalProperties: false },
  ),
  exampleParams: { symbol: 'BTCUSDT' },
  inputs: {},
  outputs: {
    trades: port.trades({ description: 'The whole trade (for order-flow nodes and bars).' }),
    price: port.number({ description: 'Trade price.' }),
    size: port.number({ description: 'Traded size (base currency).' }),
    side: port.number({ description: 'Aggressor side: +1 buy, -1 sell, NaN unknown.' }),
  },
  defaultOutput: 'trades',
  warmup: () => 0,
  check: (p) => checkTimeRange(p, 'trade'),
  source: (p) => ({
    record: 'trades',
    symbol: p.symbol,
    onBadRow: p.onBadRow,
    start: p.start === undefined ? undefined : parseTimeParam(p.start),
    end: p.end === undefined ? undefined : parseTimeParam(p.end),
  }),
});
