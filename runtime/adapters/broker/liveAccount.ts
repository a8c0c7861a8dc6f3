import { Type } from '@sinclair/typebox';
import type { AdapterIO, Mode } from '../contract.js';
import type { ParamProblem } from '../../defineNode.js';
import { apiKeyNames, readApiKeys, redact, type ApiKeys } from './apiKeys.js';
import type { MarketLimits, TradingExchange } from './connectTradingExchange.js';
import type { Reconciliation } from './reconcileAccount.js';

/**
 * What the exchange broker adapters (sink.broker: one market; sink.portfolio: one per instrument)
 * share about the account a binding names: the binding keys besides the market(s), the refusal of
 * API keys written in a graph, the --confirm-live description, and opening the account (keys
 * from the environment, connect, check what the account holds). ccxt is loaded on open only.
 */
const SECRET_KEYS = ['apiKey', 'secret', 'password', 'apiSecret', 'privateKey'] as const;

/** Binding keys every exchange broker takes, besides its market(s). */
export const accountBindingProperties = {
  url: Type.Optional(Type.String({ pattern: '^https?://', description: 'Another server speaking the exchange protocol (the fake exchange: http://127.0.0.1:8765).' })),
  sandbox: Type.Optional(Type.Boolean({ description: "The exchange's testnet (ccxt setSandboxMode), unless url is given." })),
  existing: Type.Optional(Type.Union([Type.Literal('refuse'), Type.Literal('ignore')], { description: 'Open orders or holdings on the market(s) at start that the broker did not make: refuse to start (default), or leave them alone and report them.' })),
  ...Object.fromEntries(SECRET_KEYS.map((k) => [k, Type.Optional(Type.Unknown({ description: 'Not allowed: API keys come from the environment only.' }))])),
};

/** An API key in the binding, or an exchange broker bound outside live mode. */
export function checkAccountBinding(binding: Record<string, unknown>, mode: Mode): ParamProblem[] {
  const problems: ParamProblem[] = [];
  for (const k of SECRET_KEYS) {
    if (Object.hasOwn(binding, k)) {
      const names = apiKeyNames(String(binding.exchange ?? 'exchange'));
      problems.push({ path: [k], code: 'binding/secret', message: `API keys are never written in a graph (graphs are shared and printed): remove ${k} and set ${names.apiKey} and ${names.secret} in the environment of the live run` });
    }
  }
  if (mode !== 'live') problems.push({ path: ['exchange'], message: `an exchange broker sends real orders and binds in modes.live only; in ${mode} mode the broker is simulated: remove this binding` });
  return problems;
}

/** "send <what> to <where>, for the account whose API key is in ..." (no secrets). */
export function describeAccount(binding: Record<string, unknown>, env: NodeJS.ProcessEnv, what: string): string {
  const names = apiKeyNames(String(binding.exchange));
  const where = binding.url ? `the server at ${binding.url}` : binding.sandbox ? `${binding.exchange}'s testnet` : `${binding.exchange} (REAL MONEY)`;
  return `send ${what} to ${where}, for the account whose API key is in ${names.apiKey} (${env[names.apiKey] ? 'set' : 'NOT set'}) with its secret in ${names.secret} (${env[names.secret] ? 'set' : 'NOT set'})`;
}

export interface OpenedAccount {
  exchange: TradingExchange;
  markets: MarketLimits[];
  keys: ApiKeys;
  reconciliation: Reconciliation;
  /**
   * The checks of a new session (reconcileAccount.ts checkNewSession: too little cash, holdings
   * and orders the broker did not make) on the account as read at open; warns what `existing:
   * ignore` leaves alone. Throws what refuses the start, without keys. Run by openAccount unless
   * `deferCheck` (a broker that can resume a session runs it once it knows the session is new).
   */
  checkNewSession(): void;
  /** The binding as the report shows it (no secrets). */
  describe: Record<string, unknown>;
  /** The exchange's time when the run started. */
  startedAt: number;
}

/**
 * Keys from the environment, the exchange connected, its markets looked up and the account read
 * and, unless `deferCheck`, checked against the broker's `cash` (reconcileAccount.ts). Errors say
 * `where` and carry no keys.
 */
export async function openAccount(binding: Record<string, unknown>, symbols: readonly string[], cash: number, io: AdapterIO, where: string, check?: (markets: MarketLimits[]) => void, deferCheck = false): Promise<OpenedAccount> {
  const keys = readApiKeys(String(binding.exchange), io.env);
  const { connectTradingExchange, exchangeTime } = await import('./connectTradingExchange.js');
  const { readAccounts, checkNewSession } = await import('./reconcileAccount.js');
  try {
    const { exchange, markets } = await connectTradingExchange({ exchange: String(binding.exchange), symbols, url: binding.url as string | undefined, sandbox: binding.sandbox as boolean | undefined }, keys, where);
    check?.(markets);
    const traded = symbols.map((symbol, i) => ({ symbol, market: markets[i] }));
    const reconciliation = await readAccounts(exchange, traded);
    if (symbols.length === 1) reconciliation.openOrders.forEach((o) => delete o.symbol);
    if (symbols.length === 1) delete reconciliation.baseTotals;
    const held = traded.map(({ market }) => `${reconciliation.baseTotals?.[market.base] ?? reconciliation.baseTotal} ${market.base}`).join(', ');
    const read = `${reconciliation.quoteFree} ${markets[0].quote} free, ${held}, ${reconciliation.openOrders.length} open orders on ${symbols.join(', ')}`;
    const checkNew = () => {
      try {
        checkNewSession(reconciliation, traded, cash, (binding.existing as 'refuse' | 'ignore' | undefined) ?? 'refuse', where);
      } catch (e) {
        throw new Error(redact((e as Error).message, keys));
      }
      for (const what of reconciliation.unexpected) io.warn('live/unexpected-at-start', `${where}: at start the account held ${what}; left alone (existing: ignore)`);
      io.log(`${where}: account checked: ${read}`);
    };
    if (deferCheck) io.log(`${where}: account read: ${read}`);
    else checkNew();
    const describe = { exchange: binding.exchange, ...(symbols.length === 1 ? { symbol: symbols[0] } : { symbols }), ...(binding.url ? { url: binding.url } : {}), sandbox: binding.sandbox === true, account: `API key from ${keys.names.apiKey}` };
    return { exchange, markets, keys, reconciliation, checkNewSession: checkNew, describe, startedAt: exchangeTime(exchange) };
  } catch (e) {
    throw new Error(redact((e as Error).message, keys));
  }
}
