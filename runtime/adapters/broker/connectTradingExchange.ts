import { didYouMean } from '../../diagnostics.js';
import type { ApiKeys } from './apiKeys.js';

/**
 * A ccxt exchange client that trades (REST, signed with the API keys), for the exchange broker.
 * ccxt is loaded at first use (it is external to the CLI bundle); its streaming class (ccxt pro,
 * inside ccxt) when the exchange has one, for the user-data stream (watchOrders). `url` points
 * every REST and websocket url at another server speaking the exchange's protocol (the fake
 * exchange: /api/v3, /ws, /ws-api/v3); `sandbox` switches ccxt to
 * the exchange's testnet (setSandboxMode) when no url is given. The clock offset to the server is
 * measured at start and again whenever the server says a request's timestamp is off (-1021).
 *
 * (helper-exchange's connectExchange.ts builds the market-data client the same way; the two are
 * kept apart so that market data never carries keys.)
 */
export interface TradingBinding {
  exchange: string;
  /** The spot markets traded (one for sink.broker, one per instrument for sink.portfolio). */
  symbols: readonly string[];
  url?: string;
  sandbox?: boolean;
}

export interface MarketLimits {
  /** The market's exchange id (BTCUSDT). */
  id: string;
  base: string;
  quote: string;
  /** Smallest amount step and minimum amount / notional (0 when the exchange says nothing). */
  amountStep: number;
  minAmount: number;
  minCost: number;
}

/** The part of ccxt's exchange class the broker uses (ccxt's types are loaded lazily). */
export interface TradingExchange {
  id: string;
  markets: Record<string, { id: string; symbol: string; base: string; quote: string; spot?: boolean; precision: { amount?: number }; limits: { amount?: { min?: number }; cost?: { min?: number } } }>;
  loadMarkets(): Promise<unknown>;
  loadTimeDifference(): Promise<unknown>;
  fetchBalance(): Promise<Record<string, { free?: number; used?: number; total?: number }>>;
  fetchOpenOrders(symbol: string): Promise<CcxtOrder[]>;
  fetchOrder(id: string | undefined, symbol: string, params?: object): Promise<CcxtOrder>;
  createOrder(symbol: string, type: string, side: string, amount: number | undefined, price?: number, params?: object): Promise<CcxtOrder>;
  cancelOrder(id: string, symbol: string, params?: object): Promise<CcxtOrder>;
  amountToPrecision(symbol: string, amount: number): string;
  priceToPrecision(symbol: string, price: number): string;
  last_response_headers?: Record<string, string>;
  close?(): Promise<void>;
  /** ccxt pro: the user-data stream (Binance spot: the WebSocket API's userDataStream.subscribe.signature). */
  authenticate?(params?: object): Promise<unknown>;
  watchOrders?(symbol?: string): Promise<CcxtOrder[]>;
}

export interface CcxtOrder {
  id: string;
  clientOrderId?: string;
  timestamp?: number;
  lastTradeTimestamp?: number;
  status?: string;
  side?: string;
  type?: string;
  price?: number;
  amount?: number;
  filled?: number;
  cost?: number;
  average?: number;
  fee?: { currency?: string; cost?: number };
  /** The exchange's own message (Binance's executionReport on the user-data stream). */
  info?: Record<string, unknown>;
  fees?: { currency?: string; cost?: number }[];
  trades?: { price?: number; amount?: number; fee?: { currency?: string; cost?: number } }[];
}

export async function connectTradingExchange(binding: TradingBinding, keys: ApiKeys, where: string): Promise<{ exchange: TradingExchange; markets: MarketLimits[] }> {
  const ccxt = (await import('ccxt')).default as unknown as Record<string, unknown> & { exchanges: string[]; pro: Record<string, unknown> };
  const id = binding.exchange;
  const streaming = Object.hasOwn(ccxt.pro, id) && typeof ccxt.pro[id] === 'function';
  type Constructor = new (config: object) => TradingExchange & { urls: Record<string, any>; setSandboxMode(on: boolean): void; loadHttpProxyAgent?(): Promise<unknown> };
  const Exchange = ccxt.exchanges.includes(id) ? ((streaming ? ccxt.pro[id] : ccxt[id]) as Constructor) : undefined;
  if (typeof Exchange !== 'function') {
    const guess = didYouMean(id, ccxt.exchanges);
    throw new Error(`${where}: unknown exchange "${id}"${guess ? `; did you mean "${guess}"?` : ''} (ccxt ids in lower case, e.g. binance)`);
  }
  const exchange = new Exchange({
    apiKey: keys.apiKey,
    secret: keys.secret,
    enableRateLimit: true,
    options: { fetchMarkets: { types: ['spot'] }, defaultType: 'spot', fetchCurrencies: false, fetchMargins: false, adjustForTimeDifference: false },
  });
  if (binding.url) pointAt(exchange, binding.url);
  else if (binding.sandbox) exchange.setSandboxMode(true);
  // ccxt wants an http agent for plain ws:// urls (a local server); harmless otherwise.
  if (binding.url) await exchange.loadHttpProxyAgent?.();
  try {
    await exchange.loadMarkets();
    await exchange.loadTimeDifference();
  } catch (e) {
    throw new Error(`${where}: could not reach ${id}${binding.url ? ` at ${binding.url}` : binding.sandbox ? ' (testnet)' : ''}: ${(e as Error).message}`);
  }
  resyncOnClockError(exchange);
  const markets = binding.symbols.map((symbol) => {
    const m = exchange.markets[symbol];
    if (!m || m.spot === false) {
      const guess = didYouMean(symbol, Object.keys(exchange.markets));
      throw new Error(`${where}: ${id} has no spot market "${symbol}"${guess ? `; did you mean "${guess}"?` : ''} (ccxt symbols are BASE/QUOTE, e.g. BTC/USDT)`);
    }
    return { id: m.id, base: m.base, quote: m.quote, amountStep: m.precision.amount ?? 0, minAmount: m.limits.amount?.min ?? 0, minCost: m.limits.cost?.min ?? 0 };
  });
  return { exchange, markets };
}

/** The exchange's clock now (ccxt keeps the local clock's offset to it, measured at connect: `options.timeDifference`). */
export function exchangeTime(exchange: object): number {
  const e = exchange as { milliseconds(): number; options?: { timeDifference?: number } };
  return e.milliseconds() - (e.options?.timeDifference ?? 0);
}

/** Points every REST and websocket url at `url` (http://host:port), keeping each one's path (Binance: /api/v3, /sapi/v1, /ws, /ws-api/v3, ...). */
function pointAt(exchange: { urls: Record<string, any> }, url: string): void {
  const base = url.replace(/\/+$/, '');
  const wsBase = base.replace(/^http/, 'ws');
  const repoint = (urls: Record<string, any>, to: string): Record<string, any> =>
    Object.fromEntries(Object.entries(urls).map(([key, value]) => [key, typeof value === 'string' ? to + new URL(value).pathname : value && typeof value === 'object' ? repoint(value, to) : value]));
  const api = { ...exchange.urls.api };
  const ws = api.ws;
  delete api.ws;
  exchange.urls.api = { ...repoint(api, base), ...(ws ? { ws: repoint(ws, wsBase) } : {}) };
}

/**
 * Reads (balance, orders, trades, cancel) that the server refuses for a timestamp outside its
 * recvWindow (-1021: the local clock drifted from the server's) measure the offset again and are
 * made once more. createOrder is left to sendOrder.ts, which does the same and records it.
 */
function resyncOnClockError(exchange: TradingExchange): void {
  const target = exchange as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  for (const name of ['fetchBalance', 'fetchOpenOrders', 'fetchOrder', 'fetchMyTrades', 'cancelOrder']) {
    const call = target[name].bind(exchange);
    target[name] = async (...args: unknown[]) => {
      try {
        return await call(...args);
      } catch (e) {
        if ((e as Error).name !== 'InvalidNonce') throw e;
        await exchange.loadTimeDifference();
        return call(...args);
      }
    };
  }
}
