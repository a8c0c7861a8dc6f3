import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import {
  compareIds,
  decodeEntries,
  decodeNumber,
  encodeFields,
  encodeNumber,
  entryId,
  idMs,
  idsForTimes,
  parseNumber,
  type StreamEntry,
} from './entries.js';
import { publishColumns } from './publish.js';
import { readRange } from './readRange.js';
import { bytes, deleteKeys, testClient, testPrefix } from '../../testing/redis.js';

describe('entry ids', () => {
  it('are `${t}-${seq}`, seq counting events at the same time', () => {
    assert.equal(entryId(1502942400000), '1502942400000-0');
    assert.equal(entryId(5, 2), '5-2');
    assert.deepEqual(idsForTimes([10, 10, 10, 11, 12, 12]), ['10-0', '10-1', '10-2', '11-0', '12-0', '12-1']);
  });

  it('reject non-integer, negative and non-finite times', () => {
    assert.throws(() => entryId(1.5), /event time 1.5 cannot be a stream entry id: expected a non-negative integer of epoch milliseconds.*round the times/);
    assert.throws(() => entryId(-1), /event time -1 cannot be a stream entry id/);
    assert.throws(() => entryId(NaN), /event time NaN cannot be/);
    assert.throws(() => idsForTimes([1, 2, 2.25]), /event time at index 2: 2.25 cannot be a stream entry id/);
  });

  it('reject times that go backwards, naming the index and both times', () => {
    assert.throws(
      () => idsForTimes([1000, 3000, 2000]),
      /event times must not go backwards: index 2 has 2000 \(1970-01-01T00:00:02.000Z\) after 3000 \(1970-01-01T00:00:03.000Z\)/,
    );
  });

  it('compare as Redis does (ms, then seq as a 64-bit number)', () => {
    assert.equal(compareIds('9-0', '10-0'), -1); // not text order
    assert.equal(compareIds('10-2', '10-10'), -1);
    assert.equal(compareIds('10-18446744073709551615', '10-18446744073709551614'), 1);
    assert.equal(compareIds('10-0', '10-0'), 0);
    assert.equal(idMs('1502942400000-3'), 1502942400000);
    assert.ok(Number.isNaN(idMs('x-1')));
  });
});

describe('field values', () => {
  it('numbers round trip bit for bit, including -0, NaN, ±Infinity, subnormals and extremes', () => {
    const values = [0, -0, 1, -1, 0.1, 1 / 3, 6463.99, 1e-8, 5e-324, -5e-324, 1.7976931348623157e308, 2 ** 53 + 2, NaN, Infinity, -Infinity];
    const a = Float64Array.from(values);
    const back = Float64Array.from(values.map((v) => decodeNumber(encodeNumber(v), '1-0', 'x')));
    assert.deepEqual(bytes(back), bytes(a));
    assert.equal(encodeNumber(NaN), '');
    assert.equal(encodeNumber(Infinity), 'inf');
    assert.equal(encodeNumber(-Infinity), '-inf');
    assert.equal(encodeNumber(-0), '-0');
    assert.equal(encodeNumber(0.1), '0.1'); // shortest text
  });

  it('malformed text is an error naming the entry id and the field', () => {
    for (const bad of ['abc', '1.2.3', ' 1', '1 ', '0x10', 'Infinity', 'NaN', '1e', '--1', '1,5']) {
      assert.equal(parseNumber(bad), undefined, bad);
      assert.throws(
        () => decodeNumber(bad, '1502942400000-0', 'close'),
        (e: Error) => e.message.startsWith(`stream entry 1502942400000-0: field 'close' is ${JSON.stringify(bad)}, not a number`),
      );
    }
    assert.equal(parseNumber('1E+3'), 1000);
    assert.equal(parseNumber('.5'), 0.5);
    assert.equal(parseNumber('+inf'), Infinity);
  });
});

describe('decodeEntries', () => {
  const entries: StreamEntry[] = [
    ['1000-0', ['close', '1.5', 'volume', '2']],
    ['1000-1', ['volume', '3', 'extra', 'x', 'close', '']], // other order, an extra field, NaN
    ['2000-0', ['close', '-inf', 'volume', 'inf']],
  ];

  it('gives ids, t from the id and one column per field in the order asked', () => {
    const d = decodeEntries(entries, ['volume', 'close']);
    assert.deepEqual(d.ids, ['1000-0', '1000-1', '2000-0']);
    assert.deepEqual([...d.t], [1000, 1000, 2000]);
    assert.deepEqual([...d.columns[0]], [2, 3, Infinity]);
    assert.deepEqual([...d.columns[1]], [1.5, NaN, -Infinity]);
  });

  it('a missing field is an error naming the id and listing the fields found', () => {
    assert.throws(
      () => decodeEntries(entries, ['close', 'open']),
      /stream entry 1000-0 has no field 'open'; fields found: close, volume; expected: close, open/,
    );
  });

  it('a malformed value is an error naming the id and field', () => {
    assert.throws(() => decodeEntries([['7-0', ['close', '12abc']]], ['close']), /stream entry 7-0: field 'close' is "12abc", not a number/);
  });

  it('encodeFields writes name/value pairs of one row', () => {
    assert.deepEqual(encodeFields(['a', 'b'], [Float64Array.of(1, NaN), Float64Array.of(-0, Infinity)], 1), ['a', '', 'b', 'inf']);
  });
});

describe('special values through Redis', () => {
  let redis: Redis;
  const prefix = testPrefix();
  before(async () => {
    redis = await testClient();
  });
  after(async () => {
    await deleteKeys(redis, prefix);
    redis.disconnect();
  });

  it('NaN, ±Infinity, -0 and tiny numbers round trip through XADD/XRANGE byte for byte', async () => {
    const key = `${prefix}:special`;
    const t = Float64Array.of(1000, 1000, 2000, 3000);
    const x = Float64Array.of(NaN, Infinity, -Infinity, -0);
    const y = Float64Array.of(5e-324, 1 / 3, -1e300, 0);
    await publishColumns(redis, key, { t, names: ['x', 'y'], columns: [x, y] });
    assert.deepEqual(await redis.xrange(key, '-', '+'), [
      ['1000-0', ['x', '', 'y', '5e-324']],
      ['1000-1', ['x', 'inf', 'y', '0.3333333333333333']],
      ['2000-0', ['x', '-inf', 'y', '-1e+300']],
      ['3000-0', ['x', '-0', 'y', '0']],
    ]);
    const back = await readRange(redis, key, { fieldNames: ['x', 'y'] });
    assert.deepEqual(bytes(back.columns[0]), bytes(x));
    assert.deepEqual(bytes(back.columns[1]), bytes(y));
    assert.deepEqual(back.ids, ['1000-0', '1000-1', '2000-0', '3000-0']);
  });

  it('a malformed field written by someone else fails the read with the id and field', async () => {
    const key = `${prefix}:bad`;
    await redis.xadd(key, '5000-0', 'close', '1.5');
    await redis.xadd(key, '6000-0', 'close', 'n/a');
    await assert.rejects(readRange(redis, key, { fieldNames: ['close'] }), /stream entry 6000-0: field 'close' is "n\/a", not a number/);
    await redis.xadd(key, '7000-0', 'price', '2');
    await assert.rejects(readRange(redis, key, { from: 7000, fieldNames: ['close'] }), /stream entry 7000-0 has no field 'close'; fields found: price/);
  });
});
