import type { CcxtOrder, TradingExchange } from './connectTradingExchange.js';
import type { OrderIntent } from './decideOrder.js';

/**
 * Sends one order so that it reaches the exchange at most once, whatever fails on the way:
 * - rate limited (429 / ccxt DDoSProtection): wait Retry-After (or back off), send again;
 * - the server's clock moved (-1021 / InvalidNonce): measure the offset again, send again;
 * - the network failed (timeout, connection cut): the order may have been placed, so the order
 *   is looked up by its client order id first, and sent again (with the SAME id) only when the
 *   exchange does not have it; Binance accepts a filled order's id again, so this lookup, not the
 *   exchange, is what keeps a resend from becoming a second order;
 * - "Duplicate order sent." (the id rests on the exchange already): the resting order is the one;
 * - insufficient funds, a rejected order: no retry, the reason comes back for a warning.
 * Authentication failures throw: no order can go out, and the run stops with the reason.
 */
export interface SendOutcome {
  order?: CcxtOrder;
  /** Why the exchange refused the order (no order exists). */
  rejected?: { reason: 'insufficient-funds' | 'rejected' | 'gave-up'; message: string };
  attempts: number;
  /** The order was found by its client id after a failure (it had been placed). */
  recovered: boolean;
  /** What happened on the way, in order (rate limited, resent, ...). */
  events: string[];
}

export interface SendOptions {
  symbol: string;
  clientOrderId: string;
  maxAttempts?: number;
  /** Waits (the wall clock: an adapter's). */
  sleep?: (ms: number) => Promise<void>;
}

/** Is `e` a ccxt error of class `name` or a subclass of it (RateLimitExceeded is a DDoSProtection is a NetworkError)? */
export function isCcxtError(e: unknown, name: string): boolean {
  for (let p = e as object | null; p; p = Object.getPrototypeOf(p)) if ((p.constructor as { name?: string } | undefined)?.name === name) return true;
  return false;
}

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function lookUpOrder(exchange: TradingExchange, symbol: string, clientOrderId: string): Promise<CcxtOrder | null> {
  try {
    return await exchange.fetchOrder(undefined, symbol, { origClientOrderId: clientOrderId });
  } catch (e) {
    if (isCcxtError(e, 'OrderNotFound')) return null;
    throw e;
  }
}

export async function sendOrder(exchange: TradingExchange, intent: OrderIntent, options: SendOptions): Promise<SendOutcome> {
  const sleep = options.sleep ?? wait;
  const maxAttempts = options.maxAttempts ?? 8;
  const { symbol, clientOrderId } = options;
  const events: string[] = [];
  let maybePlaced = false;
  let attempt = 0;
  const backoff = () => Math.min(30_000, 250 * 2 ** (attempt - 1));
  while (attempt < maxAttempts) {
    attempt++;
    try {
      if (maybePlaced) {
        const found = await lookUpOrder(exchange, symbol, clientOrderId);
        if (found) {
          events.push(`found ${clientOrderId} on the exchange after the failure: not sent again`);
          return { order: found, attempts: attempt, recovered: true, events };
        }
        events.push(`${clientOrderId} is not on the exchange: sent again with the same id`);
        maybePlaced = false;
      }
      const params = { newClientOrderId: clientOrderId, ...(intent.cost !== undefined ? { quoteOrderQty: intent.cost } : {}) };
      const type = intent.price !== undefined ? 'limit' : 'market';
      const order = await exchange.createOrder(symbol, type, intent.side, intent.amount, intent.price, params);
      return { order, attempts: attempt, recovered: false, events };
    } catch (e) {
      const message = (e as Error).message;
      if (isCcxtError(e, 'AuthenticationError') || isCcxtError(e, 'PermissionDenied')) throw e;
      if (isCcxtError(e, 'InsufficientFunds')) return { rejected: { reason: 'insufficient-funds', message }, attempts: attempt, recovered: false, events };
      if (isCcxtError(e, 'InvalidNonce')) {
        events.push('the server clock moved: offset measured again');
        await exchange.loadTimeDifference().catch(() => {});
        continue;
      }
      if (isCcxtError(e, 'DDoSProtection')) {
        const retryAfter = Number(exchange.last_response_headers?.['retry-after'] ?? exchange.last_response_headers?.['Retry-After']);
        const ms = retryAfter > 0 ? retryAfter * 1000 : backoff();
        events.push(`rate limited: waited ${ms} ms${retryAfter > 0 ? ' (Retry-After)' : ''}`);
        await sleep(ms);
        continue;
      }
      if (isCcxtError(e, 'InvalidOrder') && /Duplicate order/i.test(message)) {
        const found = await lookUpOrder(exchange, symbol, clientOrderId).catch(() => null);
        if (found) {
          events.push(`the exchange already holds ${clientOrderId}: not sent again`);
          return { order: found, attempts: attempt, recovered: true, events };
        }
      }
      if (isCcxtError(e, 'NetworkError')) {
        const ms = backoff();
        events.push(`network error (${message.slice(0, 120)}): checking the exchange for ${clientOrderId} in ${ms} ms`);
        maybePlaced = true;
        await sleep(ms);
        continue;
      }
      return { rejected: { reason: 'rejected', message }, attempts: attempt, recovered: false, events };
    }
  }
  return { rejected: { reason: 'gave-up', message: `no answer after ${attempt} attempts (${events.slice(-1)[0] ?? ''})` }, attempts: attempt, recovered: false, events };
}
