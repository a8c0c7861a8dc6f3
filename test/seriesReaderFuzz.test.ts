/**
 * Property-based fuzzing of the series reader (fast-check, fixed seeds), as dataReaderFuzz does
 * for the candle readers: the first 200 days of the real Fear & Greed file, as CSV and as JSON
 * lines, mutated byte- and line-wise (NUL, CR, 0xff, ESC and bidi characters, quotes, NaN, empty
 * cells, deleted, duplicated and swapped lines, cut short), plain or gzipped; or random bytes.
 *
 * Every read resolves with well-formed columns (strictly increasing integer stamps, event time =
 * stamp + 1 day, finite values) or rejects with a DataError that names the file, is one printable
 * line and is short. Never a TypeError or a message that echoes control characters.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { DataError } from '../runtime/adapters/file/readCandleCsv.js';
import { readSeries } from '../runtime/adapters/file/readSeries.js';
import type { SeriesSpec } from '../runtime/records/sourceSpec.js';
import { dataFile } from '../runtime/testing/dataFile.js';

const D = 86_400_000;
const LIMIT = 1 << 20;
const dir = mkdtempSync(join(tmpdir(), 'hean-seriesFuzz-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

const lines = readFileSync(dataFile('crypto_fear_greed_index_daily_2018-02_2025-01.csv'), 'utf8').split('\n').slice(0, 201);
const csvBase = Buffer.from(lines.join('\n') + '\n');
const jsonlBase = Buffer.from(
  lines
    .slice(1)
    .map((l) => {
      const [date, value] = l.split(',');
      return JSON.stringify({ date, value: Number(value) });
    })
    .join('\n') + '\n',
);

const SPECIALS = ['\r', '\n', '\r\n', '\u0000', '\xff', '\u202e', '\u001b[2J', ',', '"', ',,', 'NaN', 'inf', '-', '.', '1e400', '0x1f', '\ufeff', ' ', '{', '}', 'null', '2018-02-31', '1517443200', '1517443200000'];

const op = fc.oneof(
  fc.record({ kind: fc.constant('special' as const), at: fc.nat(), text: fc.constantFrom(...SPECIALS) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 32 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('dupLine' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('swapLines' as const), a: fc.nat(), b: fc.nat() }),
);
type Op = typeof op extends fc.Arbitrary<infer T> ? T : never;

function apply(base: Buffer, ops: Op[]): Buffer {
  let b = base;
  for (const o of ops) {
    const n = Math.max(1, b.length);
    if (o.kind === 'special' || o.kind === 'insert') {
      const at = o.at % n;
      const piece = o.kind === 'insert' ? Buffer.from(o.bytes) : Buffer.from(o.text, o.text === '\xff' ? 'latin1' : 'utf8');
      b = Buffer.concat([b.subarray(0, at), piece, b.subarray(at)]);
    } else if (o.kind === 'delete') {
      const at = o.at % n;
      b = Buffer.concat([b.subarray(0, at), b.subarray(at + o.len)]);
    } else if (o.kind === 'truncate') {
      b = b.subarray(0, o.at % n);
    } else {
      const ls = b.toString('latin1').split('\n');
      if (o.kind === 'dupLine') ls.splice(o.at % ls.length, 0, ls[o.at % ls.length]);
      else [ls[o.a % ls.length], ls[o.b % ls.length]] = [ls[o.b % ls.length], ls[o.a % ls.length]];
      b = Buffer.from(ls.join('\n'), 'latin1');
    }
  }
  return b;
}

const content = (base: Buffer) =>
  fc.oneof({ weight: 1, arbitrary: fc.uint8Array({ maxLength: 2048 }).map((a) => Buffer.from(a)) }, { weight: 6, arbitrary: fc.array(op, { maxLength: 6 }).map((ops) => apply(base, ops)) });

const PLAIN_LINE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const outcomes = new Map<string, number>();
let fileNo = 0;

for (const [ext, base, seed] of [
  ['csv', csvBase, 20261202],
  ['jsonl', jsonlBase, 1202],
] as const) {
  test(`fuzz: the series reader (${ext}) resolves with good columns or rejects with its own short, printable error`, async () => {
    await fc.assert(
      fc.asyncProperty(content(base), fc.boolean(), fc.constantFrom('error' as const, 'skip' as const, 'warn' as const), async (bytes, gz, onBadRow) => {
        const path = join(dir, `f${++fileNo}.${ext}${gz ? '.gz' : ''}`);
        writeFileSync(path, gz ? gzipSync(bytes) : bytes);
        const spec: SeriesSpec = { record: 'series', name: 'fg', column: 'value', timeColumn: 'date', timestamp: 'periodStart', period: '1d', periodMs: D, publicationLag: '0', publicationLagMs: 0, onBadRow };
        try {
          const d = await readSeries(path, spec, (_code, message) => assert.ok(!PLAIN_LINE.test(message) && message.length <= 600, message.slice(0, 300)), LIMIT);
          outcomes.set('resolved', (outcomes.get('resolved') ?? 0) + 1);
          assert.equal(d.value.length, d.time.length);
          for (let i = 0; i < d.time.length; i++) {
            assert.ok(Number.isInteger(d.time[i]) && d.time[i] >= 0, `time ${d.time[i]}`);
            if (i > 0) assert.ok(d.time[i] > d.time[i - 1], 'stamps increase');
            assert.equal(d.t[i], d.time[i] + D);
            assert.ok(Number.isFinite(d.value[i]), `value ${d.value[i]}`);
          }
        } catch (e) {
          if (e instanceof assert.AssertionError) throw e;
          assert.ok(e instanceof DataError, `not the reader's own error: ${(e as Error).stack}`);
          assert.ok(e.message.startsWith(path), `does not name the file: ${e.message.slice(0, 300)}`);
          assert.ok(e.message.length <= 800, `${e.message.length} characters: ${e.message.slice(0, 300)}`);
          assert.ok(!PLAIN_LINE.test(e.message), `not one printable line: ${JSON.stringify(e.message.slice(0, 300))}`);
          outcomes.set(e.kind, (outcomes.get(e.kind) ?? 0) + 1);
        } finally {
          rmSync(path);
        }
      }),
      { seed, numRuns: 400 },
    );
  });
}

test('fuzz: the series inputs reached the outcomes that matter', () => {
  for (const kind of ['resolved', 'malformed', 'duplicate', 'out-of-order', 'missing-column']) assert.ok((outcomes.get(kind) ?? 0) > 0, `no input ended ${kind}: ${JSON.stringify([...outcomes])}`);
});
