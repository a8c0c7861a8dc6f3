import { Type } from '@sinclair/typebox';
import { defineNode, type ParamProblem } from '../../runtime/defineNode.js';
import { SimulatedBroker } from '../../runtime/portfolio/simulatedBroker.js';
import { port } from '../../runtime/ports.js';

/**
 * The declaration only: the simulation (fills, metrics, history) is runtime/portfolio's
 * SimulatedBroker, shared by backtests (full history) and paper runs (bounded history).
 */

const brokerParams = Type.Object(
  {
    cash: Type.Number({
      exclusiveMinimum: 0,
      // No account holds more, and up to 1e15 a double (53 bits) still resolves an eighth of a
      // unit; far beyond, amounts overflow (1e308 * 2 is Infinity) and every metric is noise.
      maximum: 1e15,
      default: 10000,
      description: 'Starting cash, in quote currency (at most 1e15).',
    }),
    fill: Type.Union([Type.Literal('nextOpen'), Type.Literal('close'), Type.Literal('book'), Type.Literal('queue')], {
      default: 'nextOpen',
      description:
        'Fill model: the next bar open (honest), the deciding bar close (optimistic), book (market orders walk the recorded book; needs the book input) or queue (limit orders rest at the touch behind the displayed size and fill as trades work through the queue; needs book and trades).',
    }),
    fees: Type.Object(
      {
        taker: Type.Number({ minimum: 0, maximum: 0.1, default: 0.001, description: 'Fee per side as a fraction of traded value (0.001 = 0.1%).' }),
        maker: Type.Optional(Type.Number({ minimum: -0.01, maximum: 0.1, description: 'Fee of a resting order\'s fills (fill: queue); negative for a rebate; default: the taker fee.' })),
      },
      { additionalProperties: false, default: { taker: 0.001 }, description: 'Trading fees, as fractions of traded value.' },
    ),
    // At 10,000 bps a sell fills at price 0; 10% (1000 bps) per fill, like the fee's cap, is already extreme.
    slippageBps: Type.Number({ minimum: 0, maximum: 1000, default: 0, description: 'Price slippage against the trader, in basis points (at most 1000 = 10%).' }),
    latencyBars: Type.Integer({ minimum: 0, maximum: 1000, default: 0, description: 'Extra bars between decision and fill.' }),
    direction: Type.Union([Type.Literal('longOnly'), Type.Literal('longShort')], { default: 'longOnly', description: 'Whether short positions are allowed.' }),
  },
  { additionalProperties: false },
);
const brokerInputs = {
  orders: port.orders(),
  market: port.candles(),
  book: port.book({ optional: true, description: 'The recorded order book, for fill: book and queue (as of each market event).' }),
  trades: port.trades({ optional: true, ownTimes: true, description: 'Every trade, for fill: queue (read at its own events, not sampled onto the market).' }),
};
const brokerOutputs = { equity: port.number(), position: port.number() };

export const broker = defineNode({
  kind: 'sink.broker',
  summary: 'Simulated broker: fills target-exposure orders at the next bar open with fees, slippage and latency; marks equity at each close.',
  description:
    'Steps event by event on its market. An order decided at bar i fills at the open of bar ' +
    'i + 1 + latencyBars (fill: nextOpen, the default) or at the close of bar i + latencyBars ' +
    '(fill: close, optimistic: it trades at the price that produced the signal). An order is a ' +
    'target fraction of equity: from flat, a long target f buys f * equity / (price * (1 + fee)) ' +
    'units, so all-in (f = 1) spends the whole cash including the fee; 0 closes the position; a ' +
    'target of the other sign closes then opens. Buys fill at price * (1 + slippage), sells at ' +
    'price * (1 - slippage); the fee is a fraction of traded value per side. Long-only brokers ' +
    'treat negative targets as 0. Quantities are fractional. Equity = cash + position * close at ' +
    'every bar; an open position at the end stays open and is valued at the last close. fill: book ' +
    '(depth-aware) fills at the next market event by walking the recorded book as of the deciding event: ' +
    'buys take the asks from the best up, sells the bids, each level for at most its size; the order is sized ' +
    'at the touch, a buy never spends more than the cash, and what the depth cannot give is cancelled and ' +
    'counted (partial fills). slippageBps still applies on top. The report gives the execution: fills, ' +
    'partial fills, units short, and the expected (touch) against the realised (walked) slippage in bps of the mid. ' +
    'fill: queue (passive, limit orders): the order decided at an event rests from then on at the touch of its side ' +
    '(a buy at the best bid, a sell at the best ask, sized at that price) behind the size displayed there; trades at ' +
    'its price by the other side work through that queue first, then fill the order (partly, as they come), and a ' +
    'trade through its price fills what is left. Only trades advance the queue (cancellations ahead are not assumed: ' +
    'conservative). The next order replaces a resting one. Fills pay the maker fee, without slippage. The report ' +
    'counts orders filled, partly filled and unfilled, the mean queue ahead and the mean wait for a first fill.',
  params: brokerParams,
  inputs: brokerInputs,
  outputs: brokerOutputs,
  defaultOutput: 'equity',
  timeline: 'market',
  check: (p, graph) => {
    const problems: ParamProblem[] = [];
    if (p.fill === 'close') problems.push({ path: ['fill'], severity: 'warning', code: 'broker/optimistic-fill', message: 'fill: close trades at the price of the bar that produced the signal, which is optimistic; use nextOpen for honest results' });
    const bookWired = graph?.wiredInputs.has('book');
    const tradesWired = graph?.wiredInputs.has('trades');
    if (p.fill === 'book' && graph && !bookWired) problems.push({ path: ['fill'], message: 'fill: book walks the recorded order book, and no book is wired; add book: <source.book node> to in:, or use fill: nextOpen' });
    if (p.fill === 'queue' && graph && !(bookWired && tradesWired)) {
      problems.push({ path: ['fill'], message: `fill: queue rests orders in the recorded book and fills them from the trades; wire ${[bookWired ? '' : 'book: <source.book node>', tradesWired ? '' : 'trades: <source.trades node>'].filter(Boolean).join(' and ')} in in:, or use fill: nextOpen` });
    }
    if (p.fill !== 'book' && p.fill !== 'queue' && bookWired) problems.push({ path: ['fill'], severity: 'warning', code: 'param/unused', message: `the book input is wired but fill is ${p.fill}, which does not read it; set fill: book (or queue) for depth-aware fills, or remove the book wire` });
    if (p.fill !== 'queue' && tradesWired) problems.push({ path: ['fill'], severity: 'warning', code: 'param/unused', message: `the trades input is wired but fill is ${p.fill}, which does not read it; set fill: queue for resting orders, or remove the trades wire` });
    if (p.fees.maker !== undefined && p.fill !== 'queue') problems.push({ path: ['fees', 'maker'], severity: 'warning', code: 'param/unused', message: `fees.maker applies to resting orders (fill: queue); with fill: ${p.fill} every fill pays the taker fee` });
    return problems;
  },
  create: (p, ctx) => new SimulatedBroker(p, { warn: (code, message) => ctx.warn(code, message), eventsHint: ctx.eventsHint, history: ctx.history ?? 'full', orderId: ctx.clientOrderId }),
});
