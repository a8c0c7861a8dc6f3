import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { csvFastPath, plainDecimal, splitPlain } from './csvText.js';
import { readBook } from './readBook.js';
import { readTrades } from './readTrades.js';
import { dataFile } from '../../testing/dataFile.js';
import { REAL_BOOK_FILE, REAL_TRADES_FILE } from '../../testing/realOrderFlow.js';

// The byte fast path of the book and trades readers must read exactly what the string path
// (csvFields + Number) reads: same columns bit for bit, same warnings, same errors.

let dir = '';
before(() => (dir = mkdtempSync(join(tmpdir(), 'hean-csvFastPath-'))));
after(() => dir && rmSync(dir, { recursive: true, force: true }));

/** mulberry32: a small seeded generator, so a failure repeats. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const digits = (rnd: () => number, n: number) => Array.from({ length: n }, () => String(Math.floor(rnd() * 10))).join('');
/** Decimal text of up to 26 digits, sometimes negative or with an odd form. */
function decimalText(rnd: () => number): string {
  const whole = digits(rnd, Math.floor(rnd() * 14));
  const fraction = digits(rnd, Math.floor(rnd() * 13));
  const form = rnd();
  const text = form < 0.6 ? `${whole || '0'}.${fraction}` : form < 0.8 ? whole || '7' : form < 0.9 ? `${whole}.` : `.${fraction || '5'}`;
  return rnd() < 0.1 ? `-${text}` : text;
}
const ODD_NUMBERS = ['', '-0', '0', '-0.0', '1e5', '1E-3', '0x10', '0b1', '+1', '--1', '1.2.3', 'NaN', 'inf', '-Infinity', ' 5', '5 ', '"61837.63"', '"1,5"', '\t3', '٣', '9007199254740993', '9007199254740991', '12345678901234567890.5', '0.1234567890123456789012345', '-', '.', 'abc'];
const ODD_TIMES = ['1723161255', '1723161255342.5', '-1723161255342', '1723161255342000', '1723161255342000000', '2024-08-08T23:54:15.342Z', '2024-08-08 23:54:15', '', 'x', '00001723161255342', '"1723161255342"'];

function cell(rnd: () => number, good: string): string {
  const r = rnd();
  if (r < 0.9) return good;
  if (r < 0.95) return ODD_NUMBERS[Math.floor(rnd() * ODD_NUMBERS.length)];
  return decimalText(rnd);
}

interface Outcome {
  columns?: Record<string, number[]>;
  warnings: string[];
  error?: string;
}
async function outcome(read: (warn: (code: string, message: string) => void) => Promise<Record<string, unknown>>, fast: boolean): Promise<Outcome> {
  const warnings: string[] = [];
  csvFastPath.enabled = fast;
  try {
    const result = await read((code, message) => warnings.push(`${code} ${message}`));
    const columns: Record<string, number[]> = {};
    for (const [name, value] of Object.entries(result)) {
      if (value instanceof Float64Array) columns[name] = Array.from(value);
      else if (Array.isArray(value)) value.forEach((column, c) => (columns[`${name}${c}`] = Array.from(column as Float64Array)));
    }
    return { columns, warnings };
  } catch (e) {
    return { warnings, error: (e as Error).message };
  } finally {
    csvFastPath.enabled = true;
  }
}
/** Same outcome, numbers compared with Object.is (so -0 and 0 differ, NaN equals NaN). */
function assertSame(fast: Outcome, slow: Outcome, content: string) {
  assert.equal(fast.error, slow.error, content);
  assert.deepEqual(fast.warnings, slow.warnings, content);
  assert.deepEqual(Object.keys(fast.columns ?? {}), Object.keys(slow.columns ?? {}));
  for (const [name, column] of Object.entries(slow.columns ?? {})) {
    const other = fast.columns![name];
    assert.equal(other.length, column.length, `${name} length\n${content}`);
    column.forEach((v, i) => assert.ok(Object.is(other[i], v), `${name}[${i}]: fast ${other[i]}, slow ${v}\n${content}`));
  }
}

describe('CSV fast path', () => {
  it('reads a plain decimal bit-identical to Number(text), and takes every one of up to 15 digits', () => {
    const rnd = random(1);
    let taken = 0;
    for (let n = 0; n < 200_000; n++) {
      const text = n < ODD_NUMBERS.length ? ODD_NUMBERS[n] : decimalText(rnd);
      const bytes = Buffer.from(text, 'utf8');
      const v = plainDecimal(bytes, 0, bytes.length);
      const fields = new Float64Array(1);
      const count = splitPlain(bytes, 0, bytes.length, new Int32Array(1), new Int32Array(1), fields);
      if (v === v) {
        taken++;
        assert.ok(Object.is(v, Number(text)), `${text}: ${v} vs ${Number(text)}`);
      } else if (/^-?\d*\.?\d*$/.test(text) && text.replace(/\D/g, '').length >= 1 && text.replace(/\D/g, '').length <= 15) assert.fail(`${text} has at most 15 digits but was not taken`);
      // splitPlain reads the same value in its one pass (or leaves the line / field to the string path).
      if (count > 0) assert.ok(Object.is(fields[0], v) || (v !== v && fields[0] !== fields[0]), `${text}: splitPlain ${fields[0]} vs plainDecimal ${v}`);
    }
    assert.ok(taken > 150_000, `fast path took ${taken}`);
  });

  it('the real book and trades files read the same by either path', async () => {
    const book = (warn: (code: string, message: string) => void) => readBook(dataFile(REAL_BOOK_FILE), { record: 'book', symbol: 'BTCUSDT', levels: 10, onBadRow: 'warn', onGap: 'error' }, warn) as unknown as Promise<Record<string, unknown>>;
    const trades = (warn: (code: string, message: string) => void) => readTrades(dataFile(REAL_TRADES_FILE), { record: 'trades', symbol: 'BTCUSDT', onBadRow: 'warn' }, warn) as unknown as Promise<Record<string, unknown>>;
    for (const read of [book, trades]) {
      const [fast, slow] = [await outcome(read, true), await outcome(read, false)];
      assert.ok((slow.columns?.t.length ?? 0) > 6000, 'the real file has its rows');
      assertSame(fast, slow, 'real file');
    }
  });

  it('book rows: the fast path and the string path give the same snapshots, warnings and errors', async () => {
    const rnd = random(2);
    const header = 'time,last_update_id,bid_px_1,bid_sz_1,ask_px_1,ask_sz_1,bid_px_2,bid_sz_2,ask_px_2,ask_sz_2';
    let kept = 0;
    let warned = 0;
    let failed = 0;
    for (let file = 0; file < 150; file++) {
      const rows = [header];
      let time = 1723161255342;
      let id = 50093239224;
      for (let r = 0; r < 40; r++) {
        time += Math.floor(rnd() * 3) === 0 ? 0 : 100;
        id += 1 + Math.floor(rnd() * 3);
        const mid = 60000 + rnd() * 2000;
        const good = [String(time), String(id), (mid - 0.01).toFixed(2), decimalText(rnd).replace('-', '') + '1', (mid + 0.01).toFixed(2), '0.5', (mid - 1).toFixed(2), '1.25', (mid + 1).toFixed(2), '2'];
        const cells = good.map((g, c) => (c === 0 && rnd() < 0.05 ? ODD_TIMES[Math.floor(rnd() * ODD_TIMES.length)] : cell(rnd, g)));
        if (rnd() < 0.03) cells.pop();
        rows.push(rnd() < 0.02 ? '' : cells.join(','));
      }
      const content = rows.join(rnd() < 0.2 ? '\r\n' : '\n') + (rnd() < 0.5 ? '\n\n' : '');
      const path = join(dir, `book${file}.csv`);
      writeFileSync(path, content);
      for (const onBadRow of ['warn', 'error'] as const) {
        const read = (warn: (code: string, message: string) => void) => readBook(path, { record: 'book', symbol: 'BTCUSDT', levels: 2, onBadRow, onGap: 'error' }, warn) as unknown as Promise<Record<string, unknown>>;
        const [fast, slow] = [await outcome(read, true), await outcome(read, false)];
        assertSame(fast, slow, content);
        kept += slow.columns?.t.length ?? 0;
        warned += slow.warnings.length;
        if (slow.error) failed++;
      }
    }
    // The inputs reached every outcome: kept snapshots, dropped rows, stopped reads.
    assert.ok(kept > 500 && warned > 500 && failed > 100, `kept ${kept}, warned ${warned}, failed ${failed}`);
  });

  it('trade rows: the fast path and the string path give the same trades, warnings and errors', async () => {
    const rnd = random(3);
    const SIDES = ['buy', 'sell', 'BUY', 'Sell', 'b', 's', '', 'unknown', 'x', '"buy"'];
    const MAKER = ['true', 'false', 'TRUE', '1', '0', '', 'yes'];
    let kept = 0;
    let warned = 0;
    let failed = 0;
    for (let file = 0; file < 150; file++) {
      const withSide = rnd() < 0.6;
      const rows = [withSide ? 'time,trade_id,price,qty,is_buyer_maker,aggressor_side' : 'time,trade_id,price,qty,is_buyer_maker'];
      let time = 1723161255342;
      let id = 3735683259;
      for (let r = 0; r < 40; r++) {
        time += Math.floor(rnd() * 3);
        id += rnd() < 0.9 ? 1 : Math.floor(rnd() * 3);
        const good = [String(time), String(id), (60000 + rnd() * 2000).toFixed(2), decimalText(rnd).replace('-', '') + '1', rnd() < 0.5 ? 'true' : 'false'];
        const cells = good.map((g, c) => (c === 0 && rnd() < 0.05 ? ODD_TIMES[Math.floor(rnd() * ODD_TIMES.length)] : c === 4 && rnd() < 0.1 ? MAKER[Math.floor(rnd() * MAKER.length)] : cell(rnd, g)));
        if (withSide) cells.push(rnd() < 0.85 ? (cells[4] === 'true' ? 'sell' : 'buy') : SIDES[Math.floor(rnd() * SIDES.length)]);
        if (rnd() < 0.03) cells.pop();
        rows.push(rnd() < 0.02 ? '' : cells.join(','));
      }
      const content = rows.join(rnd() < 0.2 ? '\r\n' : '\n') + (rnd() < 0.5 ? '\n\n' : '');
      const path = join(dir, `trades${file}.csv`);
      writeFileSync(path, content);
      for (const onBadRow of ['warn', 'error'] as const) {
        const read = (warn: (code: string, message: string) => void) => readTrades(path, { record: 'trades', symbol: 'BTCUSDT', onBadRow }, warn) as unknown as Promise<Record<string, unknown>>;
        const [fast, slow] = [await outcome(read, true), await outcome(read, false)];
        assertSame(fast, slow, content);
        kept += slow.columns?.t.length ?? 0;
        warned += slow.warnings.length;
        if (slow.error) failed++;
      }
    }
    assert.ok(kept > 1000 && warned > 500 && failed > 100, `kept ${kept}, warned ${warned}, failed ${failed}`);
  });
});
