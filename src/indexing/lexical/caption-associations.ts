import { TAG_CATEGORIES, type TagCategory, type Track } from '../../catalog/track.ts';
import { isContentWord, words } from '../../retrieval/lexical/analyzer.ts';
import { type FormTarget, spaceless } from '../../retrieval/query/tag-lexicon.ts';
import type { FormSource } from './build-tag-lexicon.ts';

/**
 * Word → tag associations learned from the catalog itself: a caption word that occurs far more
 * often on tracks carrying a tag than on others ("eerie" on `horror` tracks, "fiddle" on
 * `violin` ones) names that tag by paraphrase. Per word and category, the tag with the highest
 * lift P(tag | word) / P(tag), kept when the pair is frequent, the lift high and the tag a real
 * share of the word's tracks. Data-driven, so another catalog learns its own.
 */

export interface AssociationOptions {
  /** Fewest tracks with both the word and the tag. */
  minPair?: number;
  /** Lowest lift P(tag | word) / P(tag). */
  minLift?: number;
  /** Lowest P(tag | word). */
  minShare?: number;
  /** Confidence given to a learned form (tags and aliases have 1). */
  confidence?: number;
}

export const DEFAULT_ASSOCIATIONS: Required<AssociationOptions> = { minPair: 8, minLift: 3, minShare: 0.25, confidence: 0.5 };

export function captionAssociations(tracks: readonly Track[], options: AssociationOptions = {}): FormSource {
  const o = { ...DEFAULT_ASSOCIATIONS, ...options };
  const n = tracks.length;
  const wordCount = new Map<string, number>();
  const tagCount = new Map<string, number>();
  const pairCount = new Map<string, Map<string, number>>();
  for (const t of tracks) {
    const ws = new Set([...words(t.caption), ...t.keywords.flatMap(words)].filter(isContentWord));
    const tags = TAG_CATEGORIES.flatMap((c) => t.tags[c].map((tag) => `${c}=${tag}`));
    for (const tag of tags) tagCount.set(tag, (tagCount.get(tag) ?? 0) + 1);
    for (const w of ws) {
      wordCount.set(w, (wordCount.get(w) ?? 0) + 1);
      let m = pairCount.get(w);
      if (!m) pairCount.set(w, (m = new Map()));
      for (const tag of tags) m.set(tag, (m.get(tag) ?? 0) + 1);
    }
  }

  const forms = new Map<string, FormTarget[]>();
  for (const [w, pairs] of pairCount) {
    const nw = wordCount.get(w)!;
    const best = new Map<TagCategory, { tag: string; lift: number }>();
    for (const [key, nwt] of pairs) {
      if (nwt < o.minPair || nwt / nw < o.minShare) continue;
      const lift = (nwt * n) / (nw * tagCount.get(key)!);
      if (lift < o.minLift) continue;
      const [category, tag] = key.split('=') as [TagCategory, string];
      const prev = best.get(category);
      if (!prev || lift > prev.lift) best.set(category, { tag, lift });
    }
    if (!best.size) continue;
    forms.set(spaceless(w), [...best].map(([category, b]) => ({ category, tag: b.tag, source: 'caption' as const, confidence: o.confidence })));
  }
  return { name: 'caption', forms };
}
