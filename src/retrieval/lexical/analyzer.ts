import { STOP_WORDS } from '../../catalog/stop-words.ts';

/**
 * The lexical stage's text analysis, shared by documents and queries so both reduce a word to the
 * same term: lower case, letters and digits only, English function words and caption filler
 * dropped, plurals folded to the singular ("guitars" → "guitar", "melodies" → "melody").
 */

/** Runs of letters/digits; "r&b", "drum'n'bass" and "hip-hop" split at the punctuation. */
const WORD = /[\p{L}\p{N}]+/gu;

/** Words as they stand, lower case, in order (no stop-word removal): what query parsing walks. */
export function words(text: string): string[] {
  return [...text.normalize('NFKC').toLowerCase().matchAll(WORD)].map((m) => m[0]);
}

/**
 * Harman's "S" stemmer (1991): the plural rules only, which never merge unrelated words the way
 * a full stemmer does ("organ"/"organic" stay apart). -ies → -y, -es → -e, -s → "" except
 * after u or s ("chorus", "bass") and in -aes/-ees/-oes.
 */
export function singular(word: string): string {
  if (word.length <= 3) return word;
  if (word.endsWith('ies') && !/[ae]ies$/.test(word)) return `${word.slice(0, -3)}y`;
  if (word.endsWith('es') && !/[aeo]es$/.test(word)) return word.slice(0, -1);
  if (word.endsWith('s') && !/[us]s$/.test(word)) return word.slice(0, -1);
  return word;
}

/** A word worth matching: not a stop word, not a lone letter. */
export function isContentWord(word: string): boolean {
  return word.length > 1 && !STOP_WORDS.has(word);
}

/** The terms of a text: content words, folded to the singular. */
export function terms(text: string): string[] {
  return words(text).filter(isContentWord).map(singular);
}
