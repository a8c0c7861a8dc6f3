/**
 * Text features that an ONNX graph computes identically: the trainer (TypeScript) and the
 * exported model (onnxruntime's StringNormalizer, com.microsoft.Tokenizer, TfIdfVectorizer) must
 * see the same n-grams, so each step here is the definition of the matching ONNX operator:
 * - lowercase A-Z only (StringNormalizer with locale "C": other letters keep their case; "C"
 *   exists on every machine, a named locale may not);
 * - words: the maximal runs of [a-z0-9] (Tokenizer with tokenexp);
 * - characters: every code point, spaces included (Tokenizer in character mode);
 * - n-grams of consecutive tokens: each one present weighs its idf, however often it occurs
 *   (TfIdfVectorizer, mode IDF; on the Financial PhraseBank presence beat counts by about one
 *   point of accuracy), then each block is scaled to unit Euclidean length.
 */

export function lowerAscii(text: string): string {
  return text.replace(/[A-Z]+/g, (s) => s.toLowerCase());
}

export const WORD_PATTERN = '[a-z0-9]+';
const WORD = new RegExp(WORD_PATTERN, 'g');

export function wordTokens(lowered: string): string[] {
  return lowered.match(WORD) ?? [];
}

export function charTokens(lowered: string): string[] {
  return Array.from(lowered);
}

/** An n-gram's key: its tokens joined by a separator no token contains (U+0001). */
export const GRAM_SEPARATOR = '\u0001';

/** Counts of the n-grams (n in [minN, maxN]) of a token list. */
export function countGrams(tokens: readonly string[], minN: number, maxN: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let n = minN; n <= maxN; n++) {
    for (let i = 0; i + n <= tokens.length; i++) {
      const key = n === 1 ? tokens[i] : tokens.slice(i, i + n).join(GRAM_SEPARATOR);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return counts;
}

/** One block of TF-IDF features: word or character n-grams. */
export interface GramBlock {
  readonly unit: 'word' | 'char';
  readonly minN: number;
  readonly maxN: number;
  /** The n-grams kept, ordered by length then text: feature j is grams[j]. */
  readonly grams: readonly string[];
  /** idf weight of each gram. */
  readonly idf: Float64Array;
}

export interface BlockOptions {
  unit: 'word' | 'char';
  minN: number;
  maxN: number;
  /** Keep n-grams found in at least this many training texts. */
  minDf: number;
}

export function tokensOf(unit: 'word' | 'char', lowered: string): string[] {
  return unit === 'word' ? wordTokens(lowered) : charTokens(lowered);
}

/**
 * The vocabulary of a block from training texts: n-grams in >= minDf texts, with the smoothed
 * idf of scikit-learn's TfidfVectorizer, ln((1 + N) / (1 + df)) + 1.
 */
export function fitBlock(lowered: readonly string[], options: BlockOptions): GramBlock {
  const df = new Map<string, number>();
  for (const text of lowered) for (const gram of countGrams(tokensOf(options.unit, text), options.minN, options.maxN).keys()) df.set(gram, (df.get(gram) ?? 0) + 1);
  const kept = [...df].filter(([, d]) => d >= options.minDf).map(([gram]) => gram);
  const length = (g: string) => g.split(GRAM_SEPARATOR).length;
  kept.sort((a, b) => length(a) - length(b) || (a < b ? -1 : a > b ? 1 : 0));
  const n = lowered.length;
  const idf = Float64Array.from(kept, (g) => Math.log((1 + n) / (1 + df.get(g)!)) + 1);
  return { unit: options.unit, minN: options.minN, maxN: options.maxN, grams: kept, idf };
}

/** A sparse row: feature indices (ascending) and values. */
export interface SparseRow {
  index: Int32Array;
  value: Float64Array;
}

/** A text's features in one block: the idf of each n-gram present, scaled to unit length (all zeros stay zeros). */
export function blockRow(block: GramBlock, lookup: ReadonlyMap<string, number>, lowered: string): SparseRow {
  const entries: [number, number][] = [];
  for (const gram of countGrams(tokensOf(block.unit, lowered), block.minN, block.maxN).keys()) {
    const j = lookup.get(gram);
    if (j !== undefined) entries.push([j, block.idf[j]]);
  }
  entries.sort((a, b) => a[0] - b[0]);
  let norm = 0;
  for (const [, v] of entries) norm += v * v;
  norm = Math.sqrt(norm);
  return { index: Int32Array.from(entries, (e) => e[0]), value: Float64Array.from(entries, (e) => (norm > 0 ? e[1] / norm : 0)) };
}

export function gramLookup(block: GramBlock): Map<string, number> {
  return new Map(block.grams.map((g, j) => [g, j]));
}
