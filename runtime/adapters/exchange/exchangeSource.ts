import { Type } from '@sinclair/typebox';
import type { SourceAdapter } from '../contract.js';
import type { ParamProblem } from '../../defineNode.js';

/**
 * An exchange's public market data through ccxt (DESIGN.md section 6): candles, trades or the
 * L2 book of one spot market, live only (paper and live runs). A backtest cannot bind it (the
 * compiler names the file and stream adapters instead): history for a backtest is a file,
 * `hean data download` writes one. A candle source starts warm: it fetches the closed candles
 * its graph needs for warm-up over REST first (candleFeed.ts). ccxt is loaded only when a feed
 * opens. No API keys: market data is public.
 */
export const exchangeSource: SourceAdapter = {
  role: 'source',
  name: 'exchange',
  key: 'exchange',
  summary: 'An exchange market through ccxt (live only): closed candles (warm-started over REST), trades or the L2 book of a spot symbol.',
  binding: Type.Object(
    {
      exchange: Type.String({ minLength: 1, description: 'ccxt exchange id (binance, kraken, ...).' }),
      symbol: Type.String({ minLength: 1, description: 'ccxt market symbol, BASE/QUOTE (BTC/USDT).' }),
      url: Type.Optional(Type.String({ pattern: '^https?://', description: "Another server speaking the exchange's protocol (hean fake-exchange, a relay): REST at URL/api/v3, websocket at ws://HOST/ws." })),
      sandbox: Type.Optional(Type.Boolean({ description: "Use the exchange's testnet (ccxt sandbox mode)." })),
      warmupBars: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000, description: 'Candles: closed candles fetched before going live (default: the warm-up the graph needs from this source).' })),
    },
    { additionalProperties: false },
  ),
  example: '{ exchange: binance, symbol: BTC/USDT }',
  records: ['candles', 'trades', 'book'],
  check(binding) {
    const problems: ParamProblem[] = [];
    const symbol = binding.symbol;
    if (typeof symbol === 'string' && !symbol.includes('/')) {
      const guess = /^([A-Z0-9]+?)(USDT|USDC|BUSD|FDUSD|BTC|ETH|EUR|USD)$/i.exec(symbol);
      problems.push({ path: ['symbol'], message: `symbol "${symbol}" is an exchange's own id; ccxt symbols are BASE/QUOTE${guess ? `: did you mean "${guess[1].toUpperCase()}/${guess[2].toUpperCase()}"?` : ', e.g. BTC/USDT'}` });
    }
    if (typeof binding.exchange === 'string' && binding.exchange !== binding.exchange.toLowerCase()) {
      problems.push({ path: ['exchange'], message: `exchange "${binding.exchange}": ccxt ids are lower case; did you mean "${binding.exchange.toLowerCase()}"?` });
    }
    return problems;
  },
  async live(binding, spec, io) {
    const where = `source ${io.node} (${binding.exchange} ${binding.symbol}${binding.url ? ` at ${binding.url}` : ''})`;
    const { connectExchange } = await import('./connectExchange.js');
    const exchangeBinding = { exchange: String(binding.exchange), symbol: String(binding.symbol), url: binding.url as string | undefined, sandbox: binding.sandbox === true };
    io.outputs.input(`exchange ${exchangeBinding.exchange}${exchangeBinding.url ? ` at ${exchangeBinding.url}` : ''} ${exchangeBinding.symbol}`, `source ${io.node}`);
    const connected = await connectExchange(exchangeBinding, where);
    try {
      switch (spec.record) {
        case 'candles': {
          const { candleFeed } = await import('./candleFeed.js');
          const warmupBars = typeof binding.warmupBars === 'number' ? binding.warmupBars : (io.warmupBars ?? 0);
          return await candleFeed(connected, exchangeBinding.symbol, spec, io, { where, warmupBars, url: exchangeBinding.url, sandbox: exchangeBinding.sandbox });
        }
        case 'trades': {
          const { tradeFeed } = await import('./tradeFeed.js');
          return await tradeFeed(connected, exchangeBinding.symbol, spec, io, { where });
        }
        case 'book': {
          const { bookFeed } = await import('./bookFeed.js');
          return await bookFeed(connected, exchangeBinding.symbol, spec, io, { where });
        }
        default:
          throw new Error(`${where}: the exchange adapter carries candles, trades and books, not ${spec.record}; bind a file`);
      }
    } catch (e) {
      await connected.exchange.close().catch(() => {});
      throw e;
    }
  },
};
