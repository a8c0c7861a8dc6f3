import type { MarketLimits, TradingExchange } from './connectTradingExchange.js';

/**
 * What the account holds when a live broker starts, against what the broker assumes.
 *
 * A new session (checkNewSession) assumes its `cash` in the quote currency, no position and no
 * orders of its own resting. An open order on the market or a holding of the base asset that the
 * broker did not make is "unexpected": with `existing: refuse` (the default) the run does not
 * start and says what was found; with `existing: ignore` it starts, leaves them alone (the broker
 * trades only its own position and never sells what it did not buy) and reports them. Too little
 * quote currency always refuses. What was there at the start (`foreign`) is saved with the
 * session's checkpoints, so that a restarted session can check the account against its own
 * position and cash plus that (exchangeBroker.ts, after catching up).
 */
export interface Reconciliation {
  quoteFree: number;
  /** Free and locked (in resting buy orders). */
  quoteTotal: number;
  baseTotal: number;
  openOrders: { id: string; clientOrderId?: string; side?: string; amount?: number; price?: number }[];
  /** What was unexpected, in words (empty when the account is as assumed, or not checked yet). */
  unexpected: string[];
}

export async function readAccount(exchange: TradingExchange, symbol: string, market: MarketLimits): Promise<Reconciliation> {
  const balance = await exchange.fetchBalance();
  const open = await exchange.fetchOpenOrders(symbol);
  const quote = balance[market.quote] as { free?: number; total?: number } | undefined;
  return {
    quoteFree: quote?.free ?? 0,
    quoteTotal: quote?.total ?? quote?.free ?? 0,
    baseTotal: balance[market.base]?.total ?? 0,
    openOrders: open.map((o) => ({ id: o.id, clientOrderId: o.clientOrderId, side: o.side, amount: o.amount, price: o.price })),
    unexpected: [],
  };
}

/** The checks of a new session's start; fills `account.unexpected`, throws what refuses the start. */
export function checkNewSession(account: Reconciliation, symbol: string, market: MarketLimits, cash: number, existing: 'refuse' | 'ignore', where: string): void {
  const { openOrders, baseTotal, quoteFree } = account;
  const unexpected: string[] = [];
  if (openOrders.length) unexpected.push(`${openOrders.length} open order${openOrders.length > 1 ? 's' : ''} on ${symbol} (${openOrders.slice(0, 5).map((o) => `${o.side} ${o.amount} at ${o.price}, client id ${o.clientOrderId ?? '?'}`).join('; ')})`);
  if (baseTotal >= Math.max(market.minAmount, 1e-12)) unexpected.push(`a holding of ${baseTotal} ${market.base}`);
  if (quoteFree < cash) throw new Error(`${where}: the account has ${quoteFree} ${market.quote} free and the broker's cash is ${cash}: lower the broker's cash: to at most ${quoteFree}, or fund the account`);
  if (unexpected.length && existing === 'refuse') {
    throw new Error(`${where}: the account holds what this broker did not make: ${unexpected.join(' and ')}. The run does not start. Cancel or close them on the exchange, or add existing: ignore to the binding to leave them alone (the broker then trades only its own position)`);
  }
  account.unexpected = unexpected;
}
