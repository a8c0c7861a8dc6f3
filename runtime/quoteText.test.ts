import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { QUOTE_MAX, clipText, printable, quoteText } from './quoteText.js';

describe('quoteText: file content in messages is one short printable line', () => {
  it('escapes control characters, CR, NUL, ESC, bidi overrides, BOM, replacement characters and lone surrogates', () => {
    assert.equal(printable('a\r\nb\tc\u0000d\u001b[31me\u007f'), 'a\\r\\nb\\tc\\u0000d\\u001b[31me\\u007f');
    assert.equal(printable('x\u202ey\u2066z\u200bw\ufeffv\ufffd'), 'x\\u202ey\\u2066z\\u200bw\\ufeffv\\ufffd');
    assert.equal(printable('\ud800 \udc00'), '\\ud800 \\udc00');
    assert.equal(printable('é 😀 ✓'), 'é 😀 ✓', 'printable text, surrogate pairs included, is left as is');
  });

  it('cuts at QUOTE_MAX characters with "…", never inside an escape or a surrogate pair', () => {
    assert.equal(clipText('short'), 'short');
    assert.equal(clipText('x'.repeat(QUOTE_MAX)), 'x'.repeat(QUOTE_MAX));
    const long = clipText('y'.repeat(1_000_000));
    assert.equal(long, 'y'.repeat(QUOTE_MAX - 1) + '…');
    // An escape that would straddle the cut is left out whole.
    const esc = clipText('z'.repeat(QUOTE_MAX - 3) + '\u0000tail');
    assert.equal(esc, 'z'.repeat(QUOTE_MAX - 3) + '…');
    const pair = clipText('p'.repeat(QUOTE_MAX - 2) + '😀😀');
    assert.equal(pair, 'p'.repeat(QUOTE_MAX - 2) + '…');
    for (const text of ['\r'.repeat(500), '\u0000'.repeat(500), '😀'.repeat(500), 'a\u202e'.repeat(500)]) {
      const shown = clipText(text);
      assert.ok(shown.length <= QUOTE_MAX, `${shown.length}: ${shown}`);
      assert.ok(shown.endsWith('…'));
      assert.doesNotMatch(shown, /[\u0000-\u001f\u202e]|[\ud800-\udbff]…/);
    }
  });

  it('quotes with escaped quotes and backslashes', () => {
    assert.equal(quoteText('say "hi" \\ bye'), '"say \\"hi\\" \\\\ bye"');
    assert.equal(quoteText('a\nb', 10), '"a\\nb"');
    assert.equal(quoteText('0123456789abc', 10), '"012345678…"');
  });
});
