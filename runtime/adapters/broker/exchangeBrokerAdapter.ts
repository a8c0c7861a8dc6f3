import { Type } from '@sinclair/typebox';
import type { BrokerAdapter } from '../contract.js';
import type { Kernel } from '../../defineNode.js';
import type { SimulatedBrokerParams } from '../../portfolio/simulatedBroker.js';
import { accountBindingProperties, checkAccountBinding, describeAccount, openAccount } from './liveAccount.js';

/**
 * The exchange broker adapter (`modes.live.<broker>: { exchange: binance, symbol: BTC/USDT }`):
 * a sink.broker's orders go to an exchange account through ccxt (exchangeBroker.ts). The binding
 * says which exchange and market; the API key and secret come only from the environment
 * (HEAN_<EXCHANGE>_API_KEY, HEAN_<EXCHANGE>_SECRET), and a key written in the binding does not
 * compile. ccxt and the broker's code are loaded when a live run opens it.
 */
const bindingSchema = Type.Object(
  {
    exchange: Type.String({ minLength: 1, description: 'ccxt exchange id (binance).' }),
    symbol: Type.String({ minLength: 3, description: 'Spot market, ccxt style BASE/QUOTE (BTC/USDT).' }),
    ...accountBindingProperties,
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
  check: (binding, mode) => checkAccountBinding(binding, mode),
  describe: (binding, env) => describeAccount(binding, env, `${binding.symbol} spot orders`),
  async open(params, binding, io) {
    const p = params as SimulatedBrokerParams;
    const where = `broker "${io.node}" (${binding.exchange} ${binding.symbol})`;
    if (p.direction === 'longShort') throw new Error(`${where}: direction: longShort needs short selling, and a spot account cannot sell what it does not hold; use direction: longOnly for live spot trading`);
    if (p.fill === 'book') io.warn('live/fill-model', `${where}: fill: book simulates walking the recorded book; live, market orders meet the exchange's real book`);
    if (p.fill === 'close' || p.latencyBars > 0) io.warn('live/fill-model', `${where}: live orders are sent when decided and fill at the exchange's price then; fill: ${p.fill} and latencyBars: ${p.latencyBars} shape the simulation only`);
    const symbol = String(binding.symbol);
    // Checked against the broker's assumptions once the run knows whether it resumes a session (ExchangeBroker.resume).
    const account = await openAccount(binding, [symbol], p.cash, io, where, undefined, true);
    const { ExchangeBroker } = await import('./exchangeBroker.js');
    const { exchange, markets, keys, reconciliation, checkNewSession, describe, startedAt } = account;
    return new ExchangeBroker(p, { exchange, symbol, market: markets[0], session: io.graph, node: io.node, keys, reconciliation, checkNewSession, where, warn: io.warn, log: io.log, describe, startedAt }) as unknown as Kernel & { settle(): Promise<void> };
  },
};
