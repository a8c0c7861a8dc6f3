import { Type } from '@sinclair/typebox';
import { defineNode, type ParamProblem } from '../../runtime/defineNode.js';
import { PortfolioBroker } from '../../runtime/portfolio/portfolioBroker.js';
import { port } from '../../runtime/ports.js';

/** The declaration only: the simulation is runtime/portfolio's PortfolioBroker. */

const exitDistance = (what: string) =>
  Type.Optional(
    Type.Object(
      {
        pct: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1000, description: `${what} as a percentage of the entry price.` })),
        distance: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: `${what} as a price distance from the entry.` })),
        atr: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 100, description: `${what} in multiples of the ATR as of the bar before the entry.` })),
      },
      { additionalProperties: false, minProperties: 1, maxProperties: 1, description: `${what}: exactly one of pct, distance or atr.` },
    ),
  );

const portfolioParams = Type.Object(
  {
    cash: Type.Number({ exclusiveMinimum: 0, maximum: 1e15, default: 10000, description: 'Starting cash, in quote currency (at most 1e15).' }),
    fill: Type.Union([Type.Literal('nextOpen'), Type.Literal('close')], { default: 'nextOpen', description: 'Fill model: the next bar open of the instrument (honest) or the deciding bar close (optimistic).' }),
    fees: Type.Object({ taker: Type.Number({ minimum: 0, maximum: 0.1, default: 0.001, description: 'Fee per side as a fraction of traded value.' }) }, { additionalProperties: false, default: { taker: 0.001 }, description: 'Default fees of every instrument.' }),
    slippageBps: Type.Number({ minimum: 0, maximum: 1000, default: 0, description: 'Price slippage against the trader, in basis points.' }),
    latencyBars: Type.Integer({ minimum: 0, maximum: 1000, default: 0, description: "Extra bars (of the instrument's market) between decision and fill." }),
    direction: Type.Union([Type.Literal('longOnly'), Type.Literal('longShort')], { default: 'longShort', description: 'Whether short positions are allowed.' }),
    orderUnit: Type.Union([Type.Literal('fraction'), Type.Literal('quantity'), Type.Literal('notional')], {
      default: 'fraction',
      description: 'What an order number means: a target fraction of equity, a target quantity of the instrument, or a target notional in quote currency (signed; 0 = flat).',
    }),
    maxLeverage: Type.Number({ exclusiveMinimum: 0, maximum: 125, default: 1, description: 'Gross notional of all positions over equity an order may reach (at its fill); a larger order is cut to fit and counted.' }),
    maintenanceMargin: Type.Number({ minimum: 0, maximum: 1, default: 0.005, description: "Maintenance margin, a fraction of each position's notional; below it every position is liquidated." }),
    liquidationFee: Type.Number({ minimum: 0, maximum: 0.1, default: 0.005, description: 'Fee on the notional a liquidation closes, on top of the taker fee.' }),
    borrowRate: Type.Number({ minimum: 0, maximum: 10, default: 0, description: 'Annual borrow rate of spot shorts, on their notional at each close, for the bar\'s span.' }),
    instruments: Type.Optional(
      Type.Array(
        Type.Object(
          {
            name: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Name in reports (default: the market wire).' })),
            type: Type.Optional(Type.Union([Type.Literal('spot'), Type.Literal('perp')], { description: 'perp: pays or receives funding (one funding wire per perp, in order); spot (default): shorts pay borrow.' })),
            fees: Type.Optional(Type.Object({ taker: Type.Number({ minimum: 0, maximum: 0.1, description: 'Fee per side as a fraction of traded value.' }) }, { additionalProperties: false, description: "This instrument's fees (default: the broker's)." })),
            borrowRate: Type.Optional(Type.Number({ minimum: 0, maximum: 10, description: "This instrument's annual borrow rate for spot shorts (default: the broker's)." })),
            maintenanceMargin: Type.Optional(Type.Number({ minimum: 0, maximum: 1, description: "This instrument's maintenance margin rate (default: the broker's)." })),
          },
          { additionalProperties: false },
        ),
        { maxItems: 64, description: 'Per instrument, in the order of the market wires: name, type and overrides.' },
      ),
    ),
    exits: Type.Optional(
      Type.Object(
        {
          stopLoss: exitDistance('Stop-loss distance'),
          takeProfit: exitDistance('Take-profit distance'),
          trailingStop: exitDistance('Trailing-stop distance'),
          atrPeriod: Type.Integer({ minimum: 1, maximum: 1000, default: 14, description: 'ATR period (Wilder, TA-Lib) for atr distances.' }),
        },
        { additionalProperties: false, description: 'Exits attached to every position when it opens, executed by the broker inside the bar.' },
      ),
    ),
  },
  { additionalProperties: false },
);

export const portfolio = defineNode({
  kind: 'sink.portfolio',
  summary: 'Portfolio broker: several instruments in one account, long/short with margin and liquidation, funding, borrow, stop-loss / take-profit / trailing exits.',
  description:
    'One cash balance in the quote currency; one `markets` wire and one `orders` wire per instrument, in the same order. ' +
    'It steps on the union of its markets\' events; a market with no bar at an event is marked at its latest close and nothing ' +
    'fills or triggers on it until its next bar. Orders are targets per instrument (orderUnit: a fraction of equity, as ' +
    'sink.broker; a quantity; or a notional) and fill at the instrument\'s next open (or the deciding close) with its fee and the ' +
    'slippage; a target of the other sign closes then opens. An order that would take gross notional beyond maxLeverage x ' +
    'equity is cut to fit. Margin is checked at every event at the adverse prices of the bar (a long at its low, a short at its ' +
    'high): below the maintenance margin every position is liquidated there, paying the taker and liquidation fees. Perps ' +
    '(instruments[].type: perp) pay funding from their `funding` wire: at each funding time, -position x latest close x rate ' +
    '(longs pay a positive rate), on the position held at that time (a funding time equal to a bar open comes before that ' +
    "bar's fills). Spot shorts pay borrowRate a year on their notional. Exits (stop-loss, take-profit, trailing stop; in percent, " +
    'price distance or ATR multiples) attach to a position when it opens, from its entry fill price; a level the open gaps ' +
    'through fills at the open, otherwise at the level when the bar\'s low or high reaches it; the stop wins when both could ' +
    'trigger in one bar (pessimistic); the trailing level follows the best price of earlier bars. With one market and the ' +
    'defaults it fills exactly as sink.broker. In live mode it trades one spot account (modes.live: { exchange, symbols: one ' +
    'market per market wire }): long-only, no leverage, no exits or perps (README "A live portfolio").',
  params: portfolioParams,
  inputs: {
    orders: port.orders({ many: true, description: 'Target per instrument, one wire per market, in the same order.' }),
    markets: port.candles({ many: true, description: 'The instruments\' candles; the portfolio steps on the union of their events.' }),
    funding: port.number({ many: true, optional: true, ownTimes: true, description: 'Funding rates (fraction per funding period), one wire per perp instrument in order, each read at its own events.' }),
  },
  outputs: {
    equity: port.number({ description: 'Cash plus every position at its latest close.' }),
    exposure: port.number({ description: 'Gross notional over equity.' }),
    positions: port.features({ description: 'Each instrument\'s position in units (negative: short), named by instrument.' }),
  },
  defaultOutput: 'equity',
  timeline: 'markets',
  featureNames: (p, inputs) => ({ positions: (inputs.wires.markets ?? []).map((w, i) => p.instruments?.[i]?.name ?? w) }),
  checkWiring: (p, { wires }) => {
    const problems: ParamProblem[] = [];
    const markets = wires.markets?.length ?? 0;
    const orders = wires.orders?.length ?? 0;
    if (orders !== markets) problems.push({ path: [], message: `${markets} market wire(s) and ${orders} orders wire(s): the portfolio pairs them by position (orders[i] trades markets[i]); wire one orders wire per market` });
    if (p.instruments && p.instruments.length !== markets) problems.push({ path: ['instruments'], message: `instruments lists ${p.instruments.length} entries for ${markets} market wire(s); give one per market, in the same order` });
    const perps = (p.instruments ?? []).filter((i) => i.type === 'perp').length;
    const funding = wires.funding?.length ?? 0;
    if (funding !== perps) problems.push({ path: ['instruments'], message: `${perps} perp instrument(s) and ${funding} funding wire(s): wire one funding series per perp (instruments[].type: perp), in order` });
    const names = (wires.markets ?? []).map((w, i) => p.instruments?.[i]?.name ?? w);
    const twice = names.find((name, i) => names.indexOf(name) !== i);
    if (twice) problems.push({ path: ['instruments'], message: `two instruments are named "${twice}"; give them distinct instruments[].name` });
    return problems;
  },
  check: (p) => {
    const problems: ParamProblem[] = [];
    if (p.fill === 'close') problems.push({ path: ['fill'], severity: 'warning', code: 'broker/optimistic-fill', message: 'fill: close trades at the price of the bar that produced the signal, which is optimistic; use nextOpen for honest results' });
    const atrUsed = [p.exits?.stopLoss, p.exits?.takeProfit, p.exits?.trailingStop].some((d) => d?.atr !== undefined);
    if (p.exits && p.exits.atrPeriod !== 14 && !atrUsed) problems.push({ path: ['exits', 'atrPeriod'], severity: 'warning', code: 'param/unused', message: 'exits.atrPeriod is set but no exit is in ATR multiples (atr:)' });
    return problems;
  },
  create: (p, ctx) => new PortfolioBroker(p, { warn: (code, message) => ctx.warn(code, message), marketWires: ctx.inputWires.markets ?? [], eventsHint: ctx.eventsHint, history: ctx.history ?? 'full', orderId: ctx.clientOrderId }),
});
