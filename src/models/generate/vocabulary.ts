/**
 * The whole words generated tokenizers learn, in priority order (a smaller `--vocab` drops the
 * tail): every MTG-Jamendo tag first, then music description words, then common English.
 */
import { JAMENDO_GENRES, JAMENDO_INSTRUMENTS, JAMENDO_MOODS } from '../../catalog/jamendo-vocabulary.ts';
import { CONCEPT_GROUPS } from './concepts.ts';
import { ENGLISH_WORDS, MUSIC_WORDS } from './words.ts';

/** Lowercase ASCII letters and digits only: what both tokenizers treat as one word. */
const WORD = /^[a-z0-9]+$/;

export function vocabularyWords(): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  const sources = [
    JAMENDO_MOODS,
    JAMENDO_GENRES,
    JAMENDO_INSTRUMENTS,
    MUSIC_WORDS,
    Object.values(CONCEPT_GROUPS).flat(),
    ENGLISH_WORDS,
  ];
  for (const source of sources) {
    for (const word of source) {
      if (!WORD.test(word) || seen.has(word)) continue;
      seen.add(word);
      out.push(word);
    }
  }
  return out;
}
