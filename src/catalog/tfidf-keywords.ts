import { STOP_WORDS } from './stop-words.ts';

/**
 * Keywords from caption text by TF-IDF over the whole catalog, as the prototype did: the few
 * terms that are frequent in a caption and rare across the catalog. Heuristics keep them
 * keyword-like: no stop words or caption filler, no very short tokens, no pure numbers.
 */

export interface TfidfOptions {
  /** Terms kept per caption. */
  topK?: number;
  /** Shortest token kept, in characters. */
  minLength?: number;
  /** Words to skip besides the standard stop words (e.g. a template's own wording). */
  stopWords?: ReadonlySet<string>;
}

const TOKEN = /[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu;

/** Lower-cased candidate terms of one text, in order, stop words and junk removed. */
export function keywordTokens(text: string, minLength = 3, extraStopWords?: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (const [raw] of text.toLowerCase().matchAll(TOKEN)) {
    const token = raw.replace(/['’]s$/, ''); // "children's" → "children"
    if (token.length < minLength) continue;
    if (/^\p{N}+$/u.test(token)) continue;
    if (STOP_WORDS.has(token) || extraStopWords?.has(token)) continue;
    out.push(token);
  }
  return out;
}

/**
 * The top terms of each text, best first. Scores are tf × smoothed idf (scikit-learn's
 * `ln((1 + N) / (1 + df)) + 1`); ties go to the term that appears first in the text, so
 * the result is deterministic.
 */
export function tfidfKeywords(texts: readonly string[], options: TfidfOptions = {}): string[][] {
  return topTfidfTerms(
    texts.map((t) => keywordTokens(t, options.minLength, options.stopWords)),
    options.topK ?? 3,
  );
}

/** The same ranking over documents already split into terms (words, or whole tags). */
export function topTfidfTerms(docs: readonly (readonly string[])[], topK = 3): string[][] {
  const df = new Map<string, number>();
  for (const terms of docs) for (const term of new Set(terms)) df.set(term, (df.get(term) ?? 0) + 1);
  const n = docs.length;
  return docs.map((terms) => {
    const tf = new Map<string, { count: number; first: number }>();
    terms.forEach((term, i) => {
      const e = tf.get(term);
      if (e) e.count++;
      else tf.set(term, { count: 1, first: i });
    });
    return [...tf]
      .map(([term, { count, first }]) => ({ term, first, score: count * (Math.log((1 + n) / (1 + df.get(term)!)) + 1) }))
      .sort((a, b) => b.score - a.score || a.first - b.first)
      .slice(0, topK)
      .map((e) => e.term);
  });
}

/**
 * Explicit keywords first, then extracted terms that add something: a term already present,
 * or already a word of an explicit keyword ("guitar" after "electric guitar"), is dropped.
 */
export function mergeKeywords(explicit: readonly string[], extracted: readonly string[]): string[] {
  const out = [...new Set(explicit)];
  const words = new Set(out.flatMap((k) => k.split(/[\s-]+/)));
  for (const term of extracted) {
    if (out.includes(term) || words.has(term)) continue;
    out.push(term);
    words.add(term);
  }
  return out;
}
