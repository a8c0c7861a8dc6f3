/**
 * Property-based fuzzing of the candle file readers (fast-check, fixed seeds), beside the
 * compiler's (compilerFuzz.test.ts). Inputs: random bytes; real rows (the first 200 of the 1h
 * BTCUSDT file, as CSV and as JSON lines) mutated byte- and line-wise (NUL, CR, 0xff, ESC and
 * bidi characters, quotes, NaN, deleted and duplicated and swapped lines, lines at and over the
 * line limit, CR-only line ends); each plain, gzipped, gzipped and cut short, or gzipped with a
 * flipped byte; read with every bad-row policy and two timeframes under a 1 MiB limit.
 *
 * Properties of every read: it resolves with well-formed columns (increasing times, positive
 * prices, no NaN), or rejects with the reader's own error (a DataError, or for JSON lines the
 * candle checker's `FILE line N: ...`) that names the file, is one printable line and is short.
 * Never a TypeError, RangeError or a message that echoes the file. On a failure fast-check prints
 * the seed and the shrunk input: fix the reader, never the property.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { DataError, MAX_LINE_BYTES, readCandleCsv } from '../runtime/adapters/file/readCandleCsv.js';
import { readCandleJsonl } from '../runtime/adapters/file/readCandleJsonl.js';
import { dataFile } from '../runtime/testing/dataFile.js';

const H = 3_600_000;
const LIMIT = 1 << 20;
const dir = mkdtempSync(join(tmpdir(), 'hean-readerFuzz-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

const realLines = gunzipSync(readFileSync(dataFile('btcusdt_1h_binance_2017-08_2024-04.csv.gz'))).toString('utf8').split('\n').slice(0, 201);
const csvBase = Buffer.from(realLines.join('\n') + '\n');
const jsonlBase = Buffer.from(
  realLines
    .slice(1)
    .map((line) => {
      const [time, open, high, low, close, volume] = line.split(',').map(Number);
      return JSON.stringify({ time, open, high, low, close, volume });
    })
    .join('\n') + '\n',
);

type Op =
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'special'; at: number; text: string }
  | { kind: 'delete'; at: number; len: number }
  | { kind: 'dupLine'; at: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'swapLines'; a: number; b: number }
  | { kind: 'hugeLine'; at: number; len: number }
  | { kind: 'crOnly' };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
  fc.record({
    kind: fc.constant('special' as const),
    at: fc.nat(),
    text: fc.constantFrom('\r', '\n', '\r\n', '\u0000', '\xff', '\u202e', '\u001b[2J', ',', '"', 'NaN', 'inf', '-', '.', 'e9', '1e400', '0x1f', '\ufeff', ' ', '\t', '{', '}', ':', 'null', '2024-01-01T00:00:00Z'),
  }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 64 }) }),
  fc.record({ kind: fc.constant('dupLine' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('swapLines' as const), a: fc.nat(), b: fc.nat() }),
  fc.record({ kind: fc.constant('hugeLine' as const), at: fc.nat(), len: fc.integer({ min: MAX_LINE_BYTES - 4, max: MAX_LINE_BYTES + 4 }) }),
  fc.record({ kind: fc.constant('crOnly' as const) }),
);

function splitLines(b: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let start = 0;
  for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, start)) {
    out.push(b.subarray(start, i + 1));
    start = i + 1;
  }
  if (start < b.length) out.push(b.subarray(start));
  return out;
}

function apply(base: Buffer, ops: Op[]): Buffer {
  let b = base;
  for (const o of ops) {
    const n = Math.max(1, b.length);
    switch (o.kind) {
      case 'insert':
      case 'special':
      case 'hugeLine': {
        const at = o.at % n;
        const piece = o.kind === 'insert' ? Buffer.from(o.bytes) : o.kind === 'special' ? Buffer.from(o.text, o.text === '\xff' ? 'latin1' : 'utf8') : Buffer.alloc(o.len, '9');
        b = Buffer.concat([b.subarray(0, at), piece, b.subarray(at)]);
        break;
      }
      case 'delete': {
        const at = o.at % n;
        b = Buffer.concat([b.subarray(0, at), b.subarray(at + o.len)]);
        break;
      }
      case 'truncate':
        b = b.subarray(0, o.at % n);
        break;
      case 'dupLine':
      case 'swapLines': {
        const lines = splitLines(b);
        if (lines.length === 0) break;
        if (o.kind === 'dupLine') {
          const i = o.at % lines.length;
          lines.splice(i, 0, lines[i]);
        } else {
          const i = o.a % lines.length;
          const j = o.b % lines.length;
          [lines[i], lines[j]] = [lines[j], lines[i]];
        }
        b = Buffer.concat(lines);
        break;
      }
      case 'crOnly':
        b = Buffer.from(b.toString('latin1').replace(/\r?\n/g, '\r'), 'latin1');
        break;
    }
  }
  return b;
}

type Wrap = { kind: 'plain' } | { kind: 'gzip' } | { kind: 'gzip-cut'; at: number } | { kind: 'gzip-flip'; at: number; bit: number };
const wrap: fc.Arbitrary<Wrap> = fc.oneof(
  { weight: 4, arbitrary: fc.constant({ kind: 'plain' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'gzip' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('gzip-cut' as const), at: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('gzip-flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }) },
);

function wrapped(content: Buffer, w: Wrap): Buffer {
  if (w.kind === 'plain') return content;
  const gz = gzipSync(content);
  if (w.kind === 'gzip') return gz;
  if (w.kind === 'gzip-cut') return gz.subarray(0, w.at % gz.length);
  const flipped = Buffer.from(gz);
  const at = 10 + (w.at % Math.max(1, gz.length - 10)); // past the header: the deflate stream or the trailer
  if (at < flipped.length) flipped[at] ^= 1 << w.bit;
  return flipped;
}

/** Content: random bytes, the real rows mutated, or (rarely) more than the limit once decompressed. */
function content(base: Buffer): fc.Arbitrary<Buffer> {
  return fc.oneof(
    { weight: 2, arbitrary: fc.uint8Array({ maxLength: 2048 }).map((a) => Buffer.from(a)) },
    { weight: 8, arbitrary: fc.array(op, { minLength: 0, maxLength: 6 }).map((ops) => apply(base, ops)) },
    { weight: 1, arbitrary: fc.constant(Buffer.concat(Array.from({ length: Math.ceil((LIMIT + 1) / base.length) }, () => base))) },
  );
}

const PLAIN_LINE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
let runs = 0;
let resolved = 0;
const kinds = new Map<string, number>();

function checkRejection(e: unknown, path: string, jsonl: boolean): void {
  assert.ok(e instanceof Error, `threw a non-Error: ${String(e)}`);
  const isOwn = e instanceof DataError || (jsonl && e.constructor === Error && e.message.startsWith(`${path} line `));
  assert.ok(isOwn, `not the reader's own error: ${e.stack}`);
  assert.ok(e.message.startsWith(path), `does not name the file: ${e.message.slice(0, 300)}`);
  assert.ok(e.message.length <= 800, `${e.message.length} characters: ${e.message.slice(0, 300)}`);
  assert.ok(!PLAIN_LINE.test(e.message), `not one printable line: ${JSON.stringify(e.message.slice(0, 300))}`);
  const kind = e instanceof DataError ? e.kind : 'checker';
  kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
}

function checkColumns(time: Float64Array, t: Float64Array, columns: Float64Array[], tf: number): void {
  for (const c of columns) assert.equal(c.length, time.length);
  for (let i = 0; i < time.length; i++) {
    assert.ok(Number.isInteger(time[i]) && time[i] >= 0, `time ${time[i]}`);
    if (i > 0) assert.ok(time[i] > time[i - 1], 'times increase');
    assert.equal(t[i], time[i] + tf);
    const [open, high, low, close, volume] = columns.map((c) => c[i]);
    assert.ok(open > 0 && high > 0 && low > 0 && close > 0 && Number.isFinite(open + high + low + close), 'prices');
    assert.ok(volume >= 0 && Number.isFinite(volume), 'volume');
  }
}

let fileNo = 0;
const policy = fc.constantFrom('error' as const, 'skip' as const, 'warn' as const);
const timeframe = fc.constantFrom(H, H, 300_000);

test('fuzz: the CSV reader resolves with good columns or rejects with its own short, printable error', async () => {
  await fc.assert(
    fc.asyncProperty(content(csvBase), wrap, policy, timeframe, async (bytes, w, onBadRow, tf) => {
      const path = join(dir, `f${++fileNo}.csv${w.kind === 'plain' ? '' : '.gz'}`);
      writeFileSync(path, wrapped(bytes, w));
      runs++;
      try {
        const d = await readCandleCsv(path, { timeframeMs: tf, onBadRow, maxBytes: LIMIT });
        resolved++;
        assert.equal(d.rows, d.time.length);
        checkColumns(d.time, d.t, [d.open, d.high, d.low, d.close, d.volume], tf);
        for (const issue of d.issues) assert.ok(issue.message.length <= 600 && !PLAIN_LINE.test(issue.message), issue.message.slice(0, 300));
      } catch (e) {
        if (e instanceof assert.AssertionError) throw e;
        checkRejection(e, path, false);
      } finally {
        rmSync(path);
      }
    }),
    { seed: 20260401, numRuns: 600 },
  );
});

test('fuzz: the JSON-lines reader resolves with good columns or rejects with its own short, printable error', async () => {
  await fc.assert(
    fc.asyncProperty(content(jsonlBase), wrap, policy, timeframe, async (bytes, w, onBadRow, tf) => {
      const path = join(dir, `f${++fileNo}.jsonl${w.kind === 'plain' ? '' : '.gz'}`);
      writeFileSync(path, wrapped(bytes, w));
      runs++;
      try {
        const spec = { record: 'candles' as const, symbol: 'BTCUSDT', timeframe: tf === H ? '1h' : '5m', timeframeMs: tf, onBadRow };
        const d = await readCandleJsonl(path, spec, (_code, message) => assert.ok(!PLAIN_LINE.test(message) && message.length <= 600, message.slice(0, 300)), LIMIT);
        resolved++;
        checkColumns(d.time, d.t, [d.open, d.high, d.low, d.close, d.volume], tf);
      } catch (e) {
        if (e instanceof assert.AssertionError) throw e;
        checkRejection(e, path, true);
      } finally {
        rmSync(path);
      }
    }),
    { seed: 8080, numRuns: 400 },
  );
});

test('fuzz: a large garbage file stops at the first over-long line with bounded memory, and the inputs reached every outcome', async () => {
  // 24 MiB with no line end: the reader holds the bytes and no more (no string of them, no message quoting them).
  const size = 24 << 20;
  const path = join(dir, 'garbage.csv');
  writeFileSync(path, Buffer.alloc(size, 'time,open,high,low,close,volume'.repeat(4) + ';'));
  const before = process.memoryUsage();
  let err: unknown;
  try {
    await readCandleCsv(path, { timeframeMs: H });
  } catch (e) {
    err = e;
  }
  const after = process.memoryUsage();
  assert.ok(err instanceof DataError && err.kind === 'line-too-long', String(err));
  assert.ok(err.message.length < 400, err.message.slice(0, 300));
  const grew = after.heapUsed + after.arrayBuffers - (before.heapUsed + before.arrayBuffers);
  assert.ok(grew < size + (16 << 20), `memory grew by ${(grew / 2 ** 20).toFixed(0)} MiB for a ${size / 2 ** 20} MiB file`);

  if (process.env.HEAN_FUZZ_STATS) console.log(`reader fuzz: ${runs} reads, ${resolved} resolved; errors by kind:`, Object.fromEntries(kinds));
  assert.ok(runs >= 1000, `${runs} reads`);
  for (const kind of ['malformed', 'gzip', 'too-large', 'line-too-long', 'not-a-header', 'timeframe', 'checker']) assert.ok(kinds.has(kind), `no input reached ${kind}: ${[...kinds.keys()].join(', ')}`);
  assert.ok(resolved > 50, `${resolved} resolved`);
});
