import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decideOrder } from './decideOrder.js';
import type { MarketLimits } from './connectTradingExchange.js';

/**
 * The live order for a target, against the simulated brokers' sizing written out by hand
 * (SimulatedBroker.execute / PortfolioBroker.execute: units = target x equity / (price (1 +
 * slippage)(1 + fee)) for a fraction, target / (price (1 + slippage)) for a notional, target for a
 * quantity; the maxLeverage room caps the notional).
 */
const limits: MarketLimits = { id: 'ETHUSDT', base: 'ETH', quote: 'USDT', amountStep: 0.0001, minAmount: 0.0001, minCost: 5 };
const rules = { fee: 0.001, slippage: 0.0005, limits };

test('from flat: a fraction or a notional spends quote currency (quoteOrderQty) that buys the simulation\'s units; a quantity buys units', () => {
  assert.deepEqual(decideOrder(0.5, 2000, { cash: 10000, position: 0 }, rules), { side: 'buy', cost: (0.5 * 10000) / (1.0005 * 1.001) });
  // A portfolio's equity counts its other holdings.
  assert.deepEqual(decideOrder(0.5, 2000, { cash: 6000, position: 0, equity: 10000 }, rules), { side: 'buy', cost: (0.5 * 10000) / (1.0005 * 1.001) });
  assert.deepEqual(decideOrder(3000, 2000, { cash: 10000, position: 0 }, { ...rules, unit: 'notional' }), { side: 'buy', cost: 3000 / 1.0005 });
  assert.deepEqual(decideOrder(1.23456, 2000, { cash: 10000, position: 0 }, { ...rules, unit: 'quantity' }), { side: 'buy', amount: 1.2345 });
});

test('a position moves by the difference in units, to the lot step; 0 sells it all', () => {
  // Equity 9000: 0.25 of it is 1.123315... units at 2000 with slippage and fee; 2 held: sell 0.876684..., to the step 0.8766.
  assert.deepEqual(decideOrder(0.25, 2000, { cash: 5000, position: 2 }, rules), { side: 'sell', amount: 0.8766 });
  assert.deepEqual(decideOrder(3, 2000, { cash: 5000, position: 2 }, { ...rules, unit: 'quantity' }), { side: 'buy', amount: 1 });
  assert.deepEqual(decideOrder(0, 2000, { cash: 5000, position: 2.00005 }, rules), { side: 'sell', amount: 2 });
  assert.deepEqual(decideOrder(-1, 2000, { cash: 5000, position: 0 }, rules), { none: 'already flat' }, 'long-only: a short target is flat');
});

test('the leverage room caps a buy: from flat it spends the room, held units are never cut', () => {
  // 0.9 of equity 10000 would be 8991 USDT worth; the room is 4000.
  assert.deepEqual(decideOrder(0.9, 2000, { cash: 4000, position: 0, equity: 10000, room: 4000 }, rules), { side: 'buy', cost: 4000 });
  // Holding 1 (2000 worth) with 2500 of room: up to 1.25 units, a buy of 0.25.
  assert.deepEqual(decideOrder(0.9, 2000, { cash: 500, position: 1, equity: 10000, room: 2500 }, rules), { side: 'buy', amount: 0.25 });
  // Less room than held: nothing is sold to fit (the simulation keeps what it holds).
  assert.deepEqual('none' in decideOrder(0.9, 2000, { cash: 0, position: 1, equity: 10000, room: 1000 }, rules), true);
});
