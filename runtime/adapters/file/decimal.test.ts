import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { longDecimal } from './decimal.js';
import { readCandleCsv } from './readCandleCsv.js';

// The reference for every value is Number(text): V8's correctly rounded string-to-double.

const bytes = (text: string) => Buffer.from(text, 'latin1');
const PLAIN = /^-?(\d+\.?\d*|\.\d+)$/;

/** longDecimal's value for `text`, checked against Number(text) when it decides; true when it did. */
function decides(text: string): boolean {
  const v = longDecimal(bytes(text), 0, text.length);
  if (Number.isNaN(v)) return false;
  if (!Object.is(v, Number(text))) assert.fail(`longDecimal("${text}") = ${v}, Number() gives ${Number(text)}`);
  return true;
}

/** The significant digits of a plain decimal text, and its decimals once the zeros ending the fraction are dropped. */
function shape(text: string): { digits: number; decimals: number } {
  const [whole, fraction = ''] = text.replace('-', '').split('.');
  const kept = fraction.replace(/0+$/, '');
  return { digits: (whole + kept).replace(/^0+/, '').length, decimals: kept.length };
}

/** (2m + 1) * 2^(shift - 1) exactly, as decimal text: the midpoint between two adjacent doubles m * 2^shift apart. */
function midpoint(m: bigint, shift: number): string {
  const odd = 2n * m + 1n;
  if (shift >= 1) return String(odd << BigInt(shift - 1));
  const places = 1 - shift; // odd / 2^places = odd * 5^places / 10^places
  const digits = String(odd * 5n ** BigInt(places)).padStart(places + 1, '0');
  return `${digits.slice(0, -places)}.${digits.slice(-places)}`;
}

describe('longDecimal (16 to 19 significant digits)', () => {
  it('equals Number() on String(x) of random doubles, and decides all of up to 19 digits itself', () => {
    let asked = 0;
    let undecided = 0;
    fc.assert(
      // From 1e-6 to 1e21 String() writes no exponent.
      fc.property(fc.double({ min: 1e-6, max: 1e21, maxExcluded: true, noNaN: true }), fc.boolean(), (x, negative) => {
        const text = String(negative ? -x : x);
        assert.match(text, PLAIN);
        if (shape(text).digits > 19) return; // 1e20 and up: whole numbers ending in zeros, Number()'s
        asked++;
        if (!decides(text)) undecided++;
      }),
      { seed: 42, numRuns: 50_000 },
    );
        assert.ok(asked > 40_000, `${asked} texts`);
    assert.ok(undecided <= asked / 10_000, `${undecided} of ${asked} undecided`);
  });

  it('equals Number() on exchange-style texts: prices and volumes in toFixed(0..10), toPrecision(16..19), negative too', () => {
    let undecided = 0;
    fc.assert(
      fc.property(fc.double({ min: 1e-4, max: 2e6, noNaN: true }), fc.integer({ min: 0, max: 10 }), fc.integer({ min: 16, max: 19 }), fc.boolean(), (x, places, precision, negative) => {
        for (const text of [x.toFixed(places), x.toPrecision(precision), String(x * Math.PI)]) {
          if (!PLAIN.test(text)) continue;
          const signed = negative ? `-${text}` : text;
          const { digits, decimals } = shape(signed);
          if (!decides(signed) && digits <= 19 && decimals <= 22) undecided++;
        }
      }),
      { seed: 7, numRuns: 20_000 },
    );
    assert.ok(undecided <= 5, `${undecided} texts of at most 19 digits left to Number()`);
  });

  it('random digit strings with the point anywhere: what it decides equals Number()', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{1,21}$/), fc.nat(), fc.boolean(), (digits, at, negative) => {
        const dot = at % (digits.length + 2); // digits.length + 1: no point
        const text = (negative ? '-' : '') + (dot <= digits.length ? `${digits.slice(0, dot)}.${digits.slice(dot)}` : digits);
        const decided = decides(text);
        const { digits: significant, decimals } = shape(text);
        if (significant > 19 || decimals > 22) assert.ok(!decided, `"${text}" is beyond 19 digits or 22 decimals, left to Number()`);
      }),
      { seed: 3, numRuns: 50_000 },
    );
  });

  it('exact midpoints between doubles are rounded to even when whole, left to Number() when fractional; a digit away they are decided', () => {
    let fractional = 0;
    fc.assert(
      fc.property(fc.bigInt({ min: 2n ** 52n, max: 2n ** 53n - 1n }), fc.integer({ min: -2, max: 11 }), (m, shift) => {
        const tie = midpoint(m, shift);
        if (tie.replace('.', '').length > 19) return;
        if (tie.includes('.')) {
          fractional++;
          // Within the error bound of any double arithmetic: must not be decided there.
          assert.ok(Number.isNaN(longDecimal(bytes(tie), 0, tie.length)), `${tie} is a tie`);
          const last = Number(tie.at(-1));
          for (const near of [tie.slice(0, -1) + String(last + 1), tie.slice(0, -1) + String(last - 1)]) assert.ok(decides(near), `${near} is a digit away from a tie`);
        } else {
          assert.ok(decides(tie), `${tie} is whole: rounded once, to even`);
          assert.ok(decides(`${tie}.000`));
          assert.ok(decides(String(BigInt(tie) + 1n)) && decides(String(BigInt(tie) - 1n)));
        }
      }),
      { seed: 11, numRuns: 5000 },
    );
    assert.ok(fractional > 500, `${fractional} fractional ties`);
  });

  it('edge texts', () => {
    const decided = ['0', '-0', '0.0', '-0.000', '000123.4500', '.5', '5.', '-.5', '0.30000000000000004', '9007199254740993', '9007199254740993.000', '9007199254740995', '18014398509481986', '1.7976931348623157', '43251.12000000', '1234.56789000', '123456789012345678', '1234567890123456789', '9999999999999999999', '0.0000000000000000000001', '4371.4957749606465', '-4371.4957749606465'];
    for (const text of decided) assert.ok(decides(text), `"${text}" is decided`);
    for (const text of ['12345678901234567890', '0.1000000000000000055511151231257827', '0.00000000000000000000001', '0.000000000000000000000010', '1234567890.1234567890123'])
      assert.ok(Number.isNaN(longDecimal(bytes(text), 0, text.length)), `"${text}" is left to Number()`);
  });
});

describe('readCandleCsv: full-precision numbers', () => {
  let dir = '';
  before(() => (dir = mkdtempSync(join(tmpdir(), 'hean-decimal-'))));
  after(() => dir && rmSync(dir, { recursive: true, force: true }));

  /** Ties (left to Number()), 2^53 + 1, leading and trailing zeros, forms only Number() reads. */
  const EDGES = ['9007199254740993', '2251799813685248.25', '2251799813685248.75', '1125899906842624.125', '0.30000000000000004', '000123.4500', '43251.12000000', '5.', '.5', '1e5', '+3', '1.5E2', '12345678901234567890'];

  it('prices as exchanges and String() write them read exactly as Number() reads the text', async () => {
    const texts = (x: number): string[] => [x.toFixed(8), String(x), String(x * Math.SQRT2), x.toFixed(2), x.toPrecision(17), x.toExponential(12), String(0.1 + x)];
    let file = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.double({ min: 1e-3, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 60 }), async (xs) => {
        const values = [...EDGES, ...xs.flatMap(texts).filter((text) => Number(text) > 0)]; // toFixed(2) of 0.001 is a zero price
        const t0 = 1_704_067_200_000;
        // Every value in all five columns: a flat candle is valid whatever the value.
        const lines = values.map((v, i) => `${t0 + i * 3_600_000},${v},${v},${v},${v},${v}`);
        const path = join(dir, `v${++file}.csv`);
        writeFileSync(path, ['time,open,high,low,close,volume', ...lines].join('\n'));
        const d = await readCandleCsv(path, { timeframeMs: 3_600_000 });
        assert.equal(d.rows, values.length);
        for (const [i, text] of values.entries()) {
          for (const column of [d.open, d.high, d.low, d.close, d.volume]) if (!Object.is(column[i], Number(text))) assert.fail(`"${text}": read ${column[i]}, Number() gives ${Number(text)}`);
        }
      }),
      { seed: 5, numRuns: 60 },
    );
  });
});
