import { Type } from '@sinclair/typebox';
import type { BrokerAdapter } from '../contract.js';
import type { Kernel, ParamProblem } from '../../defineNode.js';
import type { PortfolioParams } from '../../portfolio/portfolioBroker.js';
import { accountBindingProperties, checkAccountBinding, describeAccount, openAccount } from './liveAccount.js';

/**
 * The exchange portfolio adapter (`modes.live.<portfolio>: { exchange: binance, symbols: [BTC/USDT, ETH/USDT] }`):
 * a sink.portfolio's orders go to one spot account through ccxt (exchangePortfolio.ts), one
 * market per instrument, in the order of the market wires, all quoted in the same currency (the
 * portfolio's one cash balance). Keys from the environment only, as the exchange broker's.
 *
 * What a spot account cannot do is refused when the graph compiles (`hean validate --mode live`
 * says so), not approximated: short selling (direction must be longOnly), leverage (maxLeverage
 * at most 1), perpetuals and their funding (instruments[].type: perp, funding wires), and the
 * broker's exits (stop-loss, take-profit, trailing stop: the simulation executes them inside the
 * bar at their level, which live would need resting stop orders for). Liquidation and borrow
 * cannot happen long-only without leverage.
 */
const bindingSchema = Type.Object(
  {
    exchange: Type.String({ minLength: 1, description: 'ccxt exchange id (binance).' }),
    symbols: Type.Array(Type.String({ minLength: 3 }), { minItems: 1, maxItems: 64, description: "Spot markets, ccxt style BASE/QUOTE, one per market wire in the same order (the portfolio's instruments), all with the same QUOTE: [BTC/USDT, ETH/USDT]." }),
    ...accountBindingProperties,
  },
  { additionalProperties: false },
);

const quoteOf = (symbol: string) => symbol.split('/')[1]?.split(':')[0];

export const exchangePortfolio: BrokerAdapter = {
  role: 'broker',
  name: 'exchangePortfolio',
  key: 'exchange',
  kinds: ['sink.portfolio'],
  summary: "Live mode: a portfolio's orders go to one spot exchange account through ccxt, one market per instrument (symbols, in the order of the market wires), market orders, long-only. Keys from HEAN_<EXCHANGE>_API_KEY / _SECRET.",
  binding: bindingSchema,
  example: '{ exchange: binance, symbols: [BTC/USDT, ETH/USDT] }',
  check: (binding, mode) => checkAccountBinding(binding, mode),
  checkNode(binding, node) {
    const problems: ParamProblem[] = [];
    const symbols = (binding.symbols ?? []) as string[];
    const wires = node.wires.markets ?? [];
    if (symbols.length !== wires.length) {
      problems.push({ path: ['symbols'], code: 'binding/symbols', message: `symbols lists ${symbols.length} market${symbols.length === 1 ? '' : 's'} (${symbols.join(', ')}) for ${wires.length} market wire${wires.length === 1 ? '' : 's'} of the portfolio (${wires.join(', ')}); give one exchange symbol per market wire, in the same order` });
    }
    const quotes = [...new Set(symbols.map(quoteOf))];
    if (quotes.length > 1) problems.push({ path: ['symbols'], code: 'binding/symbols', message: `the symbols are quoted in ${quotes.join(' and ')}; a portfolio has one cash balance: trade markets of one quote currency (e.g. BTC/USDT, ETH/USDT)` });
    const twice = symbols.find((s, i) => symbols.indexOf(s) !== i);
    if (twice) problems.push({ path: ['symbols'], code: 'binding/symbols', message: `${twice} is listed twice; each instrument trades its own market` });
    const p = node.params as Partial<PortfolioParams>;
    const cannot = (what: string, fix: string) => problems.push({ path: ['exchange'], code: 'binding/live-unsupported', message: `a live portfolio on a spot account cannot honour ${what}; ${fix}` });
    if (p.direction !== 'longOnly') cannot(`direction: ${p.direction ?? 'longShort'} (short selling: a spot account cannot sell what it does not hold)`, 'set params.direction: longOnly for live spot trading');
    if ((p.maxLeverage ?? 1) > 1) cannot(`maxLeverage: ${p.maxLeverage} (a spot account spends only its cash)`, 'set params.maxLeverage to 1 or less');
    if (p.exits && (p.exits.stopLoss || p.exits.takeProfit || p.exits.trailingStop)) cannot('exits (stop-loss, take-profit, trailing stop: the simulation executes them inside the bar at their level, which live would need resting stop orders for)', 'remove params.exits for the live run, or exit through the orders wires');
    const perps = (p.instruments ?? []).map((inst, i) => (inst.type === 'perp' ? (inst.name ?? wires[i] ?? String(i)) : undefined)).filter(Boolean);
    if (perps.length || (node.wires.funding?.length ?? 0) > 0) cannot(`perpetuals and funding (${perps.join(', ') || 'funding wires'})`, 'trade spot instruments (no instruments[].type: perp, no funding wires) in live mode');
    return problems;
  },
  describe: (binding, env) => describeAccount(binding, env, `${((binding.symbols ?? []) as string[]).join(', ')} spot orders`),
  async open(params, binding, io, node) {
    const p = params as PortfolioParams;
    const symbols = (binding.symbols ?? []) as string[];
    const where = `portfolio "${io.node}" (${binding.exchange} ${symbols.join(', ')})`;
    const marketWires = node?.inputWires.markets ?? [];
    // compileGraph checked these (checkNode); a kernel opened otherwise checks them again
    const problems = exchangePortfolio.checkNode!(binding, { params, wires: node?.inputWires ?? {} });
    if (problems.length) throw new Error(`${where}: ${problems.map((x) => x.message).join('; ')}`);
    if (p.fill === 'close' || p.latencyBars > 0) io.warn('live/fill-model', `${where}: live orders are sent when decided and fill at the exchange's price then; fill: ${p.fill} and latencyBars: ${p.latencyBars} shape the simulation only`);
    // Checked against the portfolio's assumptions once the run knows whether it resumes a session (ExchangePortfolio.resume).
    const account = await openAccount(
      binding,
      symbols,
      p.cash,
      io,
      where,
      (markets) => {
        const quotes = [...new Set(markets.map((m) => m.quote))];
        if (quotes.length > 1) throw new Error(`${where}: the markets are quoted in ${quotes.join(' and ')}; a portfolio has one cash balance: trade markets of one quote currency`);
      },
      true,
    );
    const { ExchangePortfolio } = await import('./exchangePortfolio.js');
    const { exchange, markets, keys, reconciliation, checkNewSession, describe, startedAt } = account;
    return new ExchangePortfolio(p, { exchange, symbols, markets, marketWires, session: io.graph, node: io.node, keys, reconciliation, checkNewSession, where, warn: io.warn, log: io.log, describe, startedAt }) as unknown as Kernel & { settle(): Promise<void> };
  },
};
