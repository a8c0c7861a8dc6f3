import type { IncomingMessage, ServerResponse } from 'node:http';
import { exchangeInfo, LISTINGS } from './exchangeInfo.js';
import { INTERVALS, klineRow, klinesBetween } from './klines.js';
import { num } from './klines.js';
import { BOOK_LEVELS, lowerBound, upperBound, type SymbolData } from './marketData.js';
import { bookSide } from './streamEvents.js';

/** What the REST routes read: the recorded data, market time as published so far, the candles that never existed. */
export interface MarketView {
  data: ReadonlyMap<string, SymbolData>;
  /** Market time up to which the streams have sent everything: REST shows no more than the streams did. */
  now(): number;
  hidden: ReadonlySet<number>;
  /** Trade ids that never existed (removed by a test): no endpoint or stream has them. */
  hiddenTrades: ReadonlySet<number>;
}

/** A Binance error answer: HTTP status, Binance's code and message (what ccxt maps to its error classes). */
class BinanceError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

const badParam = (name: string) => new BinanceError(400, -1100, `Illegal characters found in parameter '${name}'; legal range is '^[0-9]{1,20}$'.`);

/**
 * Binance spot's public market-data endpoints as ccxt's binance class calls them (GET
 * /api/v3/...): ping, time, exchangeInfo, klines, depth, trades, historicalTrades, aggTrades. Parameters follow
 * Binance's rules (limits and their maxima, startTime/endTime windows); errors come back as
 * Binance's `{ code, msg }` with its codes, so ccxt raises the same error classes as against the
 * real exchange (BadSymbol for -1121, ...).
 */
export function handleRest(req: IncomingMessage, res: ServerResponse, market: MarketView): void {
  const url = new URL(req.url ?? '/', 'http://fake');
  const q = url.searchParams;
  const send = (status: number, body: unknown) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };
  try {
    if (req.method !== 'GET') throw new BinanceError(405, -1000, `${req.method} ${url.pathname} is not served by the fake exchange's market data (GET only)`);
    const now = market.now();
    switch (url.pathname) {
      case '/api/v3/ping':
        return send(200, {});
      case '/api/v3/time':
        return send(200, { serverTime: now });
      case '/api/v3/exchangeInfo': {
        const one = q.get('symbol');
        const many = q.get('symbols');
        const names = one ? [one] : many ? (JSON.parse(many) as string[]) : undefined;
        for (const name of names ?? []) listed(name);
        return send(200, exchangeInfo(now, names));
      }
      case '/api/v3/klines': {
        const symbol = listed(q.get('symbol'));
        const interval = q.get('interval') ?? '';
        const intervalMs = INTERVALS[interval];
        if (!intervalMs) throw new BinanceError(400, -1120, 'Invalid interval.');
        const limit = integer(q, 'limit', 500, 1, 1000);
        const start = integer(q, 'startTime');
        const end = integer(q, 'endTime');
        if (start !== undefined && end !== undefined && start > end) throw new BinanceError(400, -1023, 'Start time is greater than end time.');
        const candles = market.data.get(symbol)?.candles;
        if (!candles) return send(200, []);
        // Binance: with startTime, the first `limit` klines from it; otherwise the last `limit` up to endTime (or now).
        const from = start === undefined ? (end ?? now) - (limit + 1) * intervalMs : Math.ceil(start / intervalMs) * intervalMs;
        const all = klinesBetween(candles, intervalMs, from, end ?? now, now, market.hidden);
        const rows = start === undefined ? all.slice(-limit) : all.slice(0, limit);
        return send(200, rows.map(klineRow));
      }
      case '/api/v3/depth': {
        const symbol = listed(q.get('symbol'));
        const limit = integer(q, 'limit', 100, 1, 5000);
        const book = market.data.get(symbol)?.book;
        const r = book ? upperBound(book.time, now) - 1 : -1;
        if (!book || r < 0) throw new BinanceError(503, -1003, `the fake exchange has no recorded ${symbol} book at ${iso(now)}${book ? ` (the recording covers ${iso(book.time[0])} to ${iso(book.time[book.time.length - 1])}; start the server inside it)` : ''}`);
        return send(200, { lastUpdateId: book.updateId[r], bids: bookSide(book, r, 'bid', Math.min(limit, BOOK_LEVELS)), asks: bookSide(book, r, 'ask', Math.min(limit, BOOK_LEVELS)) });
      }
      case '/api/v3/trades': {
        // Recent trades: the last `limit` up to now.
        const symbol = listed(q.get('symbol'));
        const limit = integer(q, 'limit', 500, 1, 1000);
        return send(200, tradeRows(market, symbol, undefined, limit, now));
      }
      case '/api/v3/historicalTrades': {
        // Old trade lookup: `limit` trades from trade id `fromId` on (the most recent ones without
        // it). Security type NONE since Binance's 2023-12 change: an X-MBX-APIKEY header is ignored.
        const symbol = listed(q.get('symbol'));
        const limit = integer(q, 'limit', 500, 1, 1000);
        return send(200, tradeRows(market, symbol, integer(q, 'fromId'), limit, now));
      }
      case '/api/v3/aggTrades':
        return send(200, aggTrades(market, listed(q.get('symbol')), q, now));
      default:
        throw new BinanceError(404, -1000, `${url.pathname} is not an endpoint of the fake exchange (it serves /api/v3/ping, time, exchangeInfo, klines, depth, trades, historicalTrades, aggTrades)`);
    }
  } catch (e) {
    if (e instanceof BinanceError) return send(e.status, { code: e.code, msg: e.message });
    return send(500, { code: -1000, msg: `fake exchange: ${(e as Error).message}` });
  }
}

/**
 * Raw trades as /trades and /historicalTrades answer them, in id order, only those traded by
 * `now`: from trade id `fromId` on, the first `limit`; without it, the last `limit`. Ids removed
 * by a test are simply not there (the next existing ones come instead).
 */
function tradeRows(market: MarketView, symbol: string, fromId: number | undefined, limit: number, now: number): Record<string, unknown>[] {
  const t = market.data.get(symbol)?.trades;
  if (!t) return [];
  const end = upperBound(t.time, now);
  const hidden = market.hiddenTrades;
  const row = (i: number) => ({ id: t.id[i], price: num(t.price[i]), qty: num(t.size[i]), quoteQty: num(t.price[i] * t.size[i]), time: t.time[i], isBuyerMaker: t.side[i] === -1, isBestMatch: true });
  const rows: Record<string, unknown>[] = [];
  if (fromId === undefined) {
    for (let i = end - 1; i >= 0 && rows.length < limit; i--) if (!hidden.has(t.id[i])) rows.push(row(i));
    return rows.reverse();
  }
  // Ids increase with the row index (exchange order): the first row at or after fromId.
  for (let i = lowerBound(t.id, fromId); i < end && rows.length < limit; i++) if (!hidden.has(t.id[i])) rows.push(row(i));
  return rows;
}

/**
 * Aggregate trades: consecutive trades of one millisecond, price and aggressor side (the fills of
 * one taker order at one price, as far as the raw trades tell). `a` is the first trade's id.
 */
function aggTrades(market: MarketView, symbol: string, q: URLSearchParams, now: number): Record<string, unknown>[] {
  const t = market.data.get(symbol)?.trades;
  if (!t) return [];
  const limit = integer(q, 'limit', 500, 1, 1000);
  const fromId = integer(q, 'fromId');
  const start = integer(q, 'startTime');
  const end = integer(q, 'endTime');
  if (start !== undefined && end !== undefined && end - start > 3_600_000) throw new BinanceError(400, -1127, 'More than 1 hours between startTime and endTime.');
  const last = upperBound(t.time, Math.min(now, end ?? Infinity));
  const groups: Record<string, unknown>[] = [];
  for (let i = 0; i < last; ) {
    if (market.hiddenTrades.has(t.id[i])) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < last && !market.hiddenTrades.has(t.id[j]) && t.time[j] === t.time[i] && t.price[j] === t.price[i] && t.side[j] === t.side[i]) j++;
    let qty = 0;
    for (let k = i; k < j; k++) qty += t.size[k];
    const keep = (fromId === undefined || t.id[i] >= fromId) && (start === undefined || t.time[i] >= start);
    if (keep) groups.push({ a: t.id[i], p: num(t.price[i]), q: num(qty), f: t.id[i], l: t.id[j - 1], T: t.time[i], m: t.side[i] === -1, M: true });
    i = j;
  }
  return fromId === undefined && start === undefined ? groups.slice(-limit) : groups.slice(0, limit);
}

function listed(name: string | null): string {
  if (!name) throw new BinanceError(400, -1102, "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.");
  if (!LISTINGS.some((l) => l.symbol === name)) throw new BinanceError(400, -1121, 'Invalid symbol.');
  return name;
}

function integer(q: URLSearchParams, name: string): number | undefined;
function integer(q: URLSearchParams, name: string, fallback: number, min: number, max: number): number;
function integer(q: URLSearchParams, name: string, fallback?: number, min = -Infinity, max = Infinity): number | undefined {
  const text = q.get(name);
  if (text === null) return fallback;
  if (!/^[0-9]{1,20}$/.test(text)) throw badParam(name);
  const value = Number(text);
  if (value < min || value > max) throw new BinanceError(400, -1130, `Data sent for parameter '${name}' is not valid.`);
  return value;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
