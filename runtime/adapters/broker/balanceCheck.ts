import type { TradingExchange } from './connectTradingExchange.js';
import { readAccounts, type Reconciliation, type TradedMarket } from './reconcileAccount.js';

/**
 * A resumed live session's check once caught up (exchangeBroker.ts, exchangePortfolio.ts): the
 * account's balances against the broker's own holdings plus what the account held at the
 * session's start that is not the broker's (`existing: ignore`). A difference is a warning
 * (live/balance-mismatch: a trade outside the session, or a fill the broker did not see); the
 * broker goes on with its own numbers. So is an account that cannot be read.
 */
export interface HeldAsset {
  /** The base asset of `markets[i]` for the i-th entry of `bases`; the quote currency for `quote`. */
  asset: string;
  /** The broker's position (cash, for the quote). */
  mine: number;
  /** What was there before the session. */
  foreign: number;
}

export interface BalanceCheck {
  exchange: TradingExchange;
  /** The markets traded; `bases` lists their base assets in the same order. */
  markets: readonly TradedMarket[];
  bases: readonly HeldAsset[];
  quote: HeldAsset;
  /** `broker "id" (...)`, for messages; `owner` names whose holdings they are ("broker", "portfolio"). */
  where: string;
  owner: string;
  warn(code: string, message: string): void;
  log(message: string): void;
  /** Exchange errors without API keys. */
  clean(message: string): string;
}

export async function checkBalancesAfterRestart(o: BalanceCheck): Promise<void> {
  let account: Reconciliation;
  try {
    account = await readAccounts(o.exchange, o.markets);
  } catch (e) {
    o.warn('live/balance-check-failed', `${o.where}: reading the account after the restart failed: ${o.clean((e as Error).message)}`);
    return;
  }
  const held = o.bases.map((b) => account.baseTotals?.[b.asset] ?? account.baseTotal);
  // A holding within one lot of the broker's is the same holding (dust a commission left, lot rounding).
  const baseOff = o.bases.some((b, i) => {
    const { minAmount, amountStep } = o.markets[i].market;
    return Math.abs(held[i] - (b.mine + b.foreign)) > Math.max(minAmount, amountStep);
  });
  const quote = o.quote.mine + o.quote.foreign;
  const quoteOff = Math.abs(account.quoteTotal - quote) > 0.01 + 1e-6 * Math.abs(quote);
  const q = o.quote.asset;
  const amounts = (bases: number[], quoteAmount: number, sep = ' and ') => `${bases.map((x, i) => `${x} ${o.bases[i].asset}`).join(', ')}${sep}${quoteAmount} ${q}`;
  const whose = `the ${o.owner}'s position${o.bases.length > 1 ? 's' : ''} and cash`;
  if (baseOff || quoteOff) {
    o.warn('live/balance-mismatch', `${o.where}: after the restart the account holds ${amounts(held, account.quoteTotal)}, where ${whose} (plus what was there before the session: ${amounts(o.bases.map((b) => b.foreign), o.quote.foreign, ', ')}) make ${amounts(o.bases.map((b) => b.mine + b.foreign), quote)}: something traded the account outside this session, or a fill was missed; the ${o.owner} goes on with its own numbers`);
  } else {
    o.log(`${o.where}: account checked after the restart: ${amounts(held, account.quoteTotal)}, as ${whose} say`);
  }
}
