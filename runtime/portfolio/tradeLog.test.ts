import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as T from './tradeLog.js';

const record = (i: number, extra: Partial<Record<'instrument' | 'reason' | 'carry', number>> = {}) => {
  const r = T.tradeRecord();
  r.set([1000 + i, 10 + i, 2000 + i, 11 + i, i % 2 ? -i : i, 0.5, i - 3]);
  if (extra.instrument !== undefined) r[T.INSTRUMENT] = extra.instrument;
  if (extra.reason !== undefined) r[T.EXIT_REASON] = extra.reason;
  if (extra.carry !== undefined) r[T.CARRY] = extra.carry;
  return r;
};

test('TradeLog keeps every trade in order past its growth steps, or the latest cap in a ring', () => {
  const all = new T.TradeLog(Infinity);
  const ring = new T.TradeLog(5);
  for (let i = 0; i < 200; i++) {
    all.add(record(i));
    ring.add(record(i));
    assert.equal(all.last().entryTime, 1000 + i);
    assert.equal(ring.last().entryTime, 1000 + i, `ring's last after ${i + 1} adds`);
  }
  assert.deepEqual(all.list().map((t) => t.entryTime), Array.from({ length: 200 }, (_, i) => 1000 + i));
  assert.deepEqual(ring.list().map((t) => t.entryTime), [1195, 1196, 1197, 1198, 1199]);
  assert.equal(ring.dropped, 195);
  assert.deepEqual(all.list()[3], { entryTime: 1003, entryPrice: 13, exitTime: 2003, exitPrice: 14, qty: -3, fees: 0.5, pnl: 0 });
});

test('a record becomes the Trade a broker reports: open (exitTime null), instrument, exit reason, carry only when non-zero', () => {
  const open = record(1);
  open[T.EXIT_TIME] = NaN;
  assert.equal(T.tradeOf(open, 0).exitTime, null);
  const t = T.tradeOf(record(2, { instrument: 1, reason: T.EXIT_REASONS.indexOf('stopLoss'), carry: -1.5 }), 0, ['BTC', 'ETH']);
  assert.deepEqual(Object.keys(t), ['entryTime', 'entryPrice', 'exitTime', 'exitPrice', 'qty', 'fees', 'pnl', 'instrument', 'exitReason', 'carry']);
  assert.equal(t.instrument, 'ETH');
  assert.equal(t.exitReason, 'stopLoss');
  assert.equal(t.carry, -1.5);
  assert.equal('carry' in T.tradeOf(record(2, { instrument: 0, carry: 0 }), 0, ['BTC']), false);
});
