import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import type { BookSpec } from '../../records/sourceSpec.js';
import { caseFiles, dataErrorOf } from '../../testing/caseFiles.js';
import { readBook } from './readBook.js';
import { realBook } from '../../testing/realOrderFlow.js';

const spec: BookSpec = { record: 'book', symbol: 'BTCUSDT', levels: 2, onBadRow: 'error', onGap: 'error' };
const noWarn = () => {};
const files = caseFiles('readBookUpdates');
const T0 = Date.parse('2024-08-08T23:54:15Z');
/** Rows as [ms after T0, is_snapshot, side, price, amount, U, u]. */
function temp(rows: (string | number | boolean)[][], gz = false): string {
  const text = 'time,is_snapshot,side,price,amount,first_update_id,update_id\n' + rows.map(([t, ...rest]) => [T0 + Number(t), ...rest].join(',')).join('\n') + '\n';
  return files.write(gz ? gzipSync(text) : text, gz ? 'csv.gz' : 'csv');
}
const SNAPSHOT = [
  [0, true, 'bid', 100, 1, 10, 10],
  [0, true, 'bid', 99, 2, 10, 10],
  [0, true, 'ask', 101, 1, 10, 10],
  [0, true, 'ask', 102, 3, 10, 10],
];
const top = async (path: string, s = spec) => {
  const data = await readBook(path, s, noWarn);
  return { data, rows: Array.from(data.t, (_, r) => data.levels.map((c) => c[r])) };
};

describe('readBook: a book kept from level updates', () => {
  it('a snapshot then deltas: one event per message, the top levels after it; 0 removes a level', async () => {
    const { data, rows } = await top(temp([...SNAPSHOT, [100, false, 'bid', 100, 0, 11, 11], [100, false, 'ask', 101, 0.5, 11, 11], [200, false, 'bid', 99.5, 4, 12, 12]]));
    assert.deepEqual(Array.from(data.t), [T0, T0 + 100, T0 + 200]);
    // levels: bidPrice1, bidSize1, askPrice1, askSize1, bidPrice2, ...
    assert.deepEqual(rows[0], [100, 1, 101, 1, 99, 2, 102, 3]);
    assert.deepEqual(rows[1], [99, 2, 101, 0.5, NaN, NaN, 102, 3], 'the bid at 100 removed: 99 is the best, no second bid');
    assert.deepEqual(rows[2], [99.5, 4, 101, 0.5, 99, 2, 102, 3]);
    assert.deepEqual(data.updates, { gaps: 0, messagesDropped: 0, staleMessages: 0 });
  });

  it('a break in the update ids stops the run naming the line; onGap: resync drops updates until the next snapshot', async () => {
    const rows = [...SNAPSHOT, [100, false, 'bid', 100, 3, 11, 11], [200, false, 'bid', 100, 4, 13, 13], [300, false, 'ask', 101, 9, 14, 14], ...SNAPSHOT.map(([, ...r]) => [400, ...r.slice(0, 4), 20, 20]), [500, false, 'bid', 100, 5, 21, 21]];
    const e = await dataErrorOf(readBook(temp(rows), spec, noWarn));
    assert.match(e.message, /:7: update ids jump from 11 to 13: updates are missing/);
    const warnings: string[] = [];
    const data = await readBook(temp(rows), { ...spec, onGap: 'resync' }, (_c, m) => warnings.push(m));
    // Events: the snapshot, the update at 100, [dropped: 200, 300], the new snapshot at 400, the update at 500.
    assert.deepEqual(Array.from(data.t), [T0, T0 + 100, T0 + 400, T0 + 500]);
    assert.equal(data.levels[1][1], 3);
    assert.equal(data.levels[1][3], 5);
    assert.deepEqual(data.updates, { gaps: 1, messagesDropped: 2, staleMessages: 0 });
    assert.match(warnings[0], /update ids jump from 11 to 13; updates dropped until the next snapshot/);
  });

  it('after a snapshot, older messages are skipped and the first may overlap it (Binance: U <= id + 1 <= u)', async () => {
    const { data } = await top(temp([...SNAPSHOT, [50, false, 'bid', 100, 7, 8, 9], [100, false, 'bid', 100, 3, 9, 12], [200, false, 'bid', 100, 4, 13, 13]]));
    assert.deepEqual(Array.from(data.t), [T0, T0 + 100, T0 + 200]);
    assert.deepEqual(Array.from(data.levels[1]), [1, 3, 4], 'the stale update (u 9 <= 10) was not applied');
    assert.equal(data.updates!.staleMessages, 1);
  });

  it('a negative amount, or an update that crosses the book, stops the run naming the line', async () => {
    const negative = await dataErrorOf(readBook(temp([...SNAPSHOT, [100, false, 'ask', 101, -1, 11, 11]]), spec, noWarn));
    assert.match(negative.message, /:6: amount is -1; expected >= 0 \(0 removes the level\)/);
    const crossed = await dataErrorOf(readBook(temp([...SNAPSHOT, [100, false, 'bid', 101.5, 1, 11, 11]]), spec, noWarn));
    assert.match(crossed.message, /:6: the book is crossed: best bid 101.5 >= best ask 101/);
  });

  it('the real top-10 book written as level updates (each snapshot diffed against the one before) reads back snapshot for snapshot', async () => {
    const { t, book } = realBook(10);
    const lines = ['time,is_snapshot,side,price,amount,first_update_id,update_id'];
    const sideOf = (r: number, bid: boolean) => {
      const m = new Map<number, number>();
      for (let l = 0; l < 10; l++) m.set(book.columns[4 * l + (bid ? 0 : 2)][r], book.columns[4 * l + (bid ? 1 : 3)][r]);
      return m;
    };
    for (let r = 0; r < t.length; r++) {
      for (const bid of [true, false]) {
        const now = sideOf(r, bid);
        const side = bid ? 'bid' : 'ask';
        if (r === 0) {
          for (const [price, size] of now) lines.push(`${t[r]},true,${side},${price},${size},${r},${r}`);
          continue;
        }
        const before = sideOf(r - 1, bid);
        for (const [price] of before) if (!now.has(price)) lines.push(`${t[r]},false,${side},${price},0,${r},${r}`);
        for (const [price, size] of now) if (before.get(price) !== size) lines.push(`${t[r]},false,${side},${price},${size},${r},${r}`);
      }
      // A snapshot identical to the one before has no update rows: give it an empty-handed message so it is an event too.
      if (r > 0 && !lines[lines.length - 1].startsWith(`${t[r]},`)) lines.push(`${t[r]},false,bid,${book.columns[0][r]},${book.columns[1][r]},${r},${r}`);
    }
    const path = files.write(gzipSync(lines.join('\n') + '\n'), 'csv.gz');
    const data = await readBook(path, { ...spec, levels: 10 }, noWarn);
    assert.deepEqual(data.t, t);
    data.levels.forEach((column, c) => assert.deepEqual(column, book.columns[c], `column ${book.names[c]}`));
  });
});

describe('readBook: level updates before any snapshot', () => {
  it('are dropped with a warning: there is no book to update yet', async () => {
    const warnings: string[] = [];
    const data = await readBook(temp([[0, false, 'bid', 100, 1, 9, 9], ...SNAPSHOT.map(([, ...r]) => [50, ...r])]), spec, (_c, m) => warnings.push(m));
    assert.deepEqual(Array.from(data.t), [T0 + 50]);
    assert.match(warnings[0], /1 update message\(s\) before the first snapshot were dropped/);
  });
});
