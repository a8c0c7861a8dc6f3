import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { constants, gunzipSync, gzipSync } from 'node:zlib';
import { dataFile } from '../../testing/dataFile.js';
import { DataFile } from './dataFile.js';
import { DataError, MAX_LINE_BYTES, readCandleCsv, readCandleCsvFile, type CandleColumns, type CandleReadOptions } from './readCandleCsv.js';

// readCandleCsv reads a block at a time (decompressing gzip as it goes). Rows, blank lines,
// CRLF and errors that straddle block boundaries must read as in one piece; errors name the
// line wherever it falls and come in the order the whole-file reader gave them.

const H = 3_600_000;
const T0 = Date.parse('2024-01-01T00:00:00Z');
const REAL_1H = 'btcusdt_1h_binance_2017-08_2024-04.csv.gz';
const HEADER = 'time,open,high,low,close,volume';

let dir = '';
before(() => (dir = mkdtempSync(join(tmpdir(), 'hean-csvBlocks-'))));
after(() => dir && rmSync(dir, { recursive: true, force: true }));

let files = 0;
function temp(content: string | Buffer, name = `f${++files}.csv`): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** readCandleCsv with blocks of `blockBytes`. */
async function inBlocks(path: string, options: CandleReadOptions, blockBytes: number): Promise<CandleColumns> {
  const file = DataFile.open(path, options.maxBytes);
  try {
    return await readCandleCsvFile(file, options, undefined, blockBytes);
  } finally {
    file.close();
  }
}

async function thrown(read: Promise<unknown>): Promise<DataError> {
  try {
    await read;
  } catch (e) {
    assert.ok(e instanceof DataError, String(e));
    return e;
  }
  assert.fail('expected a DataError');
}

function assertSame(a: CandleColumns, b: CandleColumns, label: string): void {
  assert.equal(a.rows, b.rows, label);
  for (const key of ['time', 't', 'open', 'high', 'low', 'close', 'volume'] as const) {
    assert.equal(a[key].length, b[key].length, `${label} ${key}`);
    for (let i = 0; i < a.rows; i++) if (!Object.is(a[key][i], b[key][i])) assert.fail(`${label}: ${key}[${i}] ${a[key][i]} vs ${b[key][i]}`);
  }
  assert.deepEqual(a.gaps, b.gaps, label);
  assert.deepEqual(a.issues, b.issues, label);
}

/** Hourly rows from T0 + from hours, prices from 100, as CSV lines. */
function rows(count: number, from = 0): string[] {
  return Array.from({ length: count }, (_, i) => `${T0 + (from + i) * H},${100 + i},${101.5 + i},${99.25 + i},${100.5 + i},${10 + i * 0.125}`);
}

describe('readCandleCsv in blocks', () => {
  it('rows, CRLF, a BOM, blank lines, ISO times and bad rows read the same at every block size', async () => {
    const lines = [
      '\ufefftime,open,high,low,close,volume\r', // 1
      `${T0},1,2,0.5,1.5,3`, // 2
      `${T0 + H},1,2,0.5,1.5,3\r`, // 3
      '', // 4 blank
      '  \t', // 5 blank
      `${T0 + 2 * H},1.25,2,0.5,1.5,3`, // 6
      `${T0 + 3 * H},1,2,0.5,NaN,3`, // 7 nan
      `${T0 + 3 * H},4371.4957749606465,4386.767968925033,4348.947247043752,4373.218583835195,23.546658520121273`, // 8
      '2024-01-01T04:00:00Z,1,2,0.5,1.5,3', // 9
      `${T0 + 4 * H},1,2,0.5,1.5,3`, // 10 duplicate of line 9
      `${T0 + 6 * H},1,2,0.5,1.5,0`, // 11 (gap: 05:00 missing)
      '',
      '  ',
      '',
    ];
    const text = lines.join('\n');
    const skip = { timeframeMs: H, onBadRow: 'skip' as const };
    const expected = await readCandleCsv(temp(text), skip);
    // What the file says, independently of the reader.
    assert.deepEqual([...expected.time], [0, 1, 2, 3, 4, 6].map((h) => T0 + h * H));
    assert.deepEqual([...expected.open], [1, 1, 1.25, 4371.4957749606465, 1, 1]);
    assert.deepEqual(
      expected.issues.map((issue) => [issue.line, issue.kind]),
      [
        [4, 'malformed'],
        [5, 'malformed'],
        [7, 'nan'],
        [10, 'duplicate'],
      ],
    );
    assert.match(expected.issues[3].message, /also on line 9/);
    assert.deepEqual(expected.gaps, [{ from: T0 + 4 * H, to: T0 + 6 * H, missingBars: 1 }]);
    const plain = temp(text);
    const gz = temp(gzipSync(text), 'tricky.csv.gz');
    for (let block = 1; block <= 48; block++) {
      for (const path of [plain, gz]) {
        assertSame(await inBlocks(path, skip, block), expected, `${path} in blocks of ${block}`);
        const err = await thrown(inBlocks(path, { timeframeMs: H }, block));
        assert.equal(err.line, 4, `${path} in blocks of ${block}: ${err.message}`);
        assert.match(err.message, /:4: blank line/);
      }
    }
  });

  it(`the real hourly file read in small blocks gives the columns of one read, plain and gzip`, async () => {
    const gz = dataFile(REAL_1H);
    const plain = temp(gunzipSync(readFileSync(gz)));
    const whole = await readCandleCsv(plain, { timeframeMs: H });
    assert.equal(whole.rows, 58_419);
    for (const block of [100, 4096, 65_537]) {
      assertSame(await inBlocks(plain, { timeframeMs: H }, block), whole, `plain in blocks of ${block}`);
      assertSame(await inBlocks(gz, { timeframeMs: H }, block), whole, `gzip in blocks of ${block}`);
    }
  });

  it('a bad row in a later block names its line, and a duplicate the line of its twin in an earlier block', async () => {
    const lines = [HEADER, ...rows(20_000)];
    lines[15_000] = lines[15_000].replace(/,[^,]*$/, ',-2'); // line 15,001: negative volume
    lines[19_001] = lines[19_000]; // line 19,002 repeats line 19,001
    const path = temp(lines.join('\n'));
    for (const block of [4096, 100_000]) {
      const err = await thrown(inBlocks(path, { timeframeMs: H }, block));
      assert.equal(err.line, 15_001);
      assert.equal(err.kind, 'negative-volume');
      assert.ok(err.message.startsWith(`${path}:15001: volume is -2`), err.message);
      const d = await inBlocks(path, { timeframeMs: H, onBadRow: 'warn' }, block);
      assert.deepEqual(
        d.issues.map((issue) => [issue.line, issue.kind]),
        [
          [15_001, 'negative-volume'],
          [19_002, 'duplicate'],
        ],
      );
      assert.match(d.issues[1].message, /also on line 19001/);
      assert.equal(d.rows, 19_998);
    }
  });

  it('more rows than the first lines suggest: the columns grow', async () => {
    // The first MiB has long lines (an ignored column of 2,000 bytes), the rest short ones.
    const long = rows(600).map((line) => `${line},${'x'.repeat(2000)}`);
    const short = rows(50_000, 600).map((line) => `${line},`);
    const path = temp([`${HEADER},note`, ...long, ...short].join('\n'));
    const d = await readCandleCsv(path, { timeframeMs: H });
    assert.equal(d.rows, 50_600);
    for (let i = 0; i < d.rows; i += 997) {
      assert.equal(d.time[i], T0 + i * H);
      assert.equal(d.open[i], 100 + (i < 600 ? i : i - 600));
    }
  });
});

describe('readCandleCsv in blocks: which error comes first', () => {
  it('a bad row, then a line over the limit further on: the long line, as when every line was measured first', async () => {
    const lines = [HEADER, ...rows(3_000)];
    lines[2] = lines[2].replace(/,[^,]*$/, ',NaN'); // line 3
    lines[2_500] = `${lines[2_500]},${'9'.repeat(MAX_LINE_BYTES)}`; // line 2,501
    const path = temp(lines.join('\n'));
    for (const onBadRow of ['error', 'skip'] as const) {
      for (const block of [4096, 1 << 20]) {
        const err = await thrown(inBlocks(path, { timeframeMs: H, onBadRow }, block));
        assert.equal(err.kind, 'line-too-long', err.message);
        assert.equal(err.line, 2_501);
        assert.match(err.message, /line is 65,5\d\d bytes long/);
      }
    }
  });

  it('gzip: a bad row (or header, or option) before damage further on is a gzip error; before the size limit, too-large', async () => {
    const lines = [HEADER, ...rows(40_000)];
    lines[2] = '1502942400,1,2,1,2,0'; // line 3: epoch seconds, thrown whatever the policy
    const text = lines.join('\n');
    const cut = gzipSync(text);
    const damaged = temp(cut.subarray(0, cut.length - 100), 'cut.csv.gz');
    const err = await thrown(readCandleCsv(damaged, { timeframeMs: H }));
    assert.equal(err.kind, 'gzip');
    assert.match(err.message, /could not be decompressed \(unexpected end of file\)/);
    // A wrong header, or wrong options, with damage further on: the gzip error too.
    const renamed = gzipSync(text.replace('volume', 'vol'));
    assert.equal((await thrown(readCandleCsv(temp(renamed.subarray(0, renamed.length - 100), 'header.csv.gz'), { timeframeMs: H }))).kind, 'gzip');
    assert.equal((await thrown(readCandleCsv(damaged, { timeframeMs: 0 }))).kind, 'gzip');
    const big = temp(gzipSync(text), 'big.csv.gz');
    const tooLarge = await thrown(readCandleCsv(big, { timeframeMs: H, maxBytes: 1 << 20 }));
    assert.equal(tooLarge.kind, 'too-large');
    assert.match(tooLarge.message, /decompresses to more than the 1 MiB limit/);
    assert.equal((await thrown(readCandleCsv(big, { timeframeMs: H }))).kind, 'epoch-seconds');
  });

  it('gzip of several members (as cat a.gz b.gz makes) reads as one file', async () => {
    const lines = [HEADER, ...rows(5_000)];
    const members = Buffer.concat([gzipSync(lines.slice(0, 1_234).join('\n') + '\n'), gzipSync(lines.slice(1_234).join('\n') + '\n', { level: constants.Z_BEST_SPEED })]);
    assertSame(await readCandleCsv(temp(members, 'members.csv.gz'), { timeframeMs: H }), await readCandleCsv(temp(lines.join('\n')), { timeframeMs: H }), 'members');
  });
});

describe('readCandleCsv in blocks: memory', () => {
  /** Writes `count` hourly rows with an ignored 1,000-byte column, plain or gzip (a member per chunk), a chunk at a time; returns the content size. */
  function bulky(path: string, count: number, gzip: boolean): number {
    const fd = openSync(path, 'w');
    let size = 0;
    const write = (text: string) => {
      const chunk = Buffer.from(text);
      writeSync(fd, gzip ? gzipSync(chunk, { level: constants.Z_BEST_SPEED }) : chunk);
      size += chunk.length;
    };
    write(`${HEADER},note\n`);
    const note = 'n'.repeat(1000);
    for (let i = 0; i < count; i += 1000) write(rows(Math.min(1000, count - i), i).map((line) => `${line},${note}\n`).join(''));
    closeSync(fd);
    return size;
  }

  it('a 200 MB file, plain or gzip, is read in a fraction of its size (peak RSS of a child process)', () => {
    const reader = new URL('./readCandleCsv.js', import.meta.url).href;
    const script = `import { readCandleCsv } from '${reader}';
      const before = process.resourceUsage().maxRSS;
      const d = await readCandleCsv(process.argv[1], { timeframeMs: ${H} });
      console.log(JSON.stringify({ rows: d.rows, grew: (process.resourceUsage().maxRSS - before) * 1024 }));`;
    for (const gzip of [false, true]) {
      const path = join(dir, gzip ? 'bulky.csv.gz' : 'bulky.csv');
      const size = bulky(path, 200_000, gzip);
      const { rows: read, grew } = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script, path], { encoding: 'utf8' })) as { rows: number; grew: number };
      rmSync(path);
      assert.equal(read, 200_000);
      // The columns are 11 MB, the block and gzip's output buffers some tens; a whole-file read would hold the 200 MB besides.
      assert.ok(grew < size / 2, `${gzip ? 'gzip' : 'plain'}: peak RSS grew by ${(grew / 2 ** 20).toFixed(0)} MiB reading ${(size / 2 ** 20).toFixed(0)} MiB`);
    }
  });
});
