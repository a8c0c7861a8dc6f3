/**
 * Compiler diagnostics: every problem of a graph, collected (never just the first), each with
 * its position, printed as `file:line:col severity code path: message`.
 */
import { QUOTE_MAX, clipText, printable, quoteText } from './quoteText.js';

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  file: string;
  line: number;
  col: number;
  severity: Severity;
  /** Stable machine-readable code, `area/problem` (e.g. `params/type`, `wire/unknown-node`). */
  code: string;
  /** Dotted path into the graph (`nodes.fast.params.timePeriod`). */
  path: string;
  /** What was found and what was expected. */
  message: string;
  /** How to fix it, e.g. "did you mean indicator.ema?". */
  hint?: string;
}

/**
 * One line per diagnostic, whatever the graph contains: line breaks, other control characters
 * and bidirectional overrides (which could disguise the text on a terminal) are escaped.
 */
export function formatDiagnostic(d: Diagnostic): string {
  const hint = d.hint ? `; ${d.hint}` : '';
  // The path is made of keys from the file: shown cut short, as other quoted file content.
  return printable(`${d.file}:${d.line}:${d.col} ${d.severity} ${d.code} ${d.path ? clipText(d.path, 2 * QUOTE_MAX) : '.'}: ${d.message}${hint}`);
}

export function sortDiagnostics(list: Diagnostic[]): Diagnostic[] {
  return [...list].sort((a, b) => a.line - b.line || a.col - b.col || a.code.localeCompare(b.code) || a.message.localeCompare(b.message));
}

export function hasErrors(list: readonly Diagnostic[]): boolean {
  return list.some((d) => d.severity === 'error');
}

/** Thrown by the run command when a graph does not compile; carries every diagnostic. */
export class GraphError extends Error {
  constructor(readonly diagnostics: Diagnostic[]) {
    super(sortDiagnostics(diagnostics).map(formatDiagnostic).join('\n'));
    this.name = 'GraphError';
  }
}

/** Edit distance counting an insertion, deletion, substitution or swap of two neighbours as one (OSA). */
export function editDistance(a: string, b: string): number {
  // Three rolling rows: the one before the previous is needed for swaps.
  let before = new Array<number>(b.length + 1).fill(0);
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  let row = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, before[j - 2] + 1);
      row[j] = d;
    }
    [before, prev, row] = [prev, row, before];
  }
  return prev[b.length];
}

/**
 * The closest candidate, if it is close enough to be a plausible typo: a few edits (not all of
 * the word), or the word cut short or run on (`in` for `input`).
 */
export function didYouMean(found: string, candidates: Iterable<string>): string | undefined {
  if (found.length > 200) return undefined;
  let best: string | undefined;
  let bestDistance = Infinity;
  let prefix: string | undefined;
  const lower = found.toLowerCase();
  const limit = Math.max(2, Math.floor(found.length / 3));
  for (const candidate of candidates) {
    const c = candidate.toLowerCase();
    // The distance is at least the difference in length: skip what cannot be close enough.
    const d = Math.abs(c.length - lower.length) > limit ? Infinity : editDistance(lower, c);
    if (d < bestDistance && d < Math.min(lower.length, c.length)) {
      best = candidate;
      bestDistance = d;
    }
    if (prefix === undefined && Math.min(lower.length, c.length) >= 2 && (lower.startsWith(c) || c.startsWith(lower))) prefix = candidate;
  }
  return best !== undefined && bestDistance <= limit ? best : prefix;
}

export function quote(value: unknown): string {
  if (typeof value === 'string') return quoteText(value);
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  return String(value);
}
