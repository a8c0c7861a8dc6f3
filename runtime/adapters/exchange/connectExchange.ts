import { didYouMean } from '../../diagnostics.js';

/**
 * A ccxt pro exchange for a binding's market-data feeds: ccxt loaded at first use (it takes
 * about 2 s to import and is kept out of the CLI bundle), spot markets only, public endpoints
 * only (no API keys are read or sent: feeds never need them). `url` points the exchange at
 * another server speaking its protocol (the fake exchange, a local relay): REST under
 * `url`/api/v3, websocket streams at ws(s)://host/ws. Unknown exchanges, symbols and timeframes
 * fail here with what the exchange does have.
 */
export interface ExchangeBinding {
  exchange: string;
  symbol: string;
  url?: string;
  sandbox?: boolean;
}

/** The part of a ccxt pro exchange the feeds use (ccxt ships types, but they are loaded lazily). */
export interface FeedExchange {
  id: string;
  markets: Record<string, { id: string; symbol: string; spot?: boolean }>;
  timeframes: Record<string, string>;
  loadMarkets(): Promise<unknown>;
  fetchTime(): Promise<number>;
  fetchOHLCV(symbol: string, timeframe: string, since?: number, limit?: number): Promise<number[][]>;
  watchOHLCV(symbol: string, timeframe: string): Promise<number[][]>;
  watchTrades(symbol: string): Promise<FeedTrade[]>;
  fetchTrades(symbol: string, since?: number, limit?: number, params?: Record<string, unknown>): Promise<FeedTrade[]>;
  watchOrderBook(symbol: string, limit?: number): Promise<{ bids: number[][]; asks: number[][]; timestamp?: number; nonce?: number }>;
  close(): Promise<void>;
}

/** A trade as ccxt parses it (the fields the trade feed reads). */
export interface FeedTrade {
  id?: string;
  timestamp?: number;
  price?: number;
  amount?: number;
  side?: string;
}

/** A closed candle as an exchange's kline stream reports it (open time and values). */
export type ClosedKline = [openTime: number, open: number, high: number, low: number, close: number, volume: number];

export interface ConnectedExchange {
  exchange: FeedExchange;
  /** The market's exchange id (BTCUSDT for BTC/USDT). */
  marketId: string;
  /**
   * Called with every kline the stream marks closed (Binance's `x` flag), before ccxt's own
   * handling; exchanges without such a flag never call it, and the candle feed infers closing.
   */
  onClosedKline(listener: (kline: ClosedKline, interval: string) => void): void;
}

export async function connectExchange(binding: ExchangeBinding, where: string): Promise<ConnectedExchange> {
  const ccxt = (await import('ccxt')).default as unknown as { pro: Record<string, new (config: object) => FeedExchange>; exchanges: string[] };
  const id = binding.exchange;
  const Pro = Object.hasOwn(ccxt.pro, id) && id !== 'exchanges' ? ccxt.pro[id] : undefined;
  if (typeof Pro !== 'function') {
    const streaming = Object.keys(ccxt.pro).filter((k) => typeof ccxt.pro[k] === 'function');
    const guess = didYouMean(id, streaming);
    if (ccxt.exchanges.includes(id)) throw new Error(`${where}: ccxt has no websocket feeds for exchange "${id}" (REST only), and a live source needs them; exchanges with feeds: ${streaming.slice(0, 12).join(', ')}, ...`);
    throw new Error(`${where}: unknown exchange "${id}"${guess ? `; did you mean "${guess}"?` : ''} (ccxt ids in lower case, e.g. binance, kraken, coinbase)`);
  }
  let listener: ((kline: ClosedKline, interval: string) => void) | undefined;
  // Binance's kline stream says when a candle closed (k.x); ccxt keeps only the values. The hook
  // sees each message first, so a closed candle is known on its closing message, not one later.
  type Signed = { url: string; method: string; body?: unknown; headers?: unknown };
  type Base = FeedExchange & { apiKey?: string; urls: Record<string, any>; handleOHLCV(client: unknown, message: unknown): unknown; sign(path: string, api?: unknown, method?: string, params?: Record<string, unknown>, headers?: unknown, body?: unknown): Signed; urlencode(params: object): string };
  class Hooked extends (Pro as unknown as new (config: object) => Base) {
    override handleOHLCV(client: unknown, message: unknown): unknown {
      const k = (message as { k?: Record<string, unknown> })?.k;
      if (listener && k && k.x === true && k.s === marketId) listener([Number(k.t), Number(k.o), Number(k.h), Number(k.l), Number(k.c), Number(k.v)], String(k.i));
      return super.handleOHLCV(client, message);
    }

    // Binance's old-trade lookup (GET /api/v3/historicalTrades, how the trade feed fetches missed
    // trades by id) has needed no API key since December 2023 (security type NONE; the header
    // is ignored), but ccxt 4.5 still refuses it without one: ask for it as a public endpoint.
    override sign(path: string, api: unknown = 'public', method = 'GET', params: Record<string, unknown> = {}, headers?: unknown, body?: unknown): Signed {
      if (!this.id.startsWith('binance') || path !== 'historicalTrades' || api !== 'public' || this.apiKey || typeof this.urls.api?.public !== 'string') return super.sign(path, api, method, params, headers, body);
      const query = Object.keys(params).length ? `?${this.urlencode(params)}` : '';
      return { url: `${this.urls.api.public}/historicalTrades${query}`, method, body, headers };
    }
  }
  const exchange = new Hooked({
    // Spot markets only: their exchangeInfo is all a spot feed needs (no futures, margin or currency calls).
    options: { fetchMarkets: { types: ['spot'] }, defaultType: 'spot', fetchCurrencies: false, fetchMargins: false, fetchTradesMethod: 'publicGetTrades' },
  }) as unknown as FeedExchange & { urls: Record<string, any>; setSandboxMode(on: boolean): void; loadHttpProxyAgent(): Promise<unknown> };
  if (binding.sandbox) exchange.setSandboxMode(true);
  if (binding.url) pointAt(exchange, binding.url);
  // ccxt wants an http agent for plain ws:// urls (a local server); harmless otherwise.
  await exchange.loadHttpProxyAgent();
  let marketId = '';
  try {
    await exchange.loadMarkets();
  } catch (e) {
    await exchange.close().catch(() => {});
    throw new Error(`${where}: could not load the markets of ${id}${binding.url ? ` at ${binding.url}` : ''}: ${(e as Error).message}`);
  }
  const market = exchange.markets[binding.symbol];
  if (!market) {
    await exchange.close().catch(() => {});
    const symbols = Object.keys(exchange.markets);
    const byId = Object.values(exchange.markets).find((m) => m.id.toUpperCase() === binding.symbol.replace(/[-_/]/g, '').toUpperCase());
    const guess = byId?.symbol ?? didYouMean(binding.symbol, symbols);
    throw new Error(`${where}: ${id} has no spot market "${binding.symbol}"${guess ? `; did you mean "${guess}"?` : ''} (ccxt symbols are BASE/QUOTE, e.g. BTC/USDT; ${symbols.length} markets listed)`);
  }
  marketId = market.id;
  return { exchange, marketId, onClosedKline: (l) => void (listener = l) };
}

/** Points REST and websocket urls at `url` (http://host:port): Binance's layout of /api/v3 and /ws. */
function pointAt(exchange: { urls: Record<string, any> }, url: string): void {
  const base = url.replace(/\/+$/, '');
  const ws = base.replace(/^http/, 'ws') + '/ws';
  const api = { ...exchange.urls.api };
  for (const key of Object.keys(api)) {
    if (typeof api[key] === 'string') api[key] = base + new URL(api[key]).pathname;
  }
  api.ws = Object.fromEntries(Object.keys(exchange.urls.api.ws ?? { spot: '' }).map((k) => [k, typeof exchange.urls.api.ws?.[k] === 'string' ? ws : exchange.urls.api.ws[k]]));
  exchange.urls.api = api;
}
