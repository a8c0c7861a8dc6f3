import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { dataFile } from '../testing/dataFile.js';
import { parquetMetadata, parquetReadObjects, parquetSchema } from 'hyparquet';
import { candleFileFormat, defaultCandleFileName, downloadCandles, ExchangeRejection, parseTimeframe } from './downloadCandles.js';

const SOURCE = 'btcusdt_1h_binance_2017-08_2024-04.csv.gz';
const HOUR = 3_600_000;
const FROM = Date.parse('2017-08-17T00:00:00Z');
const TO = Date.parse('2018-03-01T00:00:00Z');

/** Rows of the real file: open time and the five number fields as text. */
const sourceRows = gunzipSync(readFileSync(dataFile(SOURCE)))
  .toString('utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => {
    const f = line.split(',');
    return { time: Number(f[0]), fields: f.slice(1) };
  });

/** The source rows in [from, to) as the downloader should write them (numbers normalised with String(Number())). */
function expectedCsv(from: number, to: number): string {
  const rows = sourceRows.filter((r) => r.time >= from && r.time < to);
  return ['time,open,high,low,close,volume', ...rows.map((r) => [String(r.time), ...r.fields.map((x) => String(Number(x)))].join(','))].join('\n') + '\n';
}

/** A Binance kline as the exchange formats it: strings with 8 decimals, close time, trade fields. */
function kline(r: { time: number; fields: string[] }): unknown[] {
  const [o, h, l, c, v] = r.fields.map((x) => Number(x).toFixed(8));
  return [r.time, o, h, l, c, v, r.time + HOUR - 1, '0.00000000', 0, '0.00000000', '0.00000000', '0'];
}

function answerKlines(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  if (url.pathname !== '/api/v3/klines') return json(404, { code: -1, msg: 'not found' });
  const q = url.searchParams;
  if (q.get('symbol') !== 'BTCUSDT') return json(400, { code: -1121, msg: 'Invalid symbol.' });
  if (q.get('interval') !== '1h') return json(400, { code: -1120, msg: 'Invalid interval.' });
  const limit = q.has('limit') ? Number(q.get('limit')) : 500;
  if (!(limit >= 1 && limit <= 1000)) return json(400, { code: -1100, msg: 'Illegal characters found in parameter limit' });
  const start = q.has('startTime') ? Number(q.get('startTime')) : -Infinity;
  const end = q.has('endTime') ? Number(q.get('endTime')) : Infinity;
  const out: unknown[] = [];
  for (const r of sourceRows) {
    if (r.time < start || r.time > end) continue;
    out.push(kline(r));
    if (out.length >= limit) break;
  }
  json(200, out);
}

/**
 * A local stand-in for api.binance.com. `fault(n, req, res)` sees every request (n = 1, 2, ...) and
 * returns true when it answered it itself; otherwise the request gets real klines.
 */
type Fault = (n: number, req: IncomingMessage, res: ServerResponse) => boolean;
const servers: Server[] = [];
async function startServer(fault?: Fault): Promise<{ url: string; count: () => number; urls: string[] }> {
  let n = 0;
  const urls: string[] = [];
  const server = createServer((req, res) => {
    n++;
    urls.push(req.url ?? '');
    if (fault?.(n, req, res)) return;
    answerKlines(req, res);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, count: () => n, urls };
}

const tmpDirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'hean-download-'));
  tmpDirs.push(d);
  return d;
}

after(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }
  for (const d of tmpDirs) rmSync(d, { recursive: true, force: true });
});

const base = { exchange: 'binance' as const, symbol: 'btcusdt', timeframe: '1h', retryDelayMs: 1 };

describe('downloadCandles against a local server serving the real BTCUSDT 1h file', () => {
  let reference: string; // the uninterrupted download, gunzipped

  test('downloads several pages; output equals the source rows, gaps as in PROVENANCE.md, progress increasing', async () => {
    const server = await startServer();
    const dir = tempDir();
    const progress: [number, number][] = [];
    const result = await downloadCandles({ ...base, from: FROM, to: TO, dir, baseUrl: server.url, onProgress: (d, t) => progress.push([d, t]) });

    assert.equal(result.file, join(dir, 'btcusdt_1h_binance_2017-08_2018-02.csv.gz'));
    reference = gunzipSync(readFileSync(result.file)).toString('utf8');
    const expected = expectedCsv(FROM, TO);
    assert.equal(reference, expected);
    const rows = expected.trim().split('\n').length - 1;
    assert.equal(result.rows, rows);
    assert.equal(result.rows, 4_660); // 196 days x 24 h, less the 4 h before the listing, less 40 missing
    assert.equal(result.requests, 5); // 4 full pages of 1000, then 660 bars ending at `to`
    assert.equal(result.resumedFrom, undefined);
    assert.ok(server.urls.every((u) => /limit=1000/.test(u) && /symbol=BTCUSDT/.test(u) && /interval=1h/.test(u)));

    const iso = (s: string) => Date.parse(s);
    assert.deepEqual(result.gaps, [
      { from: iso('2017-09-06T16:00:00Z'), to: iso('2017-09-06T23:00:00Z'), missingBars: 6 },
      { from: iso('2018-01-04T03:00:00Z'), to: iso('2018-01-04T05:00:00Z'), missingBars: 1 },
      { from: iso('2018-02-08T00:00:00Z'), to: iso('2018-02-09T10:00:00Z'), missingBars: 33 },
    ]);

    assert.ok(progress.length >= 5);
    for (let i = 1; i < progress.length; i++) assert.ok(progress[i][0] >= progress[i - 1][0], `done went down at call ${i}`);
    assert.deepEqual(progress.at(-1), [rows, rows]);
    for (const [d, t] of progress) assert.ok(d <= t);
    assert.deepEqual(readdirSync(dir), ['btcusdt_1h_binance_2017-08_2018-02.csv.gz'], 'no .partial or temp file left');
  });

  test('HTTP 500 forever after 2 pages: rejects clearly, keeps a .partial; a healthy re-run resumes to the identical file', async () => {
    const failing = await startServer((n, _req, res) => {
      if (n <= 2) return false;
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end('{"code":-1001,"msg":"Internal error; unable to process your request. Please try again."}');
      return true;
    });
    const dir = tempDir();
    const opts = { ...base, from: FROM, to: TO, dir };
    const file = join(dir, defaultCandleFileName('BTCUSDT', '1h', FROM, TO));
    await assert.rejects(downloadCandles({ ...opts, baseUrl: failing.url }), (e: Error) => {
      assert.match(e.message, /failed 5 times/);
      assert.match(e.message, /HTTP 500/);
      assert.match(e.message, /Internal error/);
      assert.match(e.message, /\/api\/v3\/klines\?symbol=BTCUSDT&interval=1h&startTime=\d+/);
      assert.match(e.message, /2,000 bars are saved in .*\.partial/);
      assert.match(e.message, /re-running the same command resumes/);
      return true;
    });
    assert.equal(failing.count(), 2 + 5);
    assert.ok(existsSync(`${file}.partial`));
    assert.ok(!existsSync(file));
    const partialLines = readFileSync(`${file}.partial`, 'utf8').trim().split('\n');
    assert.equal(partialLines.length, 1 + 2000);
    const lastSaved = Number(partialLines.at(-1)!.split(',')[0]);

    const healthy = await startServer();
    const result = await downloadCandles({ ...opts, baseUrl: healthy.url });
    assert.equal(result.resumedFrom, lastSaved + HOUR);
    assert.equal(result.requests, 1 + 3, 'a probe before the first saved bar (the listing), then the 3 pages not yet saved');
    assert.equal(result.rows, 4_660);
    assert.equal(result.gaps.length, 3, 'gaps before the resume point are still reported');
    assert.equal(gunzipSync(readFileSync(result.file)).toString('utf8'), reference);
    assert.ok(!existsSync(`${file}.partial`));
  });

  test('dropped connections after 3 pages, then a torn last line: the re-run cuts it and still matches', async () => {
    const dropping = await startServer((n, req) => {
      if (n <= 3) return false;
      req.socket.destroy();
      return true;
    });
    const dir = tempDir();
    const out = join(dir, 'sub', 'btc.csv.gz');
    const opts = { ...base, from: FROM, to: TO, dir, out };
    await assert.rejects(downloadCandles({ ...opts, baseUrl: dropping.url }), /failed 5 times[\s\S]*re-running the same command resumes/);
    const partial = `${out}.partial`;
    const saved = readFileSync(partial, 'utf8').trim().split('\n');
    assert.equal(saved.length, 1 + 3000);
    appendFileSync(partial, '1513382400000,17500.1,176'); // a write cut off mid-row

    const healthy = await startServer();
    const result = await downloadCandles({ ...opts, baseUrl: healthy.url });
    assert.equal(result.file, out);
    assert.equal(result.resumedFrom, Number(saved.at(-1)!.split(',')[0]) + HOUR);
    assert.equal(gunzipSync(readFileSync(out)).toString('utf8'), reference);
  });

  test('a partial from another --from in the same month is not reused', async () => {
    const server = await startServer();
    const dir = tempDir();
    const laterFrom = Date.parse('2017-08-20T00:00:00Z');
    const to = Date.parse('2017-09-01T00:00:00Z');
    const file = join(dir, defaultCandleFileName('BTCUSDT', '1h', FROM, to));
    assert.equal(file, join(dir, defaultCandleFileName('BTCUSDT', '1h', laterFrom, to)));
    writeFileSync(`${file}.partial`, expectedCsv(laterFrom, Date.parse('2017-08-25T00:00:00Z')));
    const result = await downloadCandles({ ...base, from: FROM, to, dir, baseUrl: server.url });
    assert.equal(result.resumedFrom, undefined);
    assert.equal(gunzipSync(readFileSync(file)).toString('utf8'), expectedCsv(FROM, to));
  });

  test('a 429 with Retry-After: 0 is retried and succeeds', async () => {
    const server = await startServer((n, _req, res) => {
      if (n !== 1) return false;
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '0' });
      res.end('{"code":-1003,"msg":"Too many requests."}');
      return true;
    });
    const dir = tempDir();
    const from = Date.parse('2018-01-01T00:00:00Z');
    const to = Date.parse('2018-01-08T00:00:00Z');
    // a large base delay: only honouring Retry-After: 0 lets this finish quickly
    const started = Date.now();
    const result = await downloadCandles({ ...base, retryDelayMs: 60_000, from, to, dir, baseUrl: server.url });
    assert.ok(Date.now() - started < 10_000);
    assert.equal(result.requests, 2);
    assert.equal(result.rows, 7 * 24 - 1); // 2018-01-04T04:00 is missing
    assert.equal(gunzipSync(readFileSync(result.file)).toString('utf8'), expectedCsv(from, to));
  });

  test("a 400 gives Binance's msg and leaves nothing behind", async () => {
    const server = await startServer();
    const dir = tempDir();
    await assert.rejects(
      downloadCandles({ ...base, symbol: 'NOSUCHPAIR', from: FROM, to: TO, dir, baseUrl: server.url }),
      (e: Error) => /Invalid symbol/.test(e.message) && /HTTP 400/.test(e.message) && /code -1121/.test(e.message),
    );
    assert.equal(server.count(), 1, '4xx is not retried');
    assert.deepEqual(readdirSync(dir), []);
  });

  test('an invalid symbol is an ExchangeRejection with status 400 (a usage error for the CLI) that says to check the symbol', async () => {
    const server = await startServer();
    const dir = tempDir();
    await assert.rejects(downloadCandles({ ...base, symbol: 'BTCUSDX', from: FROM, to: TO, dir, baseUrl: server.url }), (e: Error) => {
      assert.ok(e instanceof ExchangeRejection, `expected an ExchangeRejection, got ${e.name}`);
      assert.equal(e.status, 400);
      assert.match(e.message, /Invalid symbol\. \(code -1121\); "BTCUSDX" is not a Binance spot symbol: check its spelling/);
      return true;
    });
  });

  test('failing before the first bar: the message names no .partial (none is left) and says to run again', async () => {
    const failing = await startServer((_n, _req, res) => {
      res.writeHead(503, { 'content-type': 'text/plain' });
      res.end('down for maintenance');
      return true;
    });
    const dir = tempDir();
    await assert.rejects(downloadCandles({ ...base, from: FROM, to: TO, dir, baseUrl: failing.url }), (e: Error) => {
      assert.match(e.message, /failed 5 times \(last: HTTP 503/);
      assert.ok(!e.message.includes('.partial'), e.message);
      assert.match(e.message, /No bar was saved; run the same command again once the exchange answers\.$/);
      return true;
    });
    assert.deepEqual(readdirSync(dir), [], 'nothing left behind');
  });

  test('an output path without .gz is written as plain CSV', async () => {
    const server = await startServer();
    const dir = tempDir();
    const from = Date.parse('2018-02-07T00:00:00Z');
    const to = Date.parse('2018-02-10T00:00:00Z');
    const out = join(dir, 'plain.csv');
    const result = await downloadCandles({ ...base, from, to, dir, out, baseUrl: server.url });
    assert.equal(readFileSync(out, 'utf8'), expectedCsv(from, to));
    assert.deepEqual(result.gaps, [{ from: Date.parse('2018-02-08T00:00:00Z'), to: Date.parse('2018-02-09T10:00:00Z'), missingBars: 33 }]);
  });

  test('format parquet: the same rows as the CSV, time INT64 TIMESTAMP(MILLIS) and DOUBLE prices, a .parquet name', async () => {
    const server = await startServer();
    const dir = tempDir();
    const from = Date.parse('2018-02-07T00:00:00Z');
    const to = Date.parse('2018-02-10T00:00:00Z');
    const result = await downloadCandles({ ...base, from, to, dir, format: 'parquet', baseUrl: server.url });
    assert.equal(result.file, join(dir, 'btcusdt_1h_binance_2018-02_2018-02.parquet'));
    assert.deepEqual(readdirSync(dir), ['btcusdt_1h_binance_2018-02_2018-02.parquet'], 'no .partial or temp file left');

    const bytes = readFileSync(result.file);
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    const fields = parquetSchema(parquetMetadata(buffer)).children.map((c) => c.element);
    assert.deepEqual(
      fields.map((f) => [f.name, f.type, f.logical_type?.type ?? '']),
      [['time', 'INT64', 'TIMESTAMP'], ['open', 'DOUBLE', ''], ['high', 'DOUBLE', ''], ['low', 'DOUBLE', ''], ['close', 'DOUBLE', ''], ['volume', 'DOUBLE', '']],
    );
    // Read by hyparquet itself (times as Date objects): the source rows, numbers as Number() of the text.
    const rows = await parquetReadObjects({ file: buffer });
    const expected = sourceRows.filter((r) => r.time >= from && r.time < to);
    assert.equal(rows.length, expected.length);
    assert.equal(result.rows, expected.length);
    rows.forEach((row, i) => {
      assert.equal((row.time as Date).getTime(), expected[i].time);
      assert.deepEqual([row.open, row.high, row.low, row.close, row.volume], expected[i].fields.map(Number));
    });
  });

  test('--out FILE.parquet chooses Parquet; a format that contradicts the name is refused before any request', async () => {
    assert.equal(candleFileFormat(undefined, 'x.parquet'), 'parquet');
    assert.equal(candleFileFormat(undefined, 'x.csv.gz'), 'csv');
    assert.equal(candleFileFormat(undefined, undefined), 'csv');
    assert.equal(candleFileFormat('parquet', undefined), 'parquet');
    assert.throws(() => candleFileFormat('parquet', 'x.csv.gz'), /output file x\.csv\.gz does not end in \.parquet but the format is parquet/);
    assert.throws(() => candleFileFormat('csv', 'x.parquet'), /output file x\.parquet ends in \.parquet but the format is csv/);
    assert.throws(() => candleFileFormat('xlsx', undefined), /format "xlsx" is not one; expected csv or parquet/);
    const server = await startServer();
    const dir = tempDir();
    await assert.rejects(downloadCandles({ ...base, from: FROM, to: TO, dir, out: join(dir, 'a.csv'), format: 'parquet', baseUrl: server.url }), /does not end in \.parquet/);
    assert.equal(server.count(), 0);
  });
});

describe('names and timeframes', () => {
  test("defaultCandleFileName for the shared file's range gives the shared file's name", () => {
    const first = sourceRows[0].time;
    const last = sourceRows.at(-1)!.time;
    assert.equal(new Date(first).toISOString(), '2017-08-17T04:00:00.000Z');
    assert.equal(defaultCandleFileName('BTCUSDT', '1h', first, last + HOUR), SOURCE);
    // the CLI's suggested command (--from 2017-08-01 --to 2024-05-01) names the same file
    assert.equal(defaultCandleFileName('btcusdt', '1h', Date.parse('2017-08-01T00:00:00Z'), Date.parse('2024-05-01T00:00:00Z')), SOURCE);
    assert.equal(defaultCandleFileName('BTCUSDT', '1d', Date.parse('2024-01-01T00:00:00Z'), Date.parse('2024-02-01T00:00:00Z')), 'btcusdt_1d_binance_2024-01_2024-01.csv.gz');
    assert.equal(defaultCandleFileName('BTCUSDT', '1d', Date.parse('2024-01-01T00:00:00Z'), Date.parse('2024-02-01T00:00:00Z'), 'parquet'), 'btcusdt_1d_binance_2024-01_2024-01.parquet');
  });

  test('parseTimeframe', () => {
    assert.equal(parseTimeframe('1m'), 60_000);
    assert.equal(parseTimeframe('15m'), 900_000);
    assert.equal(parseTimeframe('4h'), 4 * HOUR);
    assert.equal(parseTimeframe('1d'), 24 * HOUR);
    for (const bad of ['1H', '7m', '1w', '', 'toString']) {
      assert.throws(() => parseTimeframe(bad), /accepted: 1m, 3m, 5m, 15m, 30m, 1h, 2h, 4h, 6h, 8h, 12h, 1d/);
    }
  });
});
