import { Type } from '@sinclair/typebox';
import type { BrokerAdapter } from '../contract.js';
import type { Kernel, ParamProblem } from '../../defineNode.js';
import type { SimulatedBrokerParams } from '../../portfolio/simulatedBroker.js';
import { apiKeyNames, readApiKeys, redact } from './apiKeys.js';

/**
 * The exchange broker adapter (`modes.live.<broker>: { exchange: binance, symbol: BTC/USDT }`):
 * a sink.broker's orders go to an exchange account through ccxt (exchangeBroker.ts). The binding
 * says which exchange and market; the API key and secret come only from the environment
 * (HEAN_<EXCHANGE>_API_KEY, HEAN_<EXCHANGE>_SECRET), and a key written in the binding does not
 * compile. ccxt and the broker's code are loaded when a live run opens it.
 */
const SECRET_KEYS = ['apiKey', 'secret', 'password', 'apiSecret', 'privateKey'] as const;

const bindingSchema = Type.Object(
  {
    exchange: Type.String({ minLength: 1, description: 'ccxt exchange id (binance).' }),
    symbol: Type.String({ minLength: 3, description: 'Spot market, ccxt style BASE/QUOTE (BTC/USDT).' }),
    url: Type.Optional(Type.String({ pattern: '^https?://', description: 'Another server speaking the exchange protocol (the fake exchange: http://127.0.0.1:8765).' })),
    sandbox: Type.Optional(Type.Boolean({ description: "The exchange's testnet (ccxt setSandboxMode), unless url is given." })),
    existing: Type.Optional(Type.Union([Type.Literal('refuse'), Type.Literal('ignore')], { description: 'Open orders or holdings on the market at start that the broker did not make: refuse to start (default), or leave them alone and report them.' })),
    ...Object.fromEntries(SECRET_KEYS.map((k) => [k, Type.Optional(Type.Unknown({ description: 'Not allowed: API keys come from the environment only.' }))])),
  },
  { additionalProperties: false },
);

export const exchangeBroker: BrokerAdapter = {
  role: 'broker',
  name: 'exchange',
  key: 'exchange',
  kinds: ['sink.broker'],
  summary: 'Live mode: the broker\'s orders go to an exchange account through ccxt (spot, market orders; limit orders at the touch with fill: queue). Keys from HEAN_<EXCHANGE>_API_KEY / _SECRET.',
  binding: bindingSchema,
  example: '{ exchange: binance, symbol: BTC/USDT }',
  check(binding, mode) {
    const problems: ParamProblem[] = [];
    for (const k of SECRET_KEYS) {
      if (Object.hasOwn(binding, k)) {
        const names = apiKeyNames(String(binding.exchange ?? 'exchange'));
        problems.push({ path: [k], code: 'binding/secret', message: `API keys are never written in a graph (graphs are shared and printed): remove ${k} and set ${names.apiKey} and ${names.secret} in the environment of the live run` });
      }
    }
    if (mode !== 'live') problems.push({ path: ['exchange'], message: `an exchange broker sends real orders and binds in modes.live only; in ${mode} mode the broker is simulated: remove this binding` });
    return problems;
  },
  describe(binding, env) {
    const names = apiKeyNames(String(binding.exchange));
    const key = env[names.apiKey];
    const where = binding.url ? `the server at ${binding.url}` : binding.sandbox ? `${binding.exchange}'s testnet` : `${binding.exchange} (REAL MONEY)`;
    return `send ${binding.symbol} spot orders to ${where}, for the account whose API key is in ${names.apiKey} (${key ? 'set' : 'NOT set'}) with its secret in ${names.secret} (${env[names.secret] ? 'set' : 'NOT set'})`;
  },
  async open(params, binding, io) {
    const p = params as SimulatedBrokerParams;
    const where = `broker "${io.node}" (${binding.exchange} ${binding.symbol})`;
    if (p.direction === 'longShort') throw new Error(`${where}: direction: longShort needs short selling, and a spot account cannot sell what it does not hold; use direction: longOnly for live spot trading`);
    if (p.fill === 'book') io.warn('live/fill-model', `${where}: fill: book simulates walking the recorded book; live, market orders meet the exchange's real book`);
    if (p.fill === 'close' || p.latencyBars > 0) io.warn('live/fill-model', `${where}: live orders are sent when decided and fill at the exchange's price then; fill: ${p.fill} and latencyBars: ${p.latencyBars} shape the simulation only`);
    const keys = readApiKeys(String(binding.exchange), io.env);
    const { connectTradingExchange } = await import('./connectTradingExchange.js');
    const { readAccount } = await import('./reconcileAccount.js');
    const { ExchangeBroker } = await import('./exchangeBroker.js');
    const symbol = String(binding.symbol);
    try {
      const { exchange, market } = await connectTradingExchange({ exchange: String(binding.exchange), symbol, url: binding.url as string | undefined, sandbox: binding.sandbox as boolean | undefined }, keys, where);
      // Checked against the broker's assumptions once the run knows whether it resumes a session (ExchangeBroker.resume).
      const reconciliation = await readAccount(exchange, symbol, market);
      io.log(`${where}: account read: ${reconciliation.quoteFree} ${market.quote} free, ${reconciliation.baseTotal} ${market.base}, ${reconciliation.openOrders.length} open orders on ${symbol}`);
      const describe = { exchange: binding.exchange, symbol, ...(binding.url ? { url: binding.url } : {}), sandbox: binding.sandbox === true, account: `API key from ${keys.names.apiKey}` };
      const startedAt = exchangeTime(exchange);
      return new ExchangeBroker(p, { exchange, symbol, market, session: io.graph, node: io.node, keys, reconciliation, existing: (binding.existing as 'refuse' | 'ignore' | undefined) ?? 'refuse', where, warn: io.warn, log: io.log, describe, startedAt }) as unknown as Kernel & { settle(): Promise<void> };
    } catch (e) {
      throw new Error(redact((e as Error).message, keys));
    }
  },
};

/** The exchange's clock now (ccxt keeps the local clock's offset to it, measured at connect: `options.timeDifference`). */
function exchangeTime(exchange: object): number {
  const e = exchange as { milliseconds(): number; options?: { timeDifference?: number } };
  return e.milliseconds() - (e.options?.timeDifference ?? 0);
}
