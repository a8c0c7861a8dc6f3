import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { parquetMetadata } from 'hyparquet';
import { parquetWriteBuffer, type SchemaElement } from 'hyparquet-writer';
import { dataFile } from '../../testing/dataFile.js';
import { candleParquet } from '../../data/candleParquet.js';
import { DataError, readCandleCsv, type CandleColumns, type CandleReadOptions } from './readCandleCsv.js';
import { readCandleParquet } from './readCandleParquet.js';

const H = 3_600_000;
const REAL_1H = 'btcusdt_1h_binance_2017-08_2024-04.csv.gz';
const T0 = Date.parse('2024-01-01T00:00:00Z');

let dir = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'hean-readCandleParquet-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

interface Column {
  name: string;
  type: 'INT64' | 'DOUBLE' | 'INT32' | 'FLOAT' | 'BYTE_ARRAY';
  data: ArrayLike<unknown>;
  optional?: boolean;
  timestamp?: boolean;
}

/** A Parquet file of the given columns, written by hyparquet-writer (row groups of at most `rowGroupSize` rows). */
function parquetFile(name: string, columns: Column[], rowGroupSize?: number): string {
  const schema: SchemaElement[] = [
    { name: 'root', num_children: columns.length },
    ...columns.map(
      (c): SchemaElement => ({
        name: c.name,
        type: c.type,
        repetition_type: c.optional ? 'OPTIONAL' : 'REQUIRED',
        ...(c.timestamp ? { converted_type: 'TIMESTAMP_MILLIS', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MILLIS' } } : {}),
        ...(c.type === 'BYTE_ARRAY' ? { converted_type: 'UTF8', logical_type: { type: 'STRING' } } : {}),
      }),
    ),
  ];
  const path = join(dir, name);
  writeFileSync(path, new Uint8Array(parquetWriteBuffer({ schema, columnData: columns.map((c) => ({ name: c.name, data: c.data as unknown[] })), ...(rowGroupSize ? { rowGroupSize } : {}) })));
  return path;
}

/** Rows [time, open, high, low, close, volume] as the standard columns (time INT64 TIMESTAMP). */
function candleFile(name: string, rows: number[][]): string {
  const col = (j: number) => rows.map((r) => r[j]);
  return parquetFile(name, [
    { name: 'time', type: 'INT64', timestamp: true, data: rows.map((r) => BigInt(r[0])) },
    ...['open', 'high', 'low', 'close', 'volume'].map((name, j): Column => ({ name, type: 'DOUBLE', data: col(j + 1) })),
  ]);
}

/** The same rows as CSV text, to compare the two readers' errors. */
function csvFile(name: string, rows: number[][]): string {
  const path = join(dir, name);
  writeFileSync(path, ['time,open,high,low,close,volume', ...rows.map((r) => r.join(','))].join('\n') + '\n');
  return path;
}

function thrown(fn: () => Promise<unknown>): Promise<DataError> {
  return fn().then(
    () => assert.fail('expected a DataError'),
    (e: unknown) => {
      assert.ok(e instanceof DataError, String(e));
      return e;
    },
  );
}

const good = (i: number, close = 100 + i): number[] => [T0 + i * H, close, close + 2, close - 2, close, 5 + i];

function sameColumns(a: CandleColumns, b: CandleColumns): void {
  assert.equal(a.rows, b.rows);
  for (const k of ['time', 't', 'open', 'high', 'low', 'close', 'volume'] as const) assert.deepEqual(a[k], b[k], k);
  assert.deepEqual(a.gaps, b.gaps);
}

describe('readCandleParquet on the real BTCUSDT 1h file', () => {
  let csvPath = '';
  let pqPath = '';
  let fromCsv: CandleColumns;
  before(async () => {
    csvPath = dataFile(REAL_1H);
    fromCsv = await readCandleCsv(csvPath, { timeframeMs: H });
    pqPath = join(dir, 'btc_1h.parquet');
    writeFileSync(pqPath, candleParquet(fromCsv));
  });

  it('gives the CSV reader columns bit for bit, gaps included (58,419 rows, 28 gaps as in PROVENANCE.md)', async () => {
    const fromPq = await readCandleParquet(pqPath, { timeframeMs: H });
    assert.equal(fromPq.rows, 58_419);
    assert.equal(fromPq.gaps.length, 28);
    sameColumns(fromPq, fromCsv);
    assert.deepEqual(fromPq.issues, []);
  });

  it('applies start and end as the CSV reader does', async () => {
    const options: CandleReadOptions = { timeframeMs: H, start: Date.parse('2020-03-01T00:00:00Z'), end: Date.parse('2020-04-01T00:00:00Z') };
    const fromPq = await readCandleParquet(pqPath, options);
    sameColumns(fromPq, await readCandleCsv(csvPath, options));
    assert.ok(fromPq.rows > 700 && fromPq.time[0] === options.start && fromPq.time[fromPq.rows - 1] === options.end! - H);
  });

  it('load rates of Parquet, plain CSV and CSV.gz on the same rows (printed as a diagnostic)', async (t) => {
    const plain = join(dir, 'btc_1h.csv');
    writeFileSync(plain, gunzipSync(readFileSync(csvPath)));
    const best = async (fn: () => Promise<unknown>) => {
      let ms = Infinity;
      for (let k = 0; k < 5; k++) {
        const t0 = performance.now();
        await fn();
        ms = Math.min(ms, performance.now() - t0);
      }
      return ms;
    };
    const rate = (ms: number) => `${((58_419 / ms) * 1000 / 1e6).toFixed(2)} M rows/s (${ms.toFixed(1)} ms)`;
    const rowsOf = async (read: Promise<CandleColumns>) => assert.equal((await read).rows, 58_419);
    const pq = await best(() => rowsOf(readCandleParquet(pqPath, { timeframeMs: H })));
    const csv = await best(() => rowsOf(readCandleCsv(plain, { timeframeMs: H })));
    const gz = await best(() => rowsOf(readCandleCsv(csvPath, { timeframeMs: H })));
    t.diagnostic(`58,419 rows, best of 5: Parquet ${rate(pq)}; plain CSV ${rate(csv)}; CSV.gz ${rate(gz)}; file sizes: Parquet ${readFileSync(pqPath).length} B, CSV.gz ${readFileSync(csvPath).length} B`);
  });
});

describe('readCandleParquet: columns', () => {
  it('finds the columns by name in any order and case, an alias for time, extra columns ignored, and plain INT64 or DOUBLE times', async () => {
    const rows = [good(0), good(1), good(3)];
    const col = (j: number) => rows.map((r) => r[j]);
    const expected = await readCandleCsv(csvFile('cols.csv', rows), { timeframeMs: H });
    const shuffled = parquetFile('shuffled.parquet', [
      { name: 'Volume', type: 'DOUBLE', data: col(5) },
      { name: 'symbol', type: 'BYTE_ARRAY', data: rows.map(() => 'BTCUSDT') },
      { name: 'CLOSE', type: 'DOUBLE', data: col(4) },
      { name: 'open_time', type: 'INT64', data: rows.map((r) => BigInt(r[0])) },
      { name: 'low', type: 'DOUBLE', data: col(3) },
      { name: 'high', type: 'FLOAT', data: col(2) }, // small whole numbers: exact in FLOAT
      { name: 'open', type: 'INT32', data: col(1) },
    ]);
    sameColumns(await readCandleParquet(shuffled, { timeframeMs: H }), expected);
    const doubleTime = parquetFile('doubletime.parquet', [
      { name: 'time', type: 'DOUBLE', data: col(0) },
      ...['open', 'high', 'low', 'close', 'volume'].map((name, j): Column => ({ name, type: 'DOUBLE', data: col(j + 1) })),
    ]);
    const read = await readCandleParquet(doubleTime, { timeframeMs: H });
    sameColumns(read, expected);
    assert.deepEqual(read.gaps, [{ from: T0 + H, to: T0 + 3 * H, missingBars: 1 }]);
  });

  it('a missing column: the columns found and expected, as for CSV', async () => {
    const rows = [good(0), good(1)];
    const path = parquetFile('novolume.parquet', [
      { name: 'time', type: 'INT64', timestamp: true, data: rows.map((r) => BigInt(r[0])) },
      ...['open', 'high', 'low', 'close'].map((name, j): Column => ({ name, type: 'DOUBLE', data: rows.map((r) => r[j + 1]) })),
    ]);
    const e = await thrown(() => readCandleParquet(path, { timeframeMs: H }));
    assert.equal(e.kind, 'missing-column');
    assert.equal(
      e.message,
      `${path}: missing column volume; found columns: time, open, high, low, close; expected: time (or timestamp, open_time, date), open, high, low, close, volume (case-insensitive, any order, extra columns ignored). Rename the Parquet columns to match`,
    );
    const csv = join(dir, 'novolume.csv');
    writeFileSync(csv, `time,open,high,low,close\n${rows.map((r) => r.slice(0, 5).join(',')).join('\n')}\n`);
    const csvError = await thrown(() => readCandleCsv(csv, { timeframeMs: H }));
    assert.equal(csvError.kind, e.kind);
    const upToFix = (m: string, file: string) => m.slice(m.indexOf(file) + file.length).replace(/^:\d+/, '').split(' (case-insensitive')[0];
    assert.equal(upToFix(csvError.message, csv), upToFix(e.message, path));
  });

  it('a column of the wrong type: its name and type, and the types expected', async () => {
    const rows = [good(0), good(1)];
    const path = parquetFile('textclose.parquet', [
      { name: 'time', type: 'INT64', timestamp: true, data: rows.map((r) => BigInt(r[0])) },
      ...['open', 'high', 'low'].map((name, j): Column => ({ name, type: 'DOUBLE', data: rows.map((r) => r[j + 1]) })),
      { name: 'close', type: 'BYTE_ARRAY', data: rows.map((r) => String(r[4])) },
      { name: 'volume', type: 'DOUBLE', data: rows.map((r) => r[5]) },
    ]);
    const e = await thrown(() => readCandleParquet(path, { timeframeMs: H }));
    assert.equal(e.kind, 'column-type');
    assert.equal(e.message, `${path}: column close (close) is BYTE_ARRAY (STRING); expected a number: DOUBLE, FLOAT, INT32, INT64 or DECIMAL. Write the close column as one of these`);
  });
});

describe('readCandleParquet: bad rows, as the CSV reader reports them (row N = CSV line N + 1)', () => {
  /** The CSV reader's message for the same rows, its `file:LINE:` and `line N` turned into `file: row N-1:` and `row N-1`. */
  async function csvMessageAsRows(name: string, rows: number[][], options: CandleReadOptions): Promise<{ kind: string; message: string }> {
    const path = csvFile(`${name}.csv`, rows);
    const e = await thrown(() => readCandleCsv(path, options));
    const pq = join(dir, `${name}.parquet`);
    const message = e.message
      .replace(`${path}:${e.line}:`, `${pq}: row ${e.line - 1}:`)
      .replace(/\bline (\d+)/g, (_m, n: string) => `row ${Number(n) - 1}`);
    return { kind: e.kind, message };
  }

  it('out-of-order times', async () => {
    const rows = [good(0), good(2), good(1)];
    const path = candleFile('order.parquet', rows);
    const e = await thrown(() => readCandleParquet(path, { timeframeMs: H }));
    assert.equal(e.kind, 'out-of-order');
    assert.equal(e.line, 3);
    assert.equal(
      e.message,
      `${path}: row 3: time 2024-01-01T01:00:00.000Z goes backwards (row 2 has 2024-01-01T02:00:00.000Z); rows must have strictly increasing times. Sort the file by time or set onBadRow: skip`,
    );
    assert.deepEqual({ kind: e.kind, message: e.message }, await csvMessageAsRows('order', rows, { timeframeMs: H }));
  });

  it('a NaN close', async () => {
    const rows = [good(0), good(1), [T0 + 2 * H, 102, 104, 100, NaN, 7]];
    const path = candleFile('nan.parquet', rows);
    const e = await thrown(() => readCandleParquet(path, { timeframeMs: H }));
    assert.equal(e.kind, 'nan');
    assert.equal(e.message, `${path}: row 3: close is "NaN"; expected a finite number. Fix or remove the row or set onBadRow: skip`);
    assert.deepEqual({ kind: e.kind, message: e.message }, await csvMessageAsRows('nan', rows, { timeframeMs: H }));
  });

  it('a duplicate, a negative volume and an impossible candle under onBadRow skip: dropped, listed by row', async () => {
    const rows = [good(0), good(1), good(1), good(2), good(3), good(4)];
    rows[3][5] = -1;
    rows[4][2] = 90; // high below low
    const path = candleFile('skip.parquet', rows);
    const read = await readCandleParquet(path, { timeframeMs: H, onBadRow: 'skip' });
    assert.deepEqual(Array.from(read.time), [T0, T0 + H, T0 + 4 * H]);
    assert.deepEqual(read.gaps, [{ from: T0 + H, to: T0 + 4 * H, missingBars: 2 }]);
    assert.deepEqual(
      read.issues.map((i) => [i.line, i.kind, i.message]),
      [
        [3, 'duplicate', 'duplicate time 2024-01-01T01:00:00.000Z (also on row 2); rows must have strictly increasing times'],
        [4, 'negative-volume', 'volume is -1; expected volume >= 0 (zero is valid)'],
        [5, 'impossible-candle', 'impossible candle: high 90 is below low 101; expected low <= open, close <= high'],
      ],
    );
  });

  it('a null in an optional column is a malformed row; plain INT64 epoch seconds are refused whatever the policy', async () => {
    const rows = [good(0), good(1), good(2)];
    const nullPath = parquetFile('null.parquet', [
      { name: 'time', type: 'INT64', data: rows.map((r) => BigInt(r[0])) },
      ...['open', 'high', 'low', 'close'].map((name, j): Column => ({ name, type: 'DOUBLE', data: rows.map((r) => r[j + 1]) })),
      { name: 'volume', type: 'DOUBLE', optional: true, data: [5, null, 7] },
    ]);
    const e = await thrown(() => readCandleParquet(nullPath, { timeframeMs: H }));
    assert.equal(e.kind, 'malformed');
    assert.equal(e.message, `${nullPath}: row 2: volume is null (a missing value); expected a number. Fix or remove the row or set onBadRow: skip`);
    const skipped = await readCandleParquet(nullPath, { timeframeMs: H, onBadRow: 'skip' });
    assert.deepEqual(Array.from(skipped.volume), [5, 7]);

    const seconds = parquetFile('seconds.parquet', [
      { name: 'time', type: 'INT64', data: rows.map((r) => BigInt(r[0] / 1000)) },
      ...['open', 'high', 'low', 'close', 'volume'].map((name, j): Column => ({ name, type: 'DOUBLE', data: rows.map((r) => r[j + 1]) })),
    ]);
    const s = await thrown(() => readCandleParquet(seconds, { timeframeMs: H, onBadRow: 'skip' }));
    assert.equal(s.kind, 'epoch-seconds');
    assert.match(s.message, /: row 1: time 1704067200 looks like epoch seconds/);
  });

  it('a timeframe that does not fit the rows stops the read, as for CSV', async () => {
    const rows = [good(0), good(1)];
    const path = candleFile('tf.parquet', rows);
    const e = await thrown(() => readCandleParquet(path, { timeframeMs: 4 * H }));
    assert.equal(e.kind, 'timeframe');
    assert.deepEqual({ kind: e.kind, message: e.message }, await csvMessageAsRows('tf', rows, { timeframeMs: 4 * H }));
  });
});

describe('readCandleParquet: a file of many row groups (read one group at a time)', () => {
  const n = 350;
  const rows = Array.from({ length: n }, (_, i) => good(i));
  const columnsOf = (volume: (number | null)[]): Column[] => [
    { name: 'time', type: 'INT64', timestamp: true, data: rows.map((r) => BigInt(r[0])) },
    ...['open', 'high', 'low', 'close'].map((name, j): Column => ({ name, type: 'DOUBLE', data: rows.map((r) => r[j + 1]) })),
    { name: 'volume', type: 'DOUBLE', optional: true, data: volume },
  ];
  const groupsOf = (path: string) => parquetMetadata(new Uint8Array(readFileSync(path)).buffer).row_groups.map((g) => Number(g.num_rows));

  it('gives the columns of the same rows in one group', async () => {
    const many = parquetFile('groups.parquet', columnsOf(rows.map((r) => r[5])), 100);
    const one = parquetFile('onegroup.parquet', columnsOf(rows.map((r) => r[5])));
    assert.deepEqual(groupsOf(many), [100, 100, 100, 50]);
    assert.deepEqual(groupsOf(one), [n]);
    const read = await readCandleParquet(many, { timeframeMs: H });
    assert.equal(read.rows, n);
    assert.deepEqual(Array.from(read.time), rows.map((r) => r[0]));
    assert.deepEqual(Array.from(read.volume), rows.map((r) => r[5]));
    sameColumns(read, await readCandleParquet(one, { timeframeMs: H }));
  });

  it('numbers rows across groups, and a null in one group does not mark the same place in the next', async () => {
    // Row 51 (group 1, place 50): a null volume; row 151 (group 2, place 50): a NaN volume, not a null.
    const volume: (number | null)[] = rows.map((r) => r[5]);
    volume[50] = null;
    volume[150] = NaN;
    const path = parquetFile('groupsbad.parquet', columnsOf(volume), 100);
    const read = await readCandleParquet(path, { timeframeMs: H, onBadRow: 'skip' });
    assert.deepEqual(
      read.issues.map((i) => [i.line, i.kind, i.message]),
      [
        [51, 'malformed', 'volume is null (a missing value); expected a number'],
        [151, 'nan', 'volume is "NaN"; expected a finite number'],
      ],
    );
    assert.equal(read.rows, n - 2);
    const e = await thrown(() => readCandleParquet(path, { timeframeMs: H }));
    assert.equal(e.message, `${path}: row 51: volume is null (a missing value); expected a number. Fix or remove the row or set onBadRow: skip`);
  });
});

describe('readCandleParquet: files that are not complete Parquet', () => {
  it('a truncated file: a clear error naming the file', async () => {
    const path = candleFile('cut.parquet', [good(0), good(1), good(2)]);
    truncateSync(path, Math.floor(readFileSync(path).length / 2));
    const e = await thrown(() => readCandleParquet(path, { timeframeMs: H }));
    assert.equal(e.kind, 'parquet');
    assert.ok(e.message.startsWith(`${path}: is not a readable Parquet file (`), e.message);
    assert.match(e.message, /Is it complete\? Download or write it again$/);
  });

  it('more rows than the size limit allows as columns: too-large, before decoding', async () => {
    const path = candleFile('big.parquet', Array.from({ length: 4096 }, (_, i) => [T0 + i * H, 100, 100, 100, 100, 1]));
    const size = readFileSync(path).length;
    assert.ok(size < 4096 * 48, `the file (${size} bytes) is smaller than its columns`);
    const e = await thrown(() => readCandleParquet(path, { timeframeMs: H, maxBytes: size }));
    assert.equal(e.kind, 'too-large');
    assert.match(e.message, /: has 4,096 rows, 192 KiB as columns, over the [\d.]+ KiB limit for a data file/);
  });

  it('a CSV named .parquet is refused the same way', async () => {
    const path = join(dir, 'csv.parquet');
    writeFileSync(path, 'time,open,high,low,close,volume\n');
    const e = await thrown(() => readCandleParquet(path, { timeframeMs: H }));
    assert.equal(e.kind, 'parquet');
  });
});
