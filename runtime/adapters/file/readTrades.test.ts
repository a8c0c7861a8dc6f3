import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { TRADE_TIME_STEP, type TradesSpec } from '../../records/sourceSpec.js';
import { caseFiles, dataErrorOf } from '../../testing/caseFiles.js';
import { readTrades } from './readTrades.js';
import { dataFile } from '../../testing/dataFile.js';
import { REAL_TRADES_FILE, realTrades } from '../../testing/realOrderFlow.js';

const spec: TradesSpec = { record: 'trades', symbol: 'BTCUSDT', onBadRow: 'error' };
const noWarn = () => {};
const files = caseFiles('readTrades');
/** Times in the cases are written as ms offsets from T0, to keep the rows short. */
const T0 = Date.parse('2024-08-08T23:54:15Z');
const temp = (content: string | Buffer, ext = 'csv') => files.write(typeof content === 'string' ? shiftTimes(content) : content, ext);
const shiftTimes = (csv: string) => csv.replace(/^(\d+),/gm, (_m, t) => `${T0 + Number(t)},`);

describe('readTrades', () => {
  it('reads the real spot tape: every trade, sides as the file says, same-millisecond trades sequenced in file order', async () => {
    const data = await readTrades(dataFile(REAL_TRADES_FILE), spec, noWarn);
    const plain = realTrades();
    assert.equal(data.t.length, 19_904);
    assert.deepEqual(data.price, plain.trades.price);
    assert.deepEqual(data.size, plain.trades.size);
    assert.deepEqual(data.side, plain.trades.side);
    assert.deepEqual(data.t, plain.t);
    for (let i = 1; i < data.t.length; i++) assert.ok(data.t[i] > data.t[i - 1], `event times strictly increase at ${i}`);
    assert.equal(data.checker.missingTrades, 0, 'trade ids are consecutive in this file');
  });

  it('k-th trade of a millisecond: time + k/2048 ms; is_buyer_maker true means the seller aggressed', async () => {
    const path = temp('time,price,qty,is_buyer_maker\n1000,10,1,true\n1000,10,2,false\n1000,11,1,false\n1001,11,1,true\n');
    const data = await readTrades(path, spec, noWarn);
    assert.deepEqual(Array.from(data.t), [T0 + 1000, T0 + 1000 + TRADE_TIME_STEP, T0 + 1000 + 2 * TRADE_TIME_STEP, T0 + 1001]);
    assert.deepEqual(Array.from(data.time), [T0 + 1000, T0 + 1000, T0 + 1000, T0 + 1001]);
    assert.deepEqual(Array.from(data.side), [-1, 1, 1, -1]);
  });

  it('Tardis-style microsecond timestamps and amount/side columns; an empty side is unknown (NaN)', async () => {
    const path = temp(gzipSync('exchange,symbol,timestamp,local_timestamp,id,side,price,amount\nbinance,BTCUSDT,1723161255342123,1723161255343000,7,sell,61837.63,0.02\nbinance,BTCUSDT,1723161255342999,1723161255344000,8,,61837.64,0.5\n'), 'csv.gz');
    const data = await readTrades(path, spec, noWarn);
    assert.deepEqual(Array.from(data.time), [1723161255342, 1723161255342]);
    assert.deepEqual(Array.from(data.size), [0.02, 0.5]);
    assert.equal(data.side[0], -1);
    assert.ok(Number.isNaN(data.side[1]));
  });

  it('missing trade ids are counted, never papered over; a repeated id or a time going backwards names file:line', async () => {
    const gaps = await readTrades(temp('time,trade_id,price,qty,side\n1,10,5,1,buy\n2,11,5,1,buy\n3,15,5,1,sell\n'), spec, noWarn);
    assert.equal(gaps.checker.idGaps, 1);
    assert.equal(gaps.checker.missingTrades, 3);
    const repeated = await dataErrorOf(readTrades(temp('time,trade_id,price,qty,side\n1,10,5,1,buy\n2,10,5,1,buy\n'), spec, noWarn));
    assert.match(repeated.message, /:3: trade id 10 repeats \(also at .*:2\)/);
    const backwards = await dataErrorOf(readTrades(temp('time,price,qty,side\n5,5,1,buy\n4,5,1,buy\n'), spec, noWarn));
    assert.match(backwards.message, /:3: time .* goes backwards/);
  });

  it('bad values: a non-positive size stops the run (or is dropped and counted under skip); an unknown side word is rejected', async () => {
    const text = 'time,price,qty,side\n1,5,1,buy\n2,5,-1,sell\n3,5,1,maybe\n4,5,1,sell\n';
    const stop = await dataErrorOf(readTrades(temp(text), spec, noWarn));
    assert.match(stop.message, /:3: size is -1; expected a traded size > 0/);
    const warnings: string[] = [];
    const skipped = await readTrades(temp(text), { ...spec, onBadRow: 'warn' }, (_c, m) => warnings.push(m));
    assert.deepEqual(Array.from(skipped.time), [T0 + 1, T0 + 4]);
    assert.equal(skipped.checker.dropped, 2);
    assert.match(warnings[1], /:4: side "maybe" is not a side; expected buy or sell/);
  });

  it('a file without a size column says what it looked for and what it found', async () => {
    const e = await dataErrorOf(readTrades(temp('time,price,side\n1,5,buy\n'), spec, noWarn));
    assert.match(e.message, /no size column \(looked for qty, size, amount, quantity, sz\); found columns: time, price, side/);
  });

  it('start/end select by trade time', async () => {
    const data = await readTrades(temp('time,price,qty\n1000,5,1\n2000,5,1\n3000,5,1\n'), { ...spec, start: T0 + 2000, end: T0 + 3000 }, noWarn);
    assert.deepEqual(Array.from(data.time), [T0 + 2000]);
  });
});
