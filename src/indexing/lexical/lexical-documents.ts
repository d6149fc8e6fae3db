import { TAG_CATEGORIES, type Track } from '../../catalog/track.ts';
import { singular, terms, words } from '../../retrieval/lexical/analyzer.ts';
import { type LexicalDocument, tagTerm } from '../../retrieval/lexical/lexical-index.ts';

/**
 * Tracks as lexical documents. Fields: the caption, its keywords, and the tags as words (a
 * compound tag also as the words it is made of: `acousticguitar` → acousticguitar, acoustic,
 * guitar); plus each tag as an exact term per category, which query understanding targets.
 */

/** Default BM25F field weights: a word in the tags or keywords says more than one in the prose. */
export const DEFAULT_FIELD_WEIGHTS: Readonly<Record<string, number>> = { caption: 1, keywords: 1.5, tags: 2 };

/**
 * Splits a spaceless compound into known words, fewest pieces first ("easylistening" → easy
 * listening, "drumnbass" → drum n bass; "n" joins like "and"). Null when it cannot be split.
 */
export function splitCompound(tag: string, known: ReadonlySet<string>): string[] | null {
  const n = tag.length;
  // best[i]: fewest pieces covering tag[0, i).
  const best: (string[] | null)[] = Array.from({ length: n + 1 }, () => null);
  best[0] = [];
  for (let i = 0; i < n; i++) {
    const prefix = best[i];
    if (!prefix) continue;
    for (let j = i + 1; j <= n; j++) {
      const piece = tag.slice(i, j);
      const ok = (piece.length >= 3 && known.has(piece)) || (piece === 'n' && i > 0 && j < n);
      if (!ok) continue;
      const cand = [...prefix, piece];
      if (!best[j] || cand.length < best[j]!.length) best[j] = cand;
    }
  }
  const out = best[n];
  return out && out.length > 1 ? out.filter((p) => p !== 'n') : null;
}

/** Every word of the catalog's captions and keywords: what compound tags are split into. */
export function catalogWords(tracks: readonly Track[]): Set<string> {
  const out = new Set<string>();
  for (const t of tracks) {
    for (const w of words(t.caption)) out.add(w);
    for (const k of t.keywords) for (const w of words(k)) out.add(w);
  }
  return out;
}

/** The tag's words for the `tags` field: the tag, and its parts when it is a compound. */
export function tagWords(tag: string, known: ReadonlySet<string>): string[] {
  const parts = splitCompound(tag.replace(/[^\p{L}\p{N}]+/gu, ''), known);
  return [...terms(tag), ...(parts ?? []).map(singular)];
}

export function lexicalDocuments(tracks: readonly Track[]): LexicalDocument[] {
  const known = catalogWords(tracks);
  const splitCache = new Map<string, string[]>();
  const wordsOf = (tag: string) => {
    let w = splitCache.get(tag);
    if (!w) splitCache.set(tag, (w = tagWords(tag, known)));
    return w;
  };
  return tracks.map((t) => ({
    fields: {
      caption: terms(t.caption),
      keywords: t.keywords.flatMap(terms),
      tags: TAG_CATEGORIES.flatMap((c) => t.tags[c].flatMap(wordsOf)),
    },
    tags: TAG_CATEGORIES.flatMap((c) => t.tags[c].map((tag) => tagTerm(c, tag))),
  }));
}
