import { createHash } from 'node:crypto';

/**
 * The client order id of an order a graph decides: the same order always gets the same id, in
 * every run and every process, so a broker adapter that sends orders to an exchange can send them
 * idempotently. After a crash, a restarted session re-processes the events that followed its last
 * checkpoint and decides the orders of those events again, with the same ids: the adapter asks the
 * exchange for the id (or relies on the exchange refusing a duplicate client id) instead of
 * sending a second order.
 *
 * The contract:
 * - an order is named by the graph's name, the deciding node's id, the instrument (a portfolio's
 *   instrument name; empty for a single-market broker) and the event time at which it was decided
 *   (epoch ms, written as JavaScript's String(number)); a broker decides at most one order per instrument per event time, so this is unique
 *   within a session, and a graph renamed (or a second deployment under another `session` name)
 *   never collides with it;
 * - the id is `h` followed by 31 lowercase hex digits of SHA-256 over those parts (124 bits): 32
 *   characters of [0-9a-z], which every major exchange accepts (Binance and Bybit allow 36
 *   characters, OKX 32 alphanumerics);
 * - it depends on nothing else (not on the wall clock, the process, the order's size or how many
 *   orders came before), so a replay that rebuilds state decides orders with identical ids.
 */
export interface OrderKey {
  /** The graph's name, or a session name chosen by the operator (two deployments of one graph on one account need different ones). */
  session: string;
  /** The deciding node's id (the broker sink). */
  node: string;
  /** The instrument within a multi-instrument broker; '' (or absent) for one market. */
  instrument?: string;
  /** Event time at which the order was decided (epoch ms; trades' times may carry fractions). */
  time: number;
}

export const CLIENT_ORDER_ID_LENGTH = 32;

export function clientOrderId(key: OrderKey): string {
  if (!Number.isFinite(key.time)) throw new Error(`clientOrderId: the decision time ${key.time} is not a time (finite epoch milliseconds); orders are named by the event time that decided them`);
  // Parts joined by NUL: no name can contain it, so ("a", "bc") and ("ab", "c") never meet. The
  // time as String(): the shortest text that reads back to the same double, so one per time.
  const text = `hean-order-v1\0${key.session}\0${key.node}\0${key.instrument ?? ''}\0${key.time}`;
  return 'h' + createHash('sha256').update(text, 'utf8').digest('hex').slice(0, CLIENT_ORDER_ID_LENGTH - 1);
}
