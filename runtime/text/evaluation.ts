import { lowerAscii, wordTokens } from './textFeatures.js';

/**
 * The fixed train/test split and the baselines `hean train text` reports (the scores themselves: learn/evaluate.ts).
 *
 * Split: a text is in the test split when the 32-bit FNV-1a hash of its UTF-8 bytes is 0 mod 5
 * (about 20 %). It depends on the text alone, not on file order or a seed, so anyone can
 * reproduce it, and a sentence the corpus repeats lands on one side only (no leak from train
 * to test through duplicates).
 */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (const b of new TextEncoder().encode(text)) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

export function isTestText(text: string): boolean {
  return fnv1a(text) % 5 === 0;
}

/** The cross-validation fold (0..folds-1) of a training text, from other bits of the same hash. */
export function foldOf(text: string, folds: number): number {
  return (fnv1a(text) >>> 8) % folds;
}

/**
 * A lexicon baseline: count words that say a figure went up or down (a short hand-made list in
 * the spirit of Loughran & McDonald's finance word lists, not their lexicon); more "up" words
 * is positive, more "down" words negative, otherwise neutral.
 */
export const LEXICON = {
  positive: 'beat beats boost boosted expand expanded expansion gain gained gains grew grow growing grows growth higher improve improved improvement improves increase increased increases increasing jump jumped positive record rise risen rises rising rose strong stronger success successful surge surged up win won'.split(' '),
  negative: 'bankruptcy cut cuts decline declined declines decrease decreased decreases decreasing deficit down drop dropped drops fall fallen falls fell laid layoff layoffs lawsuit loss losses lower negative plunge plunged slump warned warning weak weaker worse worsened'.split(' '),
};

export function lexiconLabel(text: string): 'positive' | 'negative' | 'neutral' {
  let score = 0;
  for (const w of wordTokens(lowerAscii(text))) score += LEXICON.positive.includes(w) ? 1 : LEXICON.negative.includes(w) ? -1 : 0;
  return score > 0 ? 'positive' : score < 0 ? 'negative' : 'neutral';
}

/** Published figures for FinBERT on the Financial PhraseBank (Araci 2019, arXiv:1908.10063, table 2), for comparison only. */
export const FINBERT_PUBLISHED = {
  citation: 'Araci (2019), FinBERT: Financial Sentiment Analysis with Pre-trained Language Models, arXiv:1908.10063, table 2',
  allAgreement: { accuracy: 0.86, f1: 0.84 },
  fullAgreement: { accuracy: 0.97, f1: 0.95 },
};
