/**
 * Text from a file shown in an error message: one printable line, short. A data or graph file can
 * hold anything (a secret, a terminal escape sequence, a megabyte on one line), so every message
 * that quotes file content goes through here instead of interpolating it as is.
 */

/** Quoted file content is cut to this many characters (escapes included), ending in "…". */
export const QUOTE_MAX = 80;

// C0/C1 controls, line and paragraph separators, bidirectional marks, embeddings, overrides and
// isolates (they can make text read differently on a terminal), zero-width characters, the BOM,
// the replacement character (it stands for bytes that were not UTF-8) and lone surrogates.
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff\ufffd]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeChar(c: string): string {
  return NAMED[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** `text` with every control or invisible character escaped (\n, \r, \t, \u0000): one plain line. */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, escapeChar);
}

/** printable(text), cut to at most `max` characters ending in "…" when longer. */
export function clipText(text: string, max = QUOTE_MAX): string {
  return shorten(text, max, false);
}

/** `text` in double quotes, escaped (quotes and backslashes too) and cut as clipText does. */
export function quoteText(text: string, max = QUOTE_MAX): string {
  return `"${shorten(text, max, true)}"`;
}

const ONE_UNPRINTABLE = new RegExp(UNPRINTABLE.source);

// Piece by piece (a character or its escape), so that a cut never splits an escape or a
// surrogate pair; stops after `max` characters whatever the length of the text.
function shorten(text: string, max: number, quotes: boolean): string {
  let out = '';
  let fits = 0; // length of `out` at the last piece boundary that leaves room for "…"
  for (const c of text) {
    const piece = ONE_UNPRINTABLE.test(c) ? escapeChar(c) : quotes && (c === '"' || c === '\\') ? `\\${c}` : c;
    if (out.length <= max - 1) fits = out.length;
    if (out.length + piece.length > max) return out.slice(0, fits) + '…';
    out += piece;
  }
  return out;
}
