import type { MarketLimits, TradingExchange } from './connectTradingExchange.js';

/**
 * What the account holds when a live broker starts, against what the broker assumes (its `cash`
 * in the quote currency, no position, no orders of its own resting). An open order on one of its
 * markets or a holding of one of their base assets that the broker did not make is "unexpected":
 * with `existing: refuse` (the default) the run does not start and says what was found; with
 * `existing: ignore` it starts, leaves them alone (the broker trades only its own positions and
 * never sells what it did not buy) and reports them. Too little quote currency always refuses.
 *
 * The account is read when the broker opens (readAccounts) and checked (checkNewSession) once the
 * run knows it starts a new session: a session resuming after a crash expects its own positions
 * and orders instead. What was there at the start that is not the broker's is saved with the
 * session's checkpoints, so that a restarted session can check the account against its own
 * position(s) and cash plus that (exchangeBroker.ts, exchangePortfolio.ts: balanceCheck.ts, after
 * catching up).
 */
export interface OpenOrderAtStart {
  id: string;
  clientOrderId?: string;
  /** The market (several for a portfolio). */
  symbol?: string;
  side?: string;
  amount?: number;
  price?: number;
}

export interface Reconciliation {
  quoteFree: number;
  /** Free and locked (in resting buy orders). */
  quoteTotal: number;
  /** The (first) market's base asset held (sink.broker's one market). */
  baseTotal: number;
  /** Every traded market's base asset held, by asset (a portfolio's several). */
  baseTotals?: Record<string, number>;
  openOrders: OpenOrderAtStart[];
  /** What was unexpected, in words (empty when the account is as assumed, or not checked: a resumed session). */
  unexpected: string[];
}

export interface TradedMarket {
  symbol: string;
  market: MarketLimits;
}

/** What the account holds on several markets, all quoted in the first one's quote currency (checked by the caller). */
export async function readAccounts(exchange: TradingExchange, markets: readonly TradedMarket[]): Promise<Reconciliation> {
  const balance = await exchange.fetchBalance();
  const quote = balance[markets[0].market.quote] as { free?: number; total?: number } | undefined;
  const openOrders: OpenOrderAtStart[] = [];
  const baseTotals: Record<string, number> = {};
  for (const { symbol, market } of markets) {
    const open = await exchange.fetchOpenOrders(symbol);
    openOrders.push(...open.map((o) => ({ id: o.id, clientOrderId: o.clientOrderId, symbol, side: o.side, amount: o.amount, price: o.price })));
    baseTotals[market.base] = balance[market.base]?.total ?? 0;
  }
  const quoteFree = quote?.free ?? 0;
  return { quoteFree, quoteTotal: quote?.total ?? quoteFree, baseTotal: baseTotals[markets[0].market.base] ?? 0, baseTotals, openOrders, unexpected: [] };
}

/** The checks of a new session's start against `account` (readAccounts): fills `account.unexpected`, throws what refuses the start. */
export function checkNewSession(account: Reconciliation, markets: readonly TradedMarket[], cash: number, existing: 'refuse' | 'ignore', where: string): void {
  const quote = markets[0].market.quote;
  const unexpected: string[] = [];
  for (const { symbol, market } of markets) {
    const here = account.openOrders.filter((o) => (o.symbol ?? symbol) === symbol);
    if (here.length) unexpected.push(`${here.length} open order${here.length > 1 ? 's' : ''} on ${symbol} (${here.slice(0, 5).map((o) => `${o.side} ${o.amount} at ${o.price}, client id ${o.clientOrderId ?? '?'}`).join('; ')})`);
    const held = account.baseTotals?.[market.base] ?? account.baseTotal;
    if (held >= Math.max(market.minAmount, 1e-12)) unexpected.push(`a holding of ${held} ${market.base}`);
  }
  if (account.quoteFree < cash) throw new Error(`${where}: the account has ${account.quoteFree} ${quote} free and the broker's cash is ${cash}: lower the broker's cash: to at most ${account.quoteFree}, or fund the account`);
  if (unexpected.length && existing === 'refuse') {
    throw new Error(`${where}: the account holds what this broker did not make: ${unexpected.join(' and ')}. The run does not start. Cancel or close them on the exchange, or add existing: ignore to the binding to leave them alone (the broker then trades only its own position${markets.length > 1 ? 's' : ''})`);
  }
  account.unexpected = unexpected;
}
