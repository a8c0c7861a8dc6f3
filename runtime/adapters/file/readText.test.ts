import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { TRADE_TIME_STEP, type TextSpec } from '../../records/sourceSpec.js';
import { caseFiles, dataErrorOf } from '../../testing/caseFiles.js';
import { REAL_TEXTS_START, realTextStamp, realTexts, realTextsCsv } from '../../testing/realTexts.js';
import { readText } from './readText.js';

const spec: TextSpec = { record: 'text', name: 'news', column: 'text', timeColumn: 'time', publicationLag: '0', publicationLagMs: 0, onBadRow: 'error', maxLength: 10_000 };
const noWarn = () => {};
const files = caseFiles('readText');
const temp = (content: string | Buffer, ext = 'csv') => files.write(content, ext);
const T0 = Date.parse('2024-08-08T13:30:00Z');

describe('readText: CSV', () => {
  it('reads the real PhraseBank sentences (stamped by the test) whole: every row, text as written, ties sequenced', async () => {
    const data = await readText(temp(realTextsCsv()), { ...spec, column: 'sentence' }, noWarn);
    assert.equal(data.strings.length, 3392);
    assert.ok(data.strings[0].startsWith('According to Gran , the company has no plans'));
    assert.ok(data.strings[1].includes('100,000 square meters'), 'a quoted comma stays in the text');
    for (let k = 0; k < 30; k++) {
      const tie = k % 10 === 9 ? TRADE_TIME_STEP : 0;
      assert.equal(data.t[k], realTextStamp(k) + tie, `event time of sentence ${k}`);
    }
    assert.equal(data.time[0], REAL_TEXTS_START);
    assert.deepEqual(data.strings, realTexts(Infinity).strings, 'the kernel tests\' texts are the ones a source reads');
    for (let i = 1; i < data.t.length; i++) assert.ok(data.t[i] > data.t[i - 1], `event times strictly increase at ${i}`);
  });

  it('RFC 4180 quoting: commas, doubled quotes and line breaks inside a quoted field; lines count from where a row starts', async () => {
    const csv = [
      'time,source,text',
      `${T0},wire,"Fed holds rates, signals cuts"`,
      `${T0 + 1000},wire,"CEO says ""no comment"" on merger"`,
      `${T0 + 2000},blog,"Line one`,
      `line two, still the same text"`,
      `${T0 + 3000},wire,He said "buy" (a quote inside an unquoted field is kept)`,
      `2024-08-08T15:30:05+02:00,wire,  padded  `,
      '',
    ].join('\r\n');
    const data = await readText(temp(csv), spec, noWarn);
    assert.deepEqual(data.strings, ['Fed holds rates, signals cuts', 'CEO says "no comment" on merger', 'Line one\nline two, still the same text', 'He said "buy" (a quote inside an unquoted field is kept)', 'padded']);
    assert.deepEqual(Array.from(data.t), [T0, T0 + 1000, T0 + 2000, T0 + 3000, T0 + 5000]);
    // The row after the two-line one starts on line 6: a bad time there is reported at 6.
    const bad = await dataErrorOf(readText(temp(csv.replace(`${T0 + 3000},`, 'soon,')), spec, noWarn));
    assert.match(bad.message, /:6: time "soon" is not a time; expected integer epoch milliseconds .* or ISO-8601 with a zone/);
  });

  it('texts in one millisecond keep file order at T + k/2048 ms; publicationLag shifts every event, never earlier', async () => {
    const csv = `time,text\n${T0},a\n${T0},b\n${T0},c\n${T0 + 1},d\n`;
    const data = await readText(temp(csv), spec, noWarn);
    assert.deepEqual(Array.from(data.t), [T0, T0 + TRADE_TIME_STEP, T0 + 2 * TRADE_TIME_STEP, T0 + 1]);
    assert.deepEqual(data.strings, ['a', 'b', 'c', 'd']);
    const lagged = await readText(temp(csv), { ...spec, publicationLag: '30s', publicationLagMs: 30_000 }, noWarn);
    assert.deepEqual(Array.from(lagged.t), [T0 + 30_000, T0 + 30_000 + TRADE_TIME_STEP, T0 + 30_000 + 2 * TRADE_TIME_STEP, T0 + 30_001]);
    assert.deepEqual(Array.from(lagged.time), [T0, T0, T0, T0 + 1], 'stamps stay as the file says');
  });

  it('a sub-millisecond ISO fraction rounds up, never before the stamp; a stamp without a zone is refused', async () => {
    const data = await readText(temp('time,text\n2024-08-08T13:30:00.0001Z,a\n2024-08-08T13:30:00.002000Z,b\n'), spec, noWarn);
    assert.deepEqual(Array.from(data.t), [T0 + 1, T0 + 2]);
    const local = await dataErrorOf(readText(temp('time,text\n2024-08-08 09:30:00,a\n'), spec, noWarn));
    assert.match(local.message, /:2: time "2024-08-08 09:30:00" has no time zone; .*Write the instant with its zone/);
    const date = await dataErrorOf(readText(temp('time,text\n2024-08-08,a\n'), spec, noWarn));
    assert.match(date.message, /:2: time "2024-08-08" has no time of day and zone/);
    const seconds = await dataErrorOf(readText(temp('time,text\n1723123800,a\n'), spec, noWarn));
    assert.match(seconds.message, /:2: time 1723123800 looks like epoch seconds/);
  });

  it('stamps going backwards stop the run naming both lines, or are dropped and counted under skip', async () => {
    const csv = `time,text\n${T0 + 5},a\n${T0 + 4},b\n${T0 + 6},c\n`;
    const e = await dataErrorOf(readText(temp(csv), spec, noWarn));
    assert.match(e.message, /:3: time 2024-08-08T13:30:00.004Z goes backwards \(.*:2 has 2024-08-08T13:30:00.005Z\); texts must be in publication order\. Sort the rows by time or set onBadRow: skip/);
    const warnings: string[] = [];
    const warned = await readText(temp(csv), { ...spec, onBadRow: 'warn' }, (_c, m) => warnings.push(m));
    assert.deepEqual(warned.strings, ['a', 'c']);
    assert.equal(warned.checker.dropped, 1);
    assert.match(warnings[0], /:3: time .* goes backwards .*\(row dropped\)/);
  });

  it('an empty text is a missing value: left out and counted, not a bad row (nor a slot in its millisecond)', async () => {
    const data = await readText(temp(`time,text\n${T0},a\n${T0},\n${T0},"  "\n${T0},b\n`), spec, noWarn);
    assert.deepEqual(data.strings, ['a', 'b']);
    assert.deepEqual(Array.from(data.t), [T0, T0 + TRADE_TIME_STEP]);
    assert.equal(data.checker.missing, 2);
    assert.equal(data.checker.dropped, 0);
  });

  it('a text longer than maxLength (in characters, not UTF-16 units) is a bad row', async () => {
    const csv = `time,text\n${T0},${'x'.repeat(11)}\n${T0 + 1},${'😀'.repeat(10)}\n`;
    const e = await dataErrorOf(readText(temp(csv), { ...spec, maxLength: 10 }, noWarn));
    assert.match(e.message, /:2: text has 11 characters; expected at most 10 \(maxLength\)\. Shorten the text, raise maxLength or set onBadRow: skip/);
    const skipped = await readText(temp(csv), { ...spec, maxLength: 10, onBadRow: 'skip' }, noWarn);
    assert.deepEqual(skipped.strings, ['😀'.repeat(10)], 'ten emoji are ten characters');
    assert.equal(skipped.checker.dropped, 1);
  });

  it('more than 2048 texts in one millisecond stop the run whatever onBadRow says', async () => {
    const rows = Array.from({ length: 2049 }, (_, k) => `${T0},t${k}`).join('\n');
    const e = await dataErrorOf(readText(temp(`time,text\n${rows}\n`), { ...spec, onBadRow: 'skip' }, noWarn));
    assert.match(e.message, /:2050: more than 2048 texts stamped 2024-08-08T13:30:00.000Z/);
  });

  it('an unterminated quote names the line it opened on; text after a closing quote is a bad row', async () => {
    const open = await dataErrorOf(readText(temp(`time,text\n${T0},fine\n${T0 + 1},"never closed\n${T0 + 2},more\n`), spec, noWarn));
    assert.match(open.message, /:3: a quoted field opens here and never closes/);
    const after = await dataErrorOf(readText(temp(`time,text\n${T0},"quoted" tail\n`), spec, noWarn));
    assert.match(after.message, /:2: field 2 has text after its closing quote \("tail"\)/);
  });

  it('missing columns say which columns the header has; rows short of cells and blank lines are bad rows', async () => {
    const e = await dataErrorOf(readText(temp(`published,headline\n${T0},a\n`), spec, noWarn));
    assert.match(e.message, /:1: no column "time" \(the timeColumn param\); found columns: published, headline\. Set timeColumn/);
    const short = await dataErrorOf(readText(temp(`time,source,text\n${T0},wire\n`), spec, noWarn));
    assert.match(short.message, /:2: found 2 values, expected 3/);
    const blank = await readText(temp(`time,text\n${T0},a\n\n${T0 + 1},b\n\n\n`), { ...spec, onBadRow: 'skip' }, noWarn);
    assert.deepEqual(blank.strings, ['a', 'b']);
    assert.equal(blank.checker.dropped, 1, 'the blank line inside, not the trailing ones');
  });

  it('gzipped CSV reads the same; start/end select by event (publication) time', async () => {
    const csv = `time,text\n${T0},a\n${T0 + 1000},b\n${T0 + 2000},c\n`;
    const gz = await readText(temp(gzipSync(csv), 'csv.gz'), spec, noWarn);
    assert.deepEqual(gz.strings, ['a', 'b', 'c']);
    const ranged = await readText(temp(csv), { ...spec, publicationLag: '1s', publicationLagMs: 1000, start: T0 + 2000, end: T0 + 3000 }, noWarn);
    assert.deepEqual(ranged.strings, ['b'], 'b is published at T0 + 2s');
  });
});

describe('readText: JSON lines', () => {
  it('reads .jsonl and .ndjson.gz: the text a JSON string (escapes decoded), null or empty = missing', async () => {
    const lines = [
      JSON.stringify({ time: T0, text: 'Oil jumps, "supply shock"\nanalysts say' }),
      JSON.stringify({ time: '2024-08-08T13:30:01Z', text: null }),
      JSON.stringify({ time: '2024-08-08T13:30:01Z', text: 'b', extra: 1 }),
      '',
    ].join('\n');
    for (const [content, ext] of [[lines, 'jsonl'], [gzipSync(lines), 'ndjson.gz']] as const) {
      const data = await readText(temp(content, ext), spec, noWarn);
      assert.deepEqual(data.strings, ['Oil jumps, "supply shock"\nanalysts say', 'b']);
      assert.deepEqual(Array.from(data.t), [T0, T0 + 1000]);
      assert.equal(data.checker.missing, 1);
    }
  });

  it('a text that is not a string, a missing field, or a line that is not JSON name file:line', async () => {
    const number = await dataErrorOf(readText(temp(`{"time":${T0},"text":42}\n`, 'jsonl'), spec, noWarn));
    assert.match(number.message, /:1: text is 42; expected a JSON string \(or null when there is no text\)/);
    const missing = await dataErrorOf(readText(temp(`{"time":${T0},"text":"a"}\n{"time":${T0},"headline":"b"}\n`, 'jsonl'), spec, noWarn));
    assert.match(missing.message, /:2: no field "text" \(the column param\); found fields: time, headline/);
    const broken = await dataErrorOf(readText(temp(`{"time":${T0},"text":"a"}\n{"time":\n`, 'jsonl'), spec, noWarn));
    assert.match(broken.message, /:2: not JSON/);
  });
});
