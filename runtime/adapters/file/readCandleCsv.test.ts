import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import { dataFile } from '../../testing/dataFile.js';
import { DATA_MAX_BYTES } from '../../boundedRead.js';
import { DataError, MAX_LINE_BYTES, fastDecimal, readCandleCsv, type CandleColumns, type DataIssue } from './readCandleCsv.js';

const H = 3_600_000;
const REAL_1H = 'btcusdt_1h_binance_2017-08_2024-04.csv.gz';
const REAL_5M = 'btcusdt_5m_binance_2024-12_2026-02.csv.gz';
const ms = (iso: string): number => Date.parse(iso);

let dir = '';
let real1hText = '';
let real1hPlain = '';
let real5mPlain = '';

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'hean-readCandleCsv-'));
  const text = gunzipSync(readFileSync(dataFile(REAL_1H))).toString('utf8');
  real1hText = text;
  real1hPlain = join(dir, 'btc_1h.csv');
  writeFileSync(real1hPlain, text);
  real5mPlain = join(dir, 'btc_5m.csv');
  writeFileSync(real5mPlain, gunzipSync(readFileSync(dataFile(REAL_5M))));
});

after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

let fileCounter = 0;
/** Writes a small synthetic CSV into the temp dir and returns its path. */
function temp(content: string | Buffer, name = `case${++fileCounter}.csv`): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const HEADER = 'time,open,high,low,close,volume';
/** `count` good hourly rows from 2024-01-01T00:00Z as CSV lines (no header). */
function goodRows(count: number, from = ms('2024-01-01T00:00:00Z')): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(`${from + i * H},${100 + i},${101.5 + i},${99.25 + i},${100.5 + i},${10 + i * 0.125}`);
  return out;
}

function assertSameColumns(a: CandleColumns, b: CandleColumns): void {
  assert.equal(a.rows, b.rows);
  for (const key of ['time', 't', 'open', 'high', 'low', 'close', 'volume'] as const) assert.deepEqual(a[key], b[key], key);
  assert.deepEqual(a.gaps, b.gaps);
  assert.deepEqual(a.issues, b.issues);
}

async function rejectsWith(promise: Promise<unknown>, expect: { file: string; line: number; kind: string; includes?: (string | RegExp)[] }): Promise<DataError> {
  let caught: unknown;
  try {
    await promise;
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof DataError, `expected a DataError, got ${String(caught)}`);
  const err = caught as DataError;
  assert.equal(err.file, expect.file);
  assert.equal(err.line, expect.line, err.message);
  assert.equal(err.kind, expect.kind, err.message);
  if (expect.line > 0) assert.ok(err.message.startsWith(`${expect.file}:${expect.line}: `), err.message);
  for (const part of expect.includes ?? []) {
    if (typeof part === 'string') assert.ok(err.message.includes(part), `"${err.message}" should include "${part}"`);
    else assert.match(err.message, part);
  }
  return err;
}

describe('readCandleCsv: real data', () => {
  it(`reads ${REAL_1H}: rows, range, gaps, event times, values equal Number() of the text`, async () => {
    const d = await readCandleCsv(dataFile(REAL_1H), { timeframeMs: H });
    assert.equal(d.rows, 58_419);
    assert.equal(d.issues.length, 0);
    assert.equal(d.time[0], ms('2017-08-17T04:00:00Z'));
    assert.equal(d.time[d.rows - 1], ms('2024-04-21T14:00:00Z'));
    assert.equal(d.gaps.length, 28);
    assert.equal(
      d.gaps.reduce((s, g) => s + g.missingBars, 0),
      128,
    );
    const find = (from: string) => d.gaps.find((g) => g.from === ms(from));
    assert.deepEqual(find('2017-09-06T16:00:00Z'), { from: ms('2017-09-06T16:00:00Z'), to: ms('2017-09-06T23:00:00Z'), missingBars: 6 });
    assert.deepEqual(find('2018-02-08T00:00:00Z'), { from: ms('2018-02-08T00:00:00Z'), to: ms('2018-02-09T10:00:00Z'), missingBars: 33 });
    assert.deepEqual(find('2019-05-15T02:00:00Z'), { from: ms('2019-05-15T02:00:00Z'), to: ms('2019-05-15T13:00:00Z'), missingBars: 10 });
    assert.deepEqual(d.gaps[d.gaps.length - 1], { from: ms('2023-03-24T12:00:00Z'), to: ms('2023-03-24T14:00:00Z'), missingBars: 1 });
    assert.equal(d.gaps.reduce((s, g) => s + (g.to - g.from) / H - 1, 0), 128);
    let zeroVolume = 0;
    for (let i = 0; i < d.rows; i++) {
      assert.equal(d.t[i], d.time[i] + H);
      if (d.volume[i] === 0) zeroVolume++;
    }
    assert.equal(zeroVolume, 4); // PROVENANCE: 4 genuine zero-volume candles

    // Every value equals Number() of the same text, bit for bit.
    const lines = real1hText.split('\n').filter((l) => l !== '');
    assert.equal(lines[0], 'time,open,high,low,close,volume');
    assert.equal(lines.length - 1, d.rows);
    const cols = [d.time, d.open, d.high, d.low, d.close, d.volume];
    for (let r = 0; r < d.rows; r++) {
      const fields = lines[r + 1].split(',');
      for (let c = 0; c < 6; c++) {
        if (!Object.is(cols[c][r], Number(fields[c]))) assert.fail(`line ${r + 2} column ${c}: ${cols[c][r]} !== Number("${fields[c]}")`);
      }
    }
  });

  it('the same content as plain CSV, and gzip detected by magic bytes under any name, give identical columns', async () => {
    const gz = await readCandleCsv(dataFile(REAL_1H), { timeframeMs: H });
    const plain = await readCandleCsv(real1hPlain, { timeframeMs: H });
    assertSameColumns(gz, plain);
    assert.equal(plain.file, real1hPlain);
    const disguised = temp(readFileSync(dataFile(REAL_1H)), 'gzip-without-gz-suffix.csv');
    assertSameColumns(gz, await readCandleCsv(disguised, { timeframeMs: H }));
  });

  it('start/end keep open times in [start, end) and report only the gaps inside', async () => {
    const all = await readCandleCsv(real1hPlain, { timeframeMs: H });
    const start = ms('2018-01-01T00:00:00Z');
    const end = ms('2019-01-01T00:00:00Z');
    const part = await readCandleCsv(real1hPlain, { timeframeMs: H, start, end });
    let expected = 0;
    for (let i = 0; i < all.rows; i++) if (all.time[i] >= start && all.time[i] < end) expected++;
    assert.equal(part.rows, expected);
    assert.equal(part.time[0], start);
    assert.equal(part.time[part.rows - 1], end - H);
    assert.equal(part.time.length, part.rows);
    assert.deepEqual(
      part.gaps,
      all.gaps.filter((g) => g.from >= start && g.to < end),
    );
    assert.equal(part.gaps.length, 7); // 2018-01-04 .. 2018-11-14
    const first = all.time.indexOf(start);
    assert.deepEqual(part.close, all.close.slice(first, first + part.rows));
    // only start / only end
    assert.equal((await readCandleCsv(real1hPlain, { timeframeMs: H, start: ms('2024-04-21T14:00:00Z') })).rows, 1);
    assert.equal((await readCandleCsv(real1hPlain, { timeframeMs: H, end: ms('2017-08-17T05:00:00Z') })).rows, 1);
    assert.equal((await readCandleCsv(real1hPlain, { timeframeMs: H, start: ms('2030-01-01') })).rows, 0);
  });
});

describe('readCandleCsv: number fast path', () => {
  const enc = (s: string) => Buffer.from(s, 'latin1');

  it('equals Number() on every numeric field of a real file (and takes the fast path for all of them)', () => {
    const buf = Buffer.from(real1hText, 'latin1');
    let fields = 0;
    let start = buf.indexOf(10) + 1;
    for (let i = start; i <= buf.length; i++) {
      const c = i < buf.length ? buf[i] : 10;
      if (c !== 44 && c !== 10) continue;
      if (i > start) {
        const v = fastDecimal(buf, start, i);
        const text = buf.toString('latin1', start, i);
        if (!Object.is(v, Number(text))) assert.fail(`fast path gave ${v} for "${text}", Number() gives ${Number(text)}`);
        fields++;
      }
      start = i + 1;
    }
    assert.equal(fields, 58_419 * 6);
  });

  it('equals Number() bit for bit on random decimal strings; longer ones are left to Number()', () => {
    let seed = 12345;
    const rand = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    let fast = 0;
    let slow = 0;
    for (let n = 0; n < 200_000; n++) {
      const digits = 1 + Math.floor(rand() * 18);
      let s = '';
      for (let i = 0; i < digits; i++) s += String(Math.floor(rand() * 10));
      const dot = Math.floor(rand() * (digits + 2)) - 1; // -1: no dot; 0: ".123"; digits: "123."
      if (dot >= 0) s = s.slice(0, dot) + '.' + s.slice(dot);
      if (rand() < 0.3) s = '-' + s;
      const v = fastDecimal(enc(s), 0, s.length);
      if (Number.isNaN(v)) {
        slow++;
        assert.ok(s.replace(/[-.]/g, '').replace(/^0+/, '').length > 15, `"${s}" (<= 15 significant digits) should take the fast path`);
      } else {
        fast++;
        if (!Object.is(v, Number(s))) assert.fail(`fast path gave ${v} for "${s}", Number() gives ${Number(s)}`);
      }
    }
    assert.ok(fast > 150_000, `fast ${fast}`);
    assert.ok(slow > 10_000, `slow ${slow}`);
    for (const s of ['0', '-0', '0.0', '-0.000', '1', '0.1', '0.3', '123456789012345', '0.000000000000000000001', '9007199254740991', '4261.48', '47.181009', '.5', '5.']) {
      const v = fastDecimal(enc(s), 0, s.length);
      assert.ok(Object.is(v, Number(s)), `"${s}": ${v} vs ${Number(s)}`);
    }
    for (const s of ['1e5', '9007199254740993', '1.7976931348623157', '0.00000000000000000000001', 'NaN', 'inf', '', '-', '.', '1.2.3', '+1', ' 1']) {
      assert.ok(Number.isNaN(fastDecimal(enc(s), 0, s.length)), `"${s}" is not for the fast path`);
    }
  });

  it('fields outside the fast path are parsed by Number()', async () => {
    const rows = ['1704067200000,1e2,1.5E2,0.99e2,00100.25,+3', '1704070800000,100.00000000000000001,101.99999999999999999,99,100,0.1234567890123456789'];
    const d = await readCandleCsv(temp([HEADER, ...rows].join('\n')), { timeframeMs: H });
    assert.deepEqual([...d.open], [100, Number('100.00000000000000001')]);
    assert.deepEqual([...d.high], [150, Number('101.99999999999999999')]);
    assert.deepEqual([...d.low], [99, 99]);
    assert.deepEqual([...d.close], [100.25, 100]);
    assert.deepEqual([...d.volume], [3, Number('0.1234567890123456789')]);
  });
});

describe('readCandleCsv: formats', () => {
  it('ISO times (T, space, date-only, fraction, offsets), header names in any case and order, extra columns', async () => {
    const content = [
      'Symbol,Close,DATE,Open,Low,High,Volume,Trades',
      'BTC,2,2024-01-02T03:00:00Z,1,0.5,3,10,7',
      'BTC,2,2024-01-02 04:00:00,1,0.5,3,10,7',
      'BTC,2,2024-01-02T05:00:00.000Z,1,0.5,3,10,7',
      'BTC,2,2024-01-02T07:00:00+01:00,1,0.5,3,10,7',
      'BTC,2,2024-01-02T07:00,1,0.5,3,10,7',
      'BTC,2,2024-01-02T02:00:00-06:00,1,0.5,3,10,7',
    ].join('\n');
    const d = await readCandleCsv(temp(content), { timeframeMs: H });
    assert.deepEqual(
      [...d.time],
      ['2024-01-02T03:00:00Z', '2024-01-02T04:00:00Z', '2024-01-02T05:00:00Z', '2024-01-02T06:00:00Z', '2024-01-02T07:00:00Z', '2024-01-02T08:00:00Z'].map(ms),
    );
    assert.deepEqual([...d.open], [1, 1, 1, 1, 1, 1]);
    assert.deepEqual([...d.high], [3, 3, 3, 3, 3, 3]);
    assert.deepEqual([...d.low], [0.5, 0.5, 0.5, 0.5, 0.5, 0.5]);
    assert.deepEqual([...d.close], [2, 2, 2, 2, 2, 2]);

    const daily = await readCandleCsv(temp('timestamp,open,high,low,close,volume\n2024-02-28,1,2,1,2,0\n2024-02-29,1,2,1,2,0\n2024-03-02,1,2,1,2,0\n'), { timeframeMs: 86_400_000 });
    assert.deepEqual([...daily.time], [ms('2024-02-28T00:00:00Z'), ms('2024-02-29T00:00:00Z'), ms('2024-03-02T00:00:00Z')]);
    assert.deepEqual(daily.gaps, [{ from: ms('2024-02-29T00:00:00Z'), to: ms('2024-03-02T00:00:00Z'), missingBars: 1 }]);
    assert.deepEqual([...daily.t], [ms('2024-02-29T00:00:00Z'), ms('2024-03-01T00:00:00Z'), ms('2024-03-03T00:00:00Z')]);

    const openTime = await readCandleCsv(temp('open_time,open,high,low,close,volume\n1704067200000,1,2,1,2,0\n'), { timeframeMs: H });
    assert.deepEqual([...openTime.time], [1704067200000]);
  });

  it('an invalid ISO date is malformed', async () => {
    const path = temp(`${HEADER}\n2024-01-01T00:00:00Z,1,2,1,2,3\n2024-02-30T00:00:00Z,1,2,1,2,3\n`);
    await rejectsWith(readCandleCsv(path, { timeframeMs: H }), { file: path, line: 3, kind: 'malformed', includes: ['"2024-02-30T00:00:00Z" is not a time', 'ISO-8601'] });
  });

  it('CRLF, a UTF-8 BOM, no trailing newline, blank trailing lines all read the same', async () => {
    const lines = [HEADER, ...goodRows(5)];
    const base = await readCandleCsv(temp(lines.join('\n') + '\n'), { timeframeMs: H });
    assert.equal(base.rows, 5);
    const variants = [
      lines.join('\r\n') + '\r\n',
      lines.join('\r\n'),
      lines.join('\n'),
      '\ufeff' + lines.join('\n') + '\n',
      '\ufeff' + lines.join('\r\n') + '\r\n\r\n\r\n',
      lines.join('\n') + '\n\n\n  \n',
    ];
    for (const v of variants) assertSameColumns(base, await readCandleCsv(temp(v), { timeframeMs: H }));
    // gzip of the CRLF + BOM variant
    assertSameColumns(base, await readCandleCsv(temp(gzipSync(Buffer.from(variants[4])), 'bom-crlf.csv.gz'), { timeframeMs: H }));
  });

  it('a header-only file gives zero rows; an empty file is an error', async () => {
    const d = await readCandleCsv(temp(HEADER + '\n'), { timeframeMs: H });
    assert.equal(d.rows, 0);
    assert.equal(d.time.length, 0);
    const empty = temp('');
    await rejectsWith(readCandleCsv(empty, { timeframeMs: H }), { file: empty, line: 1, kind: 'empty', includes: ['header'] });
  });
});

interface BadCase {
  name: string;
  row: string; // replaces line 4 (the 3rd data row) of a 6-row hourly file
  kind: DataIssue['kind'];
  includes: string[];
}

const BAD_CASES: BadCase[] = [
  { name: 'too few columns', row: '1704074400000,102,103.5,101.25,102.5', kind: 'malformed', includes: ['found 5 values, expected 6'] },
  { name: 'too many columns', row: '1704074400000,102,103.5,101.25,102.5,10.25,7', kind: 'malformed', includes: ['found 7 values, expected 6'] },
  { name: 'unparsable number', row: '1704074400000,102,103.5,abc,102.5,10.25', kind: 'malformed', includes: ['low "abc" is not a number'] },
  { name: 'empty field', row: '1704074400000,102,,101.25,102.5,10.25', kind: 'malformed', includes: ['high "" is not a number'] },
  { name: 'hex number', row: '1704074400000,0x10,103.5,101.25,102.5,10.25', kind: 'malformed', includes: ['open "0x10" is not a number'] },
  { name: 'unparsable time', row: 'yesterday,102,103.5,101.25,102.5,10.25', kind: 'malformed', includes: ['time "yesterday" is not a time', 'epoch milliseconds'] },
  { name: 'fractional epoch time', row: '1704074400000.5,102,103.5,101.25,102.5,10.25', kind: 'malformed', includes: ['is not a time'] },
  { name: 'blank line in the middle', row: '', kind: 'malformed', includes: ['blank line'] },
  { name: 'NaN', row: '1704074400000,102,103.5,101.25,NaN,10.25', kind: 'nan', includes: ['close is "NaN"', 'finite'] },
  { name: 'inf', row: '1704074400000,102,inf,101.25,102.5,10.25', kind: 'nan', includes: ['high is "inf"'] },
  { name: 'overflow', row: '1704074400000,102,103.5,101.25,102.5,1e400', kind: 'nan', includes: ['volume is "1e400"'] },
  { name: 'zero price', row: '1704074400000,0,103.5,101.25,102.5,10.25', kind: 'non-positive-price', includes: ['open is 0', '> 0'] },
  { name: 'negative price', row: '1704074400000,102,103.5,-101.25,102.5,10.25', kind: 'non-positive-price', includes: ['low is -101.25'] },
  { name: 'negative volume', row: '1704074400000,102,103.5,101.25,102.5,-0.5', kind: 'negative-volume', includes: ['volume is -0.5', 'zero is valid'] },
  { name: 'high below low', row: '1704074400000,102,101.25,103.5,102.5,10.25', kind: 'impossible-candle', includes: ['impossible candle: high 101.25 is below low 103.5', 'expected low <= open, close <= high'] },
  { name: 'open above high', row: '1704074400000,104,103.5,101.25,102.5,10.25', kind: 'impossible-candle', includes: ['open 104 is outside low..high (101.25..103.5)'] },
  { name: 'close below low', row: '1704074400000,102,103.5,101.25,101,10.25', kind: 'impossible-candle', includes: ['close 101 is outside low..high (101.25..103.5)'] },
  {
    name: 'duplicate time',
    row: '1704070800000,102,103.5,101.25,102.5,10.25',
    kind: 'duplicate',
    includes: ['duplicate time 2024-01-01T01:00:00.000Z (also on line 3); rows must have strictly increasing times. Remove the duplicate or set onBadRow: skip'],
  },
  { name: 'time going backwards', row: '1704067200000,102,103.5,101.25,102.5,10.25', kind: 'out-of-order', includes: ['2024-01-01T00:00:00.000Z goes backwards (line 3 has 2024-01-01T01:00:00.000Z)', 'strictly increasing'] },
];

describe('readCandleCsv: bad rows', () => {
  for (const bc of BAD_CASES) {
    it(`${bc.name}: 'error' names file, line and kind; 'skip'/'warn' drop exactly that row`, async () => {
      const lines = [HEADER, ...goodRows(6)];
      lines[3] = bc.row; // file line 4
      const path = temp(lines.join('\n') + '\n');
      const err = await rejectsWith(readCandleCsv(path, { timeframeMs: H }), { file: path, line: 4, kind: bc.kind, includes: bc.includes });
      assert.match(err.message, /set onBadRow: skip$/);
      await rejectsWith(readCandleCsv(path, { timeframeMs: H, onBadRow: 'error' }), { file: path, line: 4, kind: bc.kind });
      for (const policy of ['skip', 'warn'] as const) {
        const d = await readCandleCsv(path, { timeframeMs: H, onBadRow: policy });
        assert.equal(d.rows, 5);
        const t0 = ms('2024-01-01T00:00:00Z');
        assert.deepEqual([...d.time], [0, 1, 3, 4, 5].map((i) => t0 + i * H));
        assert.equal(d.issues.length, 1);
        assert.equal(d.issues[0].line, 4);
        assert.equal(d.issues[0].kind, bc.kind);
        for (const part of bc.includes) assert.ok(d.issues[0].message.includes(part.replace(/\. Remove.*$/, '')), d.issues[0].message);
        assert.ok(!d.issues[0].message.includes(path), 'issue messages do not repeat the file');
        assert.deepEqual(d.gaps, [{ from: t0 + H, to: t0 + 3 * H, missingBars: 1 }]);
      }
    });
  }

  it("'skip' drops every bad row of a file with many, and checks order against the last kept row", async () => {
    const t0 = ms('2024-01-01T00:00:00Z');
    const lines = [
      HEADER,
      `${t0},1,2,0.5,1.5,1`, // 2
      `${t0 + H},1,2,0.5,NaN,1`, // 3 nan
      `${t0 + H},1,2,0.5,1.5,0`, // 4 ok (zero volume is valid)
      `${t0 + H},1,2,0.5,1.5,1`, // 5 duplicate of line 4
      `${t0},1,2,0.5,1.5,1`, // 6 out-of-order
      `${t0 + 2 * H},1,2,0.5,1.5`, // 7 malformed
      `${t0 + 3 * H},-1,2,0.5,1.5,1`, // 8 non-positive-price
      `${t0 + 4 * H},1,2,0.5,1.5,-1`, // 9 negative-volume
      `${t0 + 5 * H},1,2,0.5,1.5,1`, // 10 ok
    ];
    const path = temp(lines.join('\r\n'));
    const d = await readCandleCsv(path, { timeframeMs: H, onBadRow: 'skip' });
    assert.deepEqual([...d.time], [t0, t0 + H, t0 + 5 * H]);
    assert.deepEqual([...d.volume], [1, 0, 1]);
    assert.deepEqual(
      d.issues.map((i) => [i.line, i.kind]),
      [
        [3, 'nan'],
        [5, 'duplicate'],
        [6, 'out-of-order'],
        [7, 'malformed'],
        [8, 'non-positive-price'],
        [9, 'negative-volume'],
      ],
    );
    assert.match(d.issues[1].message, /also on line 4/);
    assert.deepEqual(d.gaps, [{ from: t0 + H, to: t0 + 5 * H, missingBars: 3 }]);
    const warn = await readCandleCsv(path, { timeframeMs: H, onBadRow: 'warn' });
    assertSameColumns(d, warn);
    await rejectsWith(readCandleCsv(path, { timeframeMs: H }), { file: path, line: 3, kind: 'nan' });
  });
});

describe('readCandleCsv: file-level errors', () => {
  it('a missing column names the columns found and the ones expected', async () => {
    const path = temp('time,Open,High,Low,Price,Vol\n1704067200000,1,2,1,2,0\n');
    await rejectsWith(readCandleCsv(path, { timeframeMs: H }), {
      file: path,
      line: 1,
      kind: 'missing-column',
      includes: ['missing columns close, volume', 'found columns: time, Open, High, Low, Price, Vol', 'expected: time (or timestamp, open_time, date), open, high, low, close, volume'],
    });
    const noTime = temp('when,open,high,low,close,volume\n1,1,2,1,2,0\n');
    await rejectsWith(readCandleCsv(noTime, { timeframeMs: H, onBadRow: 'skip' }), { file: noTime, line: 1, kind: 'missing-column', includes: ['missing column time;'] });
  });

  it('an epoch-seconds file is an error that says so and how to fix it, whatever the policy', async () => {
    const path = temp(`${HEADER}\n1502942400,4261.48,4313.62,4261.32,4308.83,47.181009\n1502946000,4308.83,4328.69,4291.37,4315.32,23.234916\n`);
    for (const onBadRow of ['error', 'skip', 'warn'] as const) {
      await rejectsWith(readCandleCsv(path, { timeframeMs: H, onBadRow }), {
        file: path,
        line: 2,
        kind: 'epoch-seconds',
        includes: ['time 1502942400 looks like epoch seconds', 'Multiply the time column by 1000'],
      });
    }
  });

  it('5m data read as 1h is an error about the timeframe, whatever the policy', async () => {
    const path = dataFile(REAL_5M);
    for (const onBadRow of ['error', 'skip'] as const) {
      await rejectsWith(readCandleCsv(path, { timeframeMs: H, onBadRow }), {
        file: path,
        line: 3,
        kind: 'timeframe',
        includes: ['rows are 5m apart', 'closer than the 1h timeframe', 'timeframe is wrong for this file'],
      });
    }
    const d = await readCandleCsv(path, { timeframeMs: 300_000 });
    assert.equal(d.rows, 119_784);
    assert.equal(d.gaps.length, 0);
    assert.equal(d.time[0], ms('2024-12-31T00:00:00Z'));
    assert.equal(d.time[d.rows - 1], ms('2026-02-19T21:55:00Z'));
  });

  it('1h data declared 1m is a timeframe error (not 58,418 gaps), whatever the policy', async () => {
    const path = dataFile(REAL_1H);
    for (const onBadRow of ['error', 'skip'] as const) {
      await rejectsWith(readCandleCsv(path, { timeframeMs: 60_000, onBadRow }), {
        file: path,
        line: 22, // the 20th spacing: rows 2..22
        kind: 'timeframe',
        includes: ['declared timeframe 1m, but candles are 1h apart', 'never 1m', 'timeframe: 1h'],
      });
    }
    // 1h data declared 30m: every spacing is 2 timeframes
    await rejectsWith(readCandleCsv(path, { timeframeMs: H / 2 }), { file: path, line: 22, kind: 'timeframe', includes: ['declared timeframe 30m', 'timeframe: 1h'] });
  });

  it('data with gaps passes the timeframe check as long as one of the first 20 spacings is one timeframe', async () => {
    const t0 = ms('2024-01-01T00:00:00Z');
    // 21 rows: one spacing of 1h, then 19 of 2h (a gap each)
    const times = [t0, t0 + H];
    while (times.length < 21) times.push(times[times.length - 1] + 2 * H);
    const path = temp([HEADER, ...times.map((t) => `${t},1,2,1,2,0`)].join('\n') + '\n');
    const d = await readCandleCsv(path, { timeframeMs: H });
    assert.equal(d.rows, 21);
    assert.equal(d.gaps.length, 19);
    // the same spacings without the single 1h one: none of the first 20 is one timeframe
    const sparse = temp([HEADER, ...[t0, ...times.slice(1).map((t) => t + H)].map((t) => `${t},1,2,1,2,0`)].join('\n') + '\n');
    await rejectsWith(readCandleCsv(sparse, { timeframeMs: H }), { file: sparse, line: 22, kind: 'timeframe', includes: ['candles are 2h apart', 'the smallest is 2h'] });
  });

  it('a spacing that is not a multiple of the timeframe is a timeframe error', async () => {
    const t0 = ms('2024-01-01T00:00:00Z');
    const path = temp(`${HEADER}\n${t0},1,2,1,2,0\n${t0 + H},1,2,1,2,0\n${t0 + 2.5 * H},1,2,1,2,0\n`);
    await rejectsWith(readCandleCsv(path, { timeframeMs: H, onBadRow: 'warn' }), {
      file: path,
      line: 4,
      kind: 'timeframe',
      includes: ['rows are 90m apart', 'not a multiple of the 1h timeframe'],
    });
  });

  it('bad options are errors', async () => {
    const path = temp(`${HEADER}\n`);
    await assert.rejects(readCandleCsv(path, { timeframeMs: 0 }), DataError);
    await assert.rejects(readCandleCsv(path, { timeframeMs: H, onBadRow: 'ignore' as never }), DataError);
  });
});

describe('readCandleCsv: hostile files', () => {
  /** Every message is one line (no raw control character) of bounded length. */
  function assertPlain(err: DataError, maxLength = 600): void {
    assert.doesNotMatch(err.message, /[\u0000-\u001f\u007f\u202e]/, err.message);
    assert.ok(err.message.length <= maxLength, `${err.message.length} characters: ${err.message.slice(0, 300)}`);
  }

  it('a directory is refused, saying what it is', async () => {
    const path = join(dir, 'a-directory.csv');
    mkdirSync(path);
    const err = await rejectsWith(readCandleCsv(path, { timeframeMs: H }), { file: path, line: 0, kind: 'not-a-file', includes: ['is a directory, not a regular file', 'expected a data file'] });
    assertPlain(err);
  });

  it('/proc/self/environ is refused before it is read: nothing of the environment is echoed', async () => {
    const path = '/proc/self/environ';
    const err = await rejectsWith(readCandleCsv(path, { timeframeMs: H }), { file: path, line: 0, kind: 'system-file', includes: ['is a kernel file', 'under /proc'] });
    for (const value of Object.values(process.env)) if (value && value.length >= 6) assert.ok(!err.message.includes(value), 'an environment value is in the message');
  });

  it('a file over the size limit (1 GiB, here a sparse file) is refused from its size, before reading', async () => {
    const path = temp('', 'huge.csv');
    truncateSync(path, DATA_MAX_BYTES + 1);
    const t0 = performance.now();
    await rejectsWith(readCandleCsv(path, { timeframeMs: H }), { file: path, line: 0, kind: 'too-large', includes: ['is 1,073,741,825 bytes, over the 1 GiB (1,073,741,824 bytes) limit for a data file', 'split it into smaller files'] });
    assert.ok(performance.now() - t0 < 1000, 'refused without reading');
  });

  it('maxBytes bounds a plain file by its size and a .gz file by what it decompresses to', async () => {
    const text = [HEADER, ...goodRows(40_000)].join('\n') + '\n'; // ~1.9 MB
    const plain = temp(text, 'big.csv');
    await rejectsWith(readCandleCsv(plain, { timeframeMs: H, maxBytes: 1 << 20 }), { file: plain, line: 0, kind: 'too-large', includes: ['over the 1 MiB (1,048,576 bytes) limit'] });
    const gz = temp(gzipSync(text), 'big.csv.gz');
    await rejectsWith(readCandleCsv(gz, { timeframeMs: H, maxBytes: 1 << 20 }), { file: gz, line: 0, kind: 'too-large', includes: ['decompresses to more than the 1 MiB limit'] });
    assert.equal((await readCandleCsv(gz, { timeframeMs: H, maxBytes: 4 << 20 })).rows, 40_000);
  });

  it('a gzip bomb stops at the limit: memory stays bounded', async () => {
    // 256 MiB of one repeated row, ~250 KB compressed.
    const row = Buffer.from(`${ms('2024-01-01T00:00:00Z')},1,2,1,2,0\n`);
    const body = Buffer.alloc(256 << 20, row);
    const path = temp(Buffer.concat([gzipSync(Buffer.from(HEADER + '\n')), gzipSync(body, { level: 1 })]), 'bomb.csv.gz');
    const before = process.memoryUsage();
    await rejectsWith(readCandleCsv(path, { timeframeMs: H, maxBytes: 8 << 20 }), { file: path, line: 0, kind: 'too-large' });
    const after = process.memoryUsage();
    const grew = after.arrayBuffers + after.heapUsed - (before.arrayBuffers + before.heapUsed);
    assert.ok(grew < 64 << 20, `memory grew by ${(grew / 2 ** 20).toFixed(0)} MiB`);
  });

  it(`a line over ${MAX_LINE_BYTES / 1024} KiB is an error naming file:line, whatever the policy; the line is not echoed`, async () => {
    const long = 'x'.repeat(MAX_LINE_BYTES + 1);
    const path = temp([HEADER, ...goodRows(2), `1704074400000,${long},2,1,2,0`, ...goodRows(1, ms('2024-01-01T03:00:00Z'))].join('\n'));
    for (const onBadRow of ['error', 'skip'] as const) {
      const err = await rejectsWith(readCandleCsv(path, { timeframeMs: H, onBadRow }), { file: path, line: 4, kind: 'line-too-long', includes: ['over the 64 KiB limit for a line'] });
      assertPlain(err);
    }
    const header = temp(`time,open,high,low,close,volume,${'y'.repeat(MAX_LINE_BYTES)}\n${goodRows(1)[0]}\n`);
    assertPlain(await rejectsWith(readCandleCsv(header, { timeframeMs: H }), { file: header, line: 1, kind: 'line-too-long' }));
  });

  it('a file whose lines end with CR alone says so, without echoing the file', async () => {
    const path = temp([HEADER, ...goodRows(500)].join('\r') + '\r');
    const err = await rejectsWith(readCandleCsv(path, { timeframeMs: H }), { file: path, line: 1, kind: 'not-a-header', includes: ['carriage return (\\r)', 'expected LF or CRLF'] });
    assertPlain(err);
    assert.ok(!err.message.includes('1704067200000'), 'no row is echoed');
  });

  it('a first line that is not a CSV header is described, not echoed', async () => {
    const secret = temp('API_TOKEN=hunter2-very-secret\nDB_PASSWORD=swordfish\n', 'app.env');
    const err = await rejectsWith(readCandleCsv(secret, { timeframeMs: H }), { file: secret, line: 1, kind: 'not-a-header', includes: ['does not look like a CSV header', 'Is this a candle file?'] });
    assert.ok(!/hunter2|swordfish/.test(err.message), err.message);
    const binary = temp(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x00, 0x00, 0x2c, 0x0a]), 'elf.csv');
    await rejectsWith(readCandleCsv(binary, { timeframeMs: H }), { file: binary, line: 1, kind: 'not-a-header', includes: ['line 1 is not text: it has a control character at column 1'] });
    const nul = temp('time,open\u0000,high,low,close,volume\n', 'nul.csv');
    await rejectsWith(readCandleCsv(nul, { timeframeMs: H }), { file: nul, line: 1, kind: 'not-a-header', includes: ['line 1 is not text: it has a NUL byte at column 10'] });
    const latin1 = temp(Buffer.concat([Buffer.from('time,op'), Buffer.from([0xe9]), Buffer.from('n,high,low,close,volume\n')]), 'latin1.csv');
    await rejectsWith(readCandleCsv(latin1, { timeframeMs: H }), { file: latin1, line: 1, kind: 'not-a-header', includes: ['bytes that are not UTF-8 at column 8'] });
    const noHeader = temp(goodRows(3).join('\n'), 'noheader.csv');
    await rejectsWith(readCandleCsv(noHeader, { timeframeMs: H }), { file: noHeader, line: 1, kind: 'not-a-header', includes: ['line 1 is a row of values', 'not a header', 'Add the header line'] });
    const semicolons = temp('time;open;high;low;close;volume\n1704067200000;1;2;1;2;0\n', 'semi.csv');
    await rejectsWith(readCandleCsv(semicolons, { timeframeMs: H }), { file: semicolons, line: 1, kind: 'not-a-header', includes: ['separates its columns with ";"; expected commas'] });
  });

  it('quoted values are escaped and cut short', async () => {
    const evil = '\u001b[2J\u001b[31m' + 'A'.repeat(5000) + '\r';
    const path = temp([HEADER, `1704067200000,${evil},2,1,2,0`].join('\n'));
    const err = await rejectsWith(readCandleCsv(path, { timeframeMs: H }), { file: path, line: 2, kind: 'malformed', includes: ['open "\\u001b[2J\\u001b[31mAAAA', '…" is not a number'] });
    assertPlain(err, 400);
    const fields = temp([HEADER, `1704067200000,1,2,1,2,0,${'\u0007'.repeat(300)}`].join('\n'));
    assertPlain(await rejectsWith(readCandleCsv(fields, { timeframeMs: H }), { file: fields, line: 2, kind: 'malformed', includes: ['found 7 values, expected 6', '"1704067200000,1,2,1,2,0,\\u0007'] }), 400);
  });
});

describe('readCandleCsv: speed (printed, not asserted)', () => {
  /** The baseline: split lines, line.split(',').map(Number), into Float64Array columns. */
  async function baseline(path: string): Promise<number> {
    let buf = await readFile(path);
    if (buf[0] === 0x1f && buf[1] === 0x8b) buf = gunzipSync(buf);
    const lines = buf.toString('utf8').split('\n');
    const cols = Array.from({ length: 6 }, () => new Float64Array(lines.length));
    let rows = 0;
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i];
      if (line === '') continue;
      const v = line.split(',').map(Number);
      for (let c = 0; c < 6; c++) cols[c][rows] = v[c];
      rows++;
    }
    return rows;
  }

  async function best(fn: () => Promise<number>, runs: number): Promise<number> {
    let top = 0;
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      const rows = await fn();
      const dt = performance.now() - t0;
      top = Math.max(top, rows / (dt / 1000));
    }
    return top;
  }

  it('rows/s for the 1h and 5m files, plain and gz, against split(",").map(Number)', async () => {
    const cases: [string, string, number][] = [
      ['1h plain', real1hPlain, H],
      ['1h gz', dataFile(REAL_1H), H],
      ['5m plain', real5mPlain, 300_000],
      ['5m gz', dataFile(REAL_5M), 300_000],
    ];
    const fmt = (r: number) => `${(r / 1e6).toFixed(2)} M rows/s`;
    for (const [label, path, tf] of cases) {
      const ours = await best(async () => (await readCandleCsv(path, { timeframeMs: tf })).rows, 8);
      const base = await best(() => baseline(path), 8);
      console.log(`readCandleCsv ${label}: ${fmt(ours)}  baseline split/map(Number): ${fmt(base)}  (x${(ours / base).toFixed(1)}, whole file incl. read${label.endsWith('gz') ? ' + gunzip' : ''})`);
    }
  });
});
