import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BookSpec } from '../../records/sourceSpec.js';
import { caseFiles, dataErrorOf } from '../../testing/caseFiles.js';
import { readBook } from './readBook.js';
import { dataFile } from '../../testing/dataFile.js';
import { REAL_BOOK_FILE, realBook } from '../../testing/realOrderFlow.js';

const spec: BookSpec = { record: 'book', symbol: 'BTCUSDT', levels: 2, onBadRow: 'error', onGap: 'error' };
const noWarn = () => {};
const files = caseFiles('readBook');
/** Times in the cases are written as ms offsets from T0, to keep the rows short. */
const T0 = Date.parse('2024-08-08T23:54:15Z');
const temp = (content: string) => files.write(shiftTimes(content));
const shiftTimes = (csv: string) => csv.replace(/^(\d+),/gm, (_m, t) => `${T0 + Number(t)},`);
const HEAD = 'time,last_update_id,bid_px_1,bid_sz_1,ask_px_1,ask_sz_1,bid_px_2,bid_sz_2,ask_px_2,ask_sz_2\n';

describe('readBook', () => {
  it('reads the real top-10 book: every snapshot, columns in Book order', async () => {
    const data = await readBook(dataFile(REAL_BOOK_FILE), { ...spec, levels: 10 }, noWarn);
    const plain = realBook(10);
    assert.equal(data.t.length, 6_493);
    assert.deepEqual(data.t, plain.t);
    data.levels.forEach((column, c) => assert.deepEqual(column, plain.book.columns[c], `column ${plain.book.names[c]}`));
  });

  it('reads the first `levels` levels; asking for more than the file has says how many it has', async () => {
    const path = temp(HEAD + '1,7,100,1,101,2,99,3,102,4\n');
    const one = await readBook(path, { ...spec, levels: 1 }, noWarn);
    assert.deepEqual(one.levels.map((c) => c[0]), [100, 1, 101, 2]);
    const e = await dataErrorOf(readBook(path, { ...spec, levels: 3 }, noWarn));
    assert.match(e.message, /no column for bidPrice at level 3 .*the file has 2 complete levels\. Set the source's levels to 2/);
  });

  it('a thin book leaves its deepest levels empty (NaN); a level after an empty one is malformed', async () => {
    const thin = await readBook(temp(HEAD + '1,7,100,1,101,2,,,102,4\n'), spec, noWarn);
    assert.ok(Number.isNaN(thin.levels[4][0]) && Number.isNaN(thin.levels[5][0]));
    const hole = await dataErrorOf(readBook(temp('time,bid_px_1,bid_sz_1,ask_px_1,ask_sz_1,bid_px_2,bid_sz_2,ask_px_2,ask_sz_2,bid_px_3,bid_sz_3,ask_px_3,ask_sz_3\n1,100,1,101,1,,,102,1,98,1,103,1\n'), { ...spec, levels: 3 }, noWarn));
    assert.match(hole.message, /:2: bid level 3 follows the empty bid level 2/);
  });

  it('a crossed book, a negative size, unordered levels and update ids out of sequence name the row and what is wrong', async () => {
    const crossed = await dataErrorOf(readBook(temp(HEAD + '1,7,101,1,100,2,99,3,102,4\n'), spec, noWarn));
    assert.match(crossed.message, /:2: the book is crossed: best bid 101 >= best ask 100/);
    const locked = await dataErrorOf(readBook(temp(HEAD + '1,7,100,1,100,2,99,3,102,4\n'), spec, noWarn));
    assert.match(locked.message, /the book is locked/);
    const negative = await dataErrorOf(readBook(temp(HEAD + '1,7,100,1,101,-2,99,3,102,4\n'), spec, noWarn));
    assert.match(negative.message, /ask level 1 size is -2; expected > 0/);
    const unordered = await dataErrorOf(readBook(temp(HEAD + '1,7,100,1,101,2,100.5,3,102,4\n'), spec, noWarn));
    assert.match(unordered.message, /bid level 2 price 100.5 is not below level 1 \(100\)/);
    const sequence = await dataErrorOf(readBook(temp(HEAD + '1,7,100,1,101,2,99,3,102,4\n2,7,100,1,101,2,99,3,102,4\n'), spec, noWarn));
    assert.match(sequence.message, /:3: update id 7 is not after 7/);
  });

  it('onBadRow skip drops the bad snapshot and counts it; duplicate times are bad rows', async () => {
    const data = await readBook(temp(HEAD + '1,7,100,1,101,2,99,3,102,4\n1,8,100,1,101,2,99,3,102,4\n2,9,101,1,100,2,99,3,102,4\n3,10,100,1,101,2,99,3,102,4\n'), { ...spec, onBadRow: 'skip' }, noWarn);
    assert.deepEqual(Array.from(data.t), [T0 + 1, T0 + 3]);
    assert.equal(data.checker.dropped, 2);
  });
});
