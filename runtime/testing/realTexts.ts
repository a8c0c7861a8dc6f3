import { readFileSync } from 'node:fs';
import { dataFile } from './dataFile.js';
import type { Texts } from '../ports.js';

/** Real financial-news sentences (Financial PhraseBank, CC BY-NC-SA 3.0; see the data directory's PROVENANCE.md). */
export const REAL_TEXTS_FILE = 'financial_phrasebank_v1.csv';
/** The first stamp given to the corpus (it has no publication times of its own). */
export const REAL_TEXTS_START = Date.parse('2024-08-08T00:00:00Z');

/**
 * The PhraseBank as a text-source CSV (`time,sentence,label,agreement_pct`): real text, one
 * sentence per line in the file, but the corpus has no publication times, so sentence i is
 * stamped REAL_TEXTS_START + i minutes, and every 10th shares the previous sentence's stamp (so
 * same-millisecond sequencing runs on real rows). Written by tests into a temp file, never into
 * the repository.
 */
export function realTextsCsv(): string {
  const lines = readFileSync(dataFile(REAL_TEXTS_FILE), 'utf8').split('\n');
  const out = [`time,${lines[0]}`];
  for (let i = 1; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    const k = i - 1;
    out.push(`${realTextStamp(k)},${lines[i]}`);
  }
  return out.join('\n') + '\n';
}

/** The stamp realTextsCsv gives sentence k (0-based). */
export function realTextStamp(k: number): number {
  return REAL_TEXTS_START + (k % 10 === 9 ? k - 1 : k) * 60_000;
}

/**
 * The first `rows` PhraseBank sentences as a Texts bundle, one per row (index i -> sentence i),
 * for kernel tests of text readers (runKernel hands them over as `Events<Texts>`).
 */
export function realTexts(rows: number): Texts {
  const strings = readFileSync(dataFile(REAL_TEXTS_FILE), 'utf8')
    .split('\n')
    .slice(1)
    .filter((line) => line.trim() !== '')
    .map((line) => (line.startsWith('"') ? line.slice(1, line.lastIndexOf('"')).replaceAll('""', '"') : line.slice(0, line.indexOf(','))))
    .slice(0, rows);
  return { index: Float64Array.from(strings, (_s, i) => i), strings };
}
