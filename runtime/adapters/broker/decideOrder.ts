import type { MarketLimits } from './connectTradingExchange.js';

/**
 * The order that moves a live broker to `target`, by the simulated brokers' rule
 * (SimulatedBroker.execute, PortfolioBroker.execute): long-only, 0 closes the position, otherwise
 * hold, by the order unit,
 * - fraction (sink.broker; sink.portfolio's default): target * equity / (price * (1 + slippage) * (1 + fee)) units,
 * - notional (sink.portfolio): target / (price * (1 + slippage)) units,
 * - quantity (sink.portfolio): target units,
 * at most `room` quote currency's worth at the price (a portfolio's maxLeverage cap; never more
 * than a spot account's cash). Evaluated when the order is decided, on the broker's state as the
 * exchange's fills made it:
 * - from flat (fraction, notional), a market buy of that many units' worth of quote currency
 *   (Binance's quoteOrderQty): for a fraction target * equity / ((1 + slippage) * (1 + fee)),
 *   which is what the simulation spends at whatever price the order meets, so the units bought
 *   are the simulation's; from flat by quantity, a market buy of the units;
 * - to 0, a market sell of the whole position (down to the lot step);
 * - otherwise the difference in units at the deciding close.
 * A holding below the market's minimum amount is dust and counts as flat.
 */
export interface OrderIntent {
  side: 'buy' | 'sell';
  /** Units (sells, and buys that add to a position). */
  amount?: number;
  /** Quote currency to spend (buys from flat). */
  cost?: number;
  /** Limit price (fill: queue); absent for market orders. */
  price?: number;
}

export interface BrokerState {
  cash: number;
  position: number;
  /** The broker's equity with this market at the deciding price (default: cash + position * price; a portfolio counts its other holdings). */
  equity?: number;
  /** The most quote currency's worth this position may reach at the price (a portfolio's leverage cap); default: no cap. */
  room?: number;
}

export interface DecisionRules {
  fee: number;
  slippage: number;
  limits: MarketLimits;
  /** What `target` is (default fraction). */
  unit?: 'fraction' | 'quantity' | 'notional';
}

export function isDust(position: number, limits: MarketLimits): boolean {
  return Math.abs(position) < Math.max(limits.minAmount, limits.amountStep, 1e-12);
}

/** Units rounded down to the market's lot step. */
export function toStep(units: number, limits: MarketLimits): number {
  const step = limits.amountStep;
  return step > 0 ? Number((Math.floor(units / step + 1e-9) * step).toFixed(12)) : units;
}

/** The order for `target` at reference price `price`, or a reason there is none. */
export function decideOrder(target: number, price: number, state: BrokerState, rules: DecisionRules): OrderIntent | { none: string } {
  if (target < 0) target = 0; // spot brokers are long-only (checked when the run starts)
  const { limits } = rules;
  const flat = isDust(state.position, limits);
  if (target === 0) {
    if (flat) return { none: 'already flat' };
    const amount = toStep(state.position, limits);
    return amount >= limits.minAmount && amount > 0 ? { side: 'sell', amount } : { none: `the position ${state.position} is below the market's minimum amount` };
  }
  if (!(price > 0)) return { none: 'no price yet' };
  const equity = state.equity ?? state.cash + state.position * price;
  const unit = rules.unit ?? 'fraction';
  let wanted = unit === 'fraction' ? (target * equity) / (price * (1 + rules.slippage) * (1 + rules.fee)) : unit === 'notional' ? target / (price * (1 + rules.slippage)) : target;
  // The cap cuts a growing position to what fits, never below what is held (PortfolioBroker.execute).
  const capped = state.room !== undefined && wanted * price > state.room * (1 + 1e-12);
  if (capped) wanted = Math.min(wanted, Math.max(Math.max(0, state.room!) / price, state.position));
  if (flat) {
    if (unit === 'quantity' && !capped) {
      const amount = toStep(wanted, limits);
      return amount >= limits.minAmount && amount > 0 && amount * price >= limits.minCost ? { side: 'buy', amount } : { none: `a buy of ${wanted} units is below the market's minimum` };
    }
    const cost = capped ? wanted * price : unit === 'fraction' ? (target * equity) / ((1 + rules.slippage) * (1 + rules.fee)) : target / (1 + rules.slippage);
    return cost >= limits.minCost ? { side: 'buy', cost } : { none: `an order of ${cost.toFixed(2)} ${limits.quote} is below the market's minimum of ${limits.minCost}` };
  }
  const delta = toStep(Math.abs(wanted - state.position), limits);
  if (!(delta >= limits.minAmount && delta > 0 && delta * price >= limits.minCost)) return { none: `the change of ${(wanted - state.position).toPrecision(6)} units is below the market's minimum` };
  return { side: wanted > state.position ? 'buy' : 'sell', amount: delta };
}
