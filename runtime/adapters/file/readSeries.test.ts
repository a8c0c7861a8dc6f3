import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import type { SeriesSpec } from '../../records/sourceSpec.js';
import { caseFiles, dataErrorOf } from '../../testing/caseFiles.js';
import { readSeries } from './readSeries.js';

const H = 3_600_000;
const D = 24 * H;
/** A daily index stamped with its day's start (the Fear & Greed file's convention). */
const daily: SeriesSpec = { record: 'series', name: 'fg', column: 'value', timeColumn: 'date', timestamp: 'periodStart', period: '1d', periodMs: D, publicationLag: '0', publicationLagMs: 0, onBadRow: 'error' };
const noWarn = () => {};
const day = (date: string) => Date.parse(`${date}T00:00:00Z`);

const files = caseFiles('readSeries');
const temp = (content: string | Buffer, ext = 'csv') => files.write(content, ext);

const FG_HEAD = 'date,value,classification\n2018-02-01,30,Fear\n2018-02-02,15,Extreme Fear\n';

describe('readSeries: event times', () => {
  it('periodStart 1d: a day stamped with its start is knowable at the next midnight; the lag comes on top', async () => {
    const path = temp(FG_HEAD + '2018-02-03,40,Fear\n');
    const plain = await readSeries(path, daily, noWarn);
    assert.deepEqual(Array.from(plain.time), [day('2018-02-01'), day('2018-02-02'), day('2018-02-03')]);
    assert.deepEqual(Array.from(plain.t), [day('2018-02-02'), day('2018-02-03'), day('2018-02-04')]);
    assert.deepEqual(Array.from(plain.value), [30, 15, 40]);
    const lagged = await readSeries(path, { ...daily, publicationLag: '6h', publicationLagMs: 6 * H }, noWarn);
    assert.deepEqual(Array.from(lagged.t), [day('2018-02-02') + 6 * H, day('2018-02-03') + 6 * H, day('2018-02-04') + 6 * H]);
  });

  it('published and periodEnd: the stamp is the event time (plus the lag); epoch ms and ISO times both read', async () => {
    const path = temp('time,funding_rate\n1735603200000,0.0001\n2024-12-31T08:00:00Z,-0.00005\n');
    const spec: SeriesSpec = { ...daily, column: 'funding_rate', timeColumn: 'time', timestamp: 'published', period: undefined, periodMs: 0 };
    const pub = await readSeries(path, spec, noWarn);
    // 1735603200000 is 2024-12-31T00:00:00Z.
    assert.deepEqual(Array.from(pub.t), [Date.parse('2024-12-31T00:00:00Z'), Date.parse('2024-12-31T08:00:00Z')]);
    assert.deepEqual(Array.from(pub.value), [0.0001, -0.00005]);
    const end = await readSeries(path, { ...spec, timestamp: 'periodEnd', period: '8h', periodMs: 8 * H, publicationLag: '1m', publicationLagMs: 60_000 }, noWarn);
    assert.deepEqual(Array.from(end.t), [Date.parse('2024-12-31T00:01:00Z'), Date.parse('2024-12-31T08:01:00Z')]);
  });

  it('start/end select by event (publication) time', async () => {
    const path = temp(FG_HEAD + '2018-02-03,40,Fear\n');
    // Published 02-02, 02-03, 02-04: [02-03, 02-04) keeps only the value of 02-02.
    const data = await readSeries(path, { ...daily, start: day('2018-02-03'), end: day('2018-02-04') }, noWarn);
    assert.deepEqual(Array.from(data.value), [15]);
  });

  it('an empty value is a missing value: left out and counted, not a bad row; quoted fields are read', async () => {
    const path = temp('date,value,classification\n2018-02-01,30,Fear\n2018-02-02,,"none, yet"\n"2018-02-03","40",Fear\n');
    const data = await readSeries(path, daily, noWarn);
    assert.deepEqual(Array.from(data.value), [30, 40]);
    assert.equal(data.checker.missing, 1);
    assert.equal(data.checker.dropped, 0);
  });

  it('JSON lines, gzipped: time as a date or epoch ms, null = missing value', async () => {
    const lines = ['{"date":"2018-02-01","value":30}', '{"date":1517529600000,"value":null}', '{"date":"2018-02-03","value":40}', ''].join('\n');
    const path = temp(gzipSync(lines), 'jsonl.gz');
    const data = await readSeries(path, daily, noWarn);
    // 1517529600000 is 2018-02-02T00:00:00Z (null: left out).
    assert.deepEqual(Array.from(data.t), [day('2018-02-02'), day('2018-02-04')]);
    assert.deepEqual(Array.from(data.value), [30, 40]);
    assert.equal(data.checker.missing, 1);
  });
});

describe('readSeries: bad data names file:line', () => {
  it('out-of-order stamps', async () => {
    const path = temp(FG_HEAD + '2018-01-30,40,Fear\n');
    const e = await dataErrorOf(readSeries(path, daily, noWarn));
    assert.equal(e.kind, 'out-of-order');
    assert.equal(e.line, 4);
    assert.match(e.message, new RegExp(`^${path}:4: time 2018-01-30T00:00:00.000Z goes backwards \\(${path}:3 has 2018-02-02T00:00:00.000Z\\); a series needs strictly increasing times. Sort the rows by time or set onBadRow: skip$`));
  });

  it('duplicate stamps', async () => {
    const path = temp(FG_HEAD + '2018-02-02,16,Extreme Fear\n');
    const e = await dataErrorOf(readSeries(path, daily, noWarn));
    assert.equal(e.kind, 'duplicate');
    assert.match(e.message, new RegExp(`^${path}:4: duplicate time 2018-02-02T00:00:00.000Z \\(also at ${path}:3\\)`));
  });

  it('a time that is no time (February 31st)', async () => {
    const path = temp(FG_HEAD + '2018-02-31,40,Fear\n');
    const e = await dataErrorOf(readSeries(path, daily, noWarn));
    assert.equal(e.kind, 'malformed');
    assert.match(e.message, new RegExp(`^${path}:4: date "2018-02-31" is not a time; expected integer epoch milliseconds`));
  });

  it('epoch seconds stop the run whatever onBadRow says', async () => {
    const path = temp('time,value\n1517443200,30\n');
    const e = await dataErrorOf(readSeries(path, { ...daily, timeColumn: 'time', onBadRow: 'skip' }, noWarn));
    assert.equal(e.kind, 'epoch-seconds');
    assert.match(e.message, new RegExp(`^${path}:2: time 1517443200 looks like epoch seconds`));
  });

  it('a value that is not a number', async () => {
    const path = temp(FG_HEAD + '2018-02-03,forty,Fear\n');
    const e = await dataErrorOf(readSeries(path, daily, noWarn));
    assert.match(e.message, new RegExp(`^${path}:4: value "forty" is not a number`));
  });

  it('a missing column names the columns found and the param to set', async () => {
    const path = temp('date,fng,classification\n2018-02-01,30,Fear\n');
    const e = await dataErrorOf(readSeries(path, daily, noWarn));
    assert.equal(e.kind, 'missing-column');
    assert.equal(e.message, `${path}:1: no column "value" (the column param); found columns: date, fng, classification. Set column to one of them, or rename the header's column`);
    const noTime = await dataErrorOf(readSeries(temp('day,value\n2018-02-01,30\n'), daily, noWarn));
    assert.match(noTime.message, /:1: no column "date" \(the timeColumn param\); found columns: day, value/);
  });

  it('a JSON line without the field', async () => {
    const path = temp('{"date":"2018-02-01","value":30}\n{"date":"2018-02-02","fng":15}\n', 'jsonl');
    const e = await dataErrorOf(readSeries(path, daily, noWarn));
    assert.equal(e.message, `${path}:2: no field "value" (the column param); found fields: date, fng. Set column to one of them`);
  });

  it('onBadRow skip drops and counts bad rows; warn also prints each with file:line', async () => {
    const path = temp(FG_HEAD + '2018-02-02,16,Extreme Fear\n2018-02-31,1,x\n2018-02-03,40,Fear\n');
    const skipped = await readSeries(path, { ...daily, onBadRow: 'skip' }, noWarn);
    assert.deepEqual(Array.from(skipped.value), [30, 15, 40]);
    assert.equal(skipped.checker.dropped, 2);
    const warnings: string[] = [];
    await readSeries(path, { ...daily, onBadRow: 'warn' }, (code, message) => warnings.push(`${code} ${message}`));
    assert.deepEqual(warnings.map((w) => w.replace(path, 'F')), [
      'data/duplicate F:4: duplicate time 2018-02-02T00:00:00.000Z (also at ' + path + ':3); a series needs strictly increasing times (row dropped)',
      'data/malformed F:5: date "2018-02-31" is not a time; expected integer epoch milliseconds (e.g. 1517443200000), ISO-8601 (2018-02-01T00:00:00Z) or a date (2018-02-01, UTC midnight) (row dropped)',
    ]);
  });
});
