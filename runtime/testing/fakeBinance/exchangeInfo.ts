/**
 * The spot symbols the fake exchange lists, in the shape of Binance's GET /api/v3/exchangeInfo
 * (filters as Binance publishes them for these pairs), so ccxt's market parsing sees the real
 * structure: precisions from tickSize / stepSize, limits from LOT_SIZE and NOTIONAL.
 */
interface Listing {
  symbol: string;
  baseAsset: string;
  quoteAsset: string;
  tickSize: string;
  stepSize: string;
  minQty: string;
  maxQty: string;
  minNotional: string;
}

export const LISTINGS: readonly Listing[] = [
  { symbol: 'BTCUSDT', baseAsset: 'BTC', quoteAsset: 'USDT', tickSize: '0.01000000', stepSize: '0.00001000', minQty: '0.00001000', maxQty: '9000.00000000', minNotional: '5.00000000' },
  { symbol: 'ETHUSDT', baseAsset: 'ETH', quoteAsset: 'USDT', tickSize: '0.01000000', stepSize: '0.00010000', minQty: '0.00010000', maxQty: '9000.00000000', minNotional: '5.00000000' },
];

export function symbolInfo(l: Listing): Record<string, unknown> {
  return {
    symbol: l.symbol,
    status: 'TRADING',
    baseAsset: l.baseAsset,
    baseAssetPrecision: 8,
    quoteAsset: l.quoteAsset,
    quotePrecision: 8,
    quoteAssetPrecision: 8,
    baseCommissionPrecision: 8,
    quoteCommissionPrecision: 8,
    orderTypes: ['LIMIT', 'LIMIT_MAKER', 'MARKET', 'STOP_LOSS', 'STOP_LOSS_LIMIT', 'TAKE_PROFIT', 'TAKE_PROFIT_LIMIT'],
    icebergAllowed: true,
    ocoAllowed: true,
    otoAllowed: true,
    quoteOrderQtyMarketAllowed: true,
    allowTrailingStop: true,
    cancelReplaceAllowed: true,
    isSpotTradingAllowed: true,
    isMarginTradingAllowed: false,
    filters: [
      { filterType: 'PRICE_FILTER', minPrice: l.tickSize, maxPrice: '1000000.00000000', tickSize: l.tickSize },
      { filterType: 'LOT_SIZE', minQty: l.minQty, maxQty: l.maxQty, stepSize: l.stepSize },
      { filterType: 'NOTIONAL', minNotional: l.minNotional, applyMinToMarket: true, maxNotional: '9000000.00000000', applyMaxToMarket: false, avgPriceMins: 5 },
      { filterType: 'MARKET_LOT_SIZE', minQty: '0.00000000', maxQty: '100.00000000', stepSize: '0.00000000' },
      { filterType: 'MAX_NUM_ORDERS', maxNumOrders: 200 },
    ],
    permissions: [],
    permissionSets: [['SPOT']],
    defaultSelfTradePreventionMode: 'EXPIRE_MAKER',
    allowedSelfTradePreventionModes: ['EXPIRE_TAKER', 'EXPIRE_MAKER', 'EXPIRE_BOTH'],
  };
}

export function exchangeInfo(serverTime: number, symbols?: readonly string[]): Record<string, unknown> {
  const listed = symbols ? LISTINGS.filter((l) => symbols.includes(l.symbol)) : LISTINGS;
  return {
    timezone: 'UTC',
    serverTime,
    rateLimits: [
      { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 6000 },
      { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 100 },
    ],
    exchangeFilters: [],
    symbols: listed.map(symbolInfo),
  };
}
