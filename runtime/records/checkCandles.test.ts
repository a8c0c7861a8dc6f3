import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CandleChecker } from './checkCandles.js';
import type { BadRowPolicy, CandleSpec } from './sourceSpec.js';

const H = 3_600_000;
const T0 = Date.parse('2024-01-01T00:00:00Z');

function checker(timeframe: '1h' | '1m', onBadRow: BadRowPolicy = 'error') {
  const warnings: [string, string][] = [];
  const spec: CandleSpec = { record: 'candles', symbol: 'BTCUSDT', timeframe, timeframeMs: timeframe === '1h' ? H : 60_000, onBadRow };
  return { c: new CandleChecker(spec, (code, message) => warnings.push([code, message]), 'memory feed bars event'), warnings };
}

describe('CandleChecker: impossible candles follow onBadRow', () => {
  // [open, high, low, close], what the message names
  const cases: [number[], string][] = [
    [[102, 101.25, 103.5, 102.5], 'high 101.25 is below low 103.5'],
    [[104, 103.5, 101.25, 102.5], 'open 104 is outside low..high (101.25..103.5)'],
    [[102, 103.5, 101.25, 101, 10], 'close 101 is outside low..high (101.25..103.5)'],
  ];
  for (const [[o, h, l, cl], says] of cases) {
    it(`${says}: error throws naming the event, skip drops it, warn drops and prints it`, () => {
      const strict = checker('1h').c;
      assert.equal(strict.accept(T0, 101, 101, 99, 99, 1, 0), true, 'a candle touching its range (open = high, close = low) is valid');
      assert.throws(
        () => strict.accept(T0 + H, o, h, l, cl, 1, 1),
        (e: Error) => e.message.startsWith('memory feed bars event 1: impossible candle: ') && e.message.includes(says) && e.message.endsWith('Fix or remove the event or set onBadRow: skip'),
      );
      const skip = checker('1h', 'skip');
      assert.equal(skip.c.accept(T0 + H, o, h, l, cl, 1, 1), false);
      assert.equal(skip.c.dropped, 1);
      assert.deepEqual(skip.warnings, []);
      const warn = checker('1h', 'warn');
      assert.equal(warn.c.accept(T0 + H, o, h, l, cl, 1, 1), false);
      assert.equal(warn.warnings.length, 1);
      assert.equal(warn.warnings[0][0], 'data/impossible-candle');
      assert.ok(warn.warnings[0][1].includes(says) && warn.warnings[0][1].endsWith('(dropped)'), warn.warnings[0][1]);
    });
  }
});

describe('CandleChecker: the declared timeframe against the spacing of the first 20 candles', () => {
  it('1h candles declared 1m stop at the 21st candle, saying what the data looks like; gaps pass when one of the first 20 spacings is one timeframe', () => {
    const { c: wrong } = checker('1m', 'skip');
    for (let i = 0; i < 20; i++) assert.equal(wrong.accept(T0 + i * H, 100, 101, 99, 100, 1, i), true);
    assert.throws(
      () => wrong.accept(T0 + 20 * H, 100, 101, 99, 100, 1, 20),
      (e: Error) =>
        e.message.startsWith('memory feed bars event 20: declared timeframe 1m, but candles are 1h apart') && e.message.includes('never 1m') && e.message.includes('timeframe: 1h'),
    );

    const { c } = checker('1h');
    let t = T0;
    assert.equal(c.accept(t, 100, 101, 99, 100, 1, 0), true);
    t += H;
    assert.equal(c.accept(t, 100, 101, 99, 100, 1, 1), true);
    for (let i = 2; i < 40; i++) {
      t += 3 * H;
      assert.equal(c.accept(t, 100, 101, 99, 100, 1, i), true);
    }
    assert.equal(c.gaps.length, 38);
  });
});
