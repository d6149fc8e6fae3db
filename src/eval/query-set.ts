import { catalogVocabulary } from '../catalog/filters.ts';
import { article, moodRole, tagPhrase } from '../catalog/tag-words.ts';
import type { TagMap } from '../catalog/tags.ts';
import type { TagCategory, Track } from '../catalog/track.ts';
import { spaceless } from '../retrieval/query/tag-lexicon.ts';
import { fnv1a, randomFromSeed } from '../util/prng.ts';
import type { ParaphraseTable } from './paraphrases.ts';

/**
 * The evaluation's queries, built deterministically from a catalog: pairs of tags from two
 * categories (mood + instrument, mood + genre, genre + instrument) that enough tracks carry
 * together, each phrased freely by one of several templates — once with the tags' own words
 * (literal split) and once with paraphrases that avoid them (paraphrase split). A query's
 * relevant tracks are those carrying both tags. Each pair goes wholly to the dev half or the
 * test half, by a hash of its tags: tune on dev, report test.
 */

export type Split = 'literal' | 'paraphrase';
export type Half = 'dev' | 'test';

export interface EvalTag {
  category: TagCategory;
  tag: string;
}

export interface EvalQuery {
  id: string;
  prompt: string;
  split: Split;
  half: Half;
  tags: [EvalTag, EvalTag];
  /** Rows (in the catalog's order) of the tracks carrying both tags. */
  relevant: ReadonlySet<number>;
}

export interface QuerySetOptions {
  /** Fewest tracks that must carry a pair for it to be asked (default 20). */
  minRelevant?: number;
  /** Pairs drawn per category pair (default 60). */
  pairsPerKind?: number;
  paraphrases?: ParaphraseTable;
  /** Aliases of the catalog's tags: paraphrases using one are dropped (they are literal). */
  aliases?: TagMap;
  seed?: number;
}

const KINDS: readonly [TagCategory, TagCategory][] = [
  ['mood', 'instrument'],
  ['mood', 'genre'],
  ['genre', 'instrument'],
];

/** How a tag reads inside a sentence: a mood as an adjective or a setting, others as nouns. */
interface Words {
  /** Before a noun: "calm", "acoustic guitar", "hip hop". */
  modifier: string;
  /** After "with"/"featuring": "piano", "drums". */
  noun: string;
  /** A mood as a purpose ("for horror scenes"); null for adjectives. */
  purpose: string | null;
}

function literalWords(t: EvalTag): Words {
  const phrase = tagPhrase(t.tag);
  if (t.category !== 'mood') return { modifier: phrase, noun: phrase, purpose: null };
  const role = moodRole(t.tag);
  if (role.kind === 'adjective') return { modifier: role.word, noun: role.word, purpose: null };
  if (role.kind === 'theme') return { modifier: t.tag, noun: t.tag, purpose: role.phrase };
  return { modifier: role.word, noun: role.word, purpose: null };
}

const TEMPLATES: Readonly<Record<string, readonly ((a: Words, b: Words) => string)[]>> = {
  'mood+instrument': [
    (m, i) => (m.purpose ? `${i.noun} music for ${m.purpose}` : `${m.modifier} ${i.noun} music`),
    (m, i) => (m.purpose ? `something with ${i.noun} for ${m.purpose}` : `something ${m.modifier} with ${i.noun}`),
    (m, i) => (m.purpose ? `I need a track featuring ${i.noun} for ${m.purpose}` : `I want ${article(m.modifier)} ${m.modifier} track featuring ${i.noun}`),
    (m, i) => `${i.noun}, ${m.purpose ? `for ${m.purpose}` : `${m.modifier} mood`}`,
  ],
  'mood+genre': [
    (m, g) => (m.purpose ? `${g.modifier} for ${m.purpose}` : `${m.modifier} ${g.modifier}`),
    (m, g) => (m.purpose ? `${article(g.modifier)} ${g.modifier} track for ${m.purpose}` : `${article(g.modifier)} ${g.modifier} track that feels ${m.modifier}`),
    (m, g) => (m.purpose ? `play some ${g.modifier} for ${m.purpose}` : `play some ${m.modifier} ${g.modifier} music`),
  ],
  'genre+instrument': [
    (g, i) => `${g.modifier} with ${i.noun}`,
    (g, i) => `${g.modifier} track featuring ${i.noun}`,
    (g, i) => `${i.noun} in a ${g.modifier} style`,
  ],
};

/** Paraphrased words read as modifiers ("spooky piano music", "road trip folk"). */
function paraphraseWords(phrase: string): Words {
  return { modifier: phrase, noun: phrase, purpose: null };
}

export function buildQuerySet(tracks: readonly Track[], opts: QuerySetOptions = {}): EvalQuery[] {
  const minRelevant = opts.minRelevant ?? 20;
  const perKind = opts.pairsPerKind ?? 60;
  const random = randomFromSeed(opts.seed ?? 20261201);
  const vocab = catalogVocabulary(tracks);
  const banned = literalForms(vocab, opts.aliases);
  const queries: EvalQuery[] = [];

  for (const [ca, cb] of KINDS) {
    const kind = `${ca}+${cb}`;
    // Pair counts in one pass over the tracks.
    const pairs = new Map<string, number[]>();
    tracks.forEach((t, row) => {
      for (const a of t.tags[ca]) for (const b of t.tags[cb]) {
        const key = `${a}\t${b}`;
        (pairs.get(key) ?? pairs.set(key, []).get(key)!).push(row);
      }
    });
    const eligible = [...pairs].filter(([, rows]) => rows.length >= minRelevant).sort((x, y) => (x[0] < y[0] ? -1 : 1));
    const templates = TEMPLATES[kind]!;
    const ask = (key: string, rows: number[], split: Split) => {
      const [a, b] = key.split('\t') as [string, string];
      const tags: [EvalTag, EvalTag] = [{ category: ca, tag: a }, { category: cb, tag: b }];
      const half: Half = fnv1a(`${kind}:${key}`) % 2 === 0 ? 'dev' : 'test';
      const pick = random.pick(templates);
      const words = (t: EvalTag): Words => {
        if (split === 'literal') return literalWords(t);
        const list = usable(opts.paraphrases?.[t.category]?.[t.tag], banned);
        return paraphraseWords(random.pick(list));
      };
      const id = `${kind}:${a}+${b}${split === 'paraphrase' ? '~' : ''}`;
      queries.push({ id, prompt: pick(words(tags[0]), words(tags[1])), split, half, tags, relevant: new Set(rows) });
    };
    // Literal: pairs drawn from all eligible pairs. Paraphrase: from the pairs whose two tags
    // both have usable paraphrases (fewer), drawn separately so the split is as large.
    const literal = eligible.slice();
    random.shuffle(literal);
    for (const [key, rows] of literal.slice(0, perKind)) ask(key, rows, 'literal');
    const paraphrasable = eligible.filter(([key]) => {
      const [a, b] = key.split('\t') as [string, string];
      return usable(opts.paraphrases?.[ca]?.[a], banned).length > 0 && usable(opts.paraphrases?.[cb]?.[b], banned).length > 0;
    });
    random.shuffle(paraphrasable);
    for (const [key, rows] of paraphrasable.slice(0, perKind)) ask(key, rows, 'paraphrase');
  }
  return queries;
}

/** Every word or spaceless form that names a tag literally (the tags and their aliases). */
function literalForms(vocab: ReturnType<typeof catalogVocabulary>, aliases: TagMap | undefined): Set<string> {
  const out = new Set<string>();
  for (const c of ['mood', 'genre', 'instrument'] as const) {
    for (const tag of vocab[c].keys()) out.add(spaceless(tag));
    for (const alias of aliases?.[c]?.keys() ?? []) out.add(spaceless(alias));
  }
  return out;
}

/** Paraphrases that use no tag's or alias's own word (those would be literal). */
function usable(list: readonly string[] | undefined, banned: ReadonlySet<string>): string[] {
  return (list ?? []).filter((p) => !banned.has(spaceless(p)) && !p.split(/[\s-]+/).some((w) => banned.has(spaceless(w))));
}
