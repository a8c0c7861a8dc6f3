/**
 * Client order ids: checked against sha256sum (coreutils) over the documented text, and for the
 * properties exchanges need: 32 characters of [0-9a-z], one id per (session, node, instrument,
 * decision time), nothing else taken into account.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { CLIENT_ORDER_ID_LENGTH, clientOrderId } from './clientOrderId.js';

function sha256sum(text: string): string {
  const r = spawnSync('sha256sum', [], { input: Buffer.from(text, 'utf8'), encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.slice(0, 64);
}

test('the id is h + the first 31 hex digits of SHA-256 over the parts joined by NUL (checked with sha256sum)', () => {
  const id = clientOrderId({ session: 'sma-cross', node: 'broker', time: 1_700_000_000_000 });
  assert.equal(id, 'h' + sha256sum('hean-order-v1\0sma-cross\0broker\0\x001700000000000').slice(0, 31));
  const withInstrument = clientOrderId({ session: 'pairs', node: 'book', instrument: 'ETHUSDT', time: 1_600_000_000_000 });
  assert.equal(withInstrument, 'h' + sha256sum('hean-order-v1\0pairs\0book\0ETHUSDT\x001600000000000').slice(0, 31));
});

test('32 characters of [0-9a-z]; each part changes the id; parts cannot run into each other', () => {
  const base = { session: 'g', node: 'broker', time: 1_700_000_000_000 };
  const ids = [
    clientOrderId(base),
    clientOrderId({ ...base, session: 'g2' }),
    clientOrderId({ ...base, node: 'broker2' }),
    clientOrderId({ ...base, instrument: 'BTCUSDT' }),
    clientOrderId({ ...base, time: base.time + 1 }),
    clientOrderId({ session: 'gb', node: 'roker', time: base.time }),
  ];
  for (const id of ids) assert.match(id, new RegExp(`^[0-9a-z]{${CLIENT_ORDER_ID_LENGTH}}$`));
  assert.equal(new Set(ids).size, ids.length);
  assert.equal(clientOrderId(base), clientOrderId({ ...base }), 'the same order, the same id');
  assert.equal(clientOrderId(base), clientOrderId({ ...base, instrument: '' }), 'no instrument is the empty one');
});

test('fractional decision times (trades carry microseconds) are their own; a time that is not finite is refused, naming it', () => {
  const at = (time: number) => clientOrderId({ session: 'g', node: 'b', time });
  assert.equal(at(1_723_161_502_325.0044), 'h' + sha256sum('hean-order-v1\0g\0b\0\x001723161502325.0044').slice(0, 31));
  assert.notEqual(at(1_723_161_502_325.0044), at(1_723_161_502_325));
  assert.throws(() => at(NaN), /decision time NaN is not a time \(finite epoch milliseconds\)/);
  assert.throws(() => at(Infinity), /decision time Infinity is not a time/);
});
