import { catalogVocabulary } from '../../catalog/filters.ts';
import { TAG_CATEGORIES, type TagCategory, type Track } from '../../catalog/track.ts';
import { type FormTarget, spaceless } from '../../retrieval/query/tag-lexicon.ts';
import type { FormSource } from './build-tag-lexicon.ts';
import { catalogWords, splitCompound } from './lexical-documents.ts';
import { type Synset, WordNet, type WordNetPos } from './wordnet.ts';

/**
 * Synonyms and close relatives of each tag from WordNet, as forms of the tag lexicon: words of
 * the tag's synsets ("fiddle" → violin, "violoncello" → cello), adjectives similar to or "see also"
 * of a mood ("joyful", "cheerful" → happy), derivations ("flautist" → flute) and direct hyponyms
 * of instruments and genres ("bebop" → jazz, "bluegrass" → country). Senses are restricted by what a category can mean:
 * instruments are artifacts, genres are kinds of music (noun.communication, looked up as
 * "<genre> music" too), moods are adjectives or nouns of any kind; only the commonest senses count.
 */

export interface WordNetOptions {
  /** Senses of a lemma considered, most frequent first (default 3). */
  senses?: number;
  /** Confidence of a WordNet form (default 0.6; tags and aliases have 1). */
  confidence?: number;
  /** A form naming more tags than this in one category is too vague and dropped (default 3). */
  maxTagsPerForm?: number;
  hyponyms?: boolean;
}

export const DEFAULT_WORDNET: Required<WordNetOptions> = { senses: 3, confidence: 0.6, maxTagsPerForm: 3, hyponyms: true };

/** Noun senses a category's tags may take (lexicographer files); null: any. */
const NOUN_FILES: Record<TagCategory, ReadonlySet<number>> = {
  instrument: new Set([6]), // noun.artifact
  genre: new Set([10]), // noun.communication (music genres)
  // Moods and themes: acts, attributes, cognition, communication, events, feelings, groups,
  // locations, states, times, the top concepts — not things, creatures or people.
  mood: new Set([3, 4, 7, 9, 10, 11, 12, 14, 15, 26, 28]),
};

/** Pointers followed, by what they relate. */
const RELATED = new Set(['&', '^', '\\', '=', '+']);

export function wordnetSynonyms(tracks: readonly Track[], wordnet: WordNet | null = WordNet.open(), options: WordNetOptions = {}): FormSource {
  const o = { ...DEFAULT_WORDNET, ...options };
  const forms = new Map<string, FormTarget[]>();
  if (!wordnet) return { name: 'wordnet', forms };
  const vocab = catalogVocabulary(tracks);
  const known = catalogWords(tracks);

  for (const category of TAG_CATEGORIES) {
    for (const tag of vocab[category].keys()) {
      const own = lemmasOf(tag, category, known);
      const related = new Set<string>();
      for (const lemma of own) {
        for (const pos of posFor(category)) {
          const senses = wordnet.senses(lemma, pos).filter((s) => pos !== 'noun' || NOUN_FILES[category].has(s.lexFile)).slice(0, o.senses);
          for (const s of senses) collect(wordnet, s, lemma, related, o.hyponyms && category !== 'mood');
        }
      }
      for (const word of related) {
        const form = spaceless(word);
        if (!form || own.some((l) => spaceless(l) === form)) continue;
        const list = forms.get(form) ?? [];
        if (!list.some((t) => t.category === category && t.tag === tag)) list.push({ category, tag, source: 'wordnet', confidence: o.confidence });
        forms.set(form, list);
      }
    }
  }
  // Forms that name many tags of one category say little about any of them.
  for (const [form, list] of forms) {
    const kept = list.filter((t) => list.filter((u) => u.category === t.category).length <= o.maxTagsPerForm);
    if (kept.length) forms.set(form, kept);
    else forms.delete(form);
  }
  return { name: 'wordnet', forms };
}

function posFor(category: TagCategory): WordNetPos[] {
  return category === 'mood' ? ['adj', 'noun'] : ['noun'];
}

/** The lemmas a tag may be under: itself, its compound split (`double_bass`), a genre as "<genre>_music". */
function lemmasOf(tag: string, category: TagCategory, known: ReadonlySet<string>): string[] {
  const plain = tag.toLowerCase().replace(/[\s-]+/g, '_');
  const parts = splitCompound(spaceless(tag), known);
  const out = [plain, ...(parts ? [parts.join('_')] : [])];
  if (category === 'genre') out.push(...out.map((l) => `${l}_music`));
  return [...new Set(out)];
}

function collect(wordnet: WordNet, s: Synset, lemma: string, out: Set<string>, hyponyms: boolean): void {
  for (const w of s.words) out.add(w);
  const wordIndex = s.words.indexOf(lemma) + 1;
  for (const p of s.pointers) {
    // Lexical pointers (derivations, pertainyms) belong to one word of the synset: only the tag's.
    if (p.sourceWord && p.sourceWord !== wordIndex) continue;
    const follow = RELATED.has(p.symbol) || (hyponyms && p.symbol === '~');
    if (!follow) continue;
    const target = wordnet.synset(p.pos, p.offset);
    if (p.targetWord) out.add(target.words[p.targetWord - 1]!);
    else for (const w of target.words) out.add(w);
  }
}
