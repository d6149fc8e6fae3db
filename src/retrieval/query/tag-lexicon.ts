import { z } from 'zod';
import { TAG_CATEGORIES, type TagCategory } from '../../catalog/track.ts';

/**
 * The serving index's tag vocabulary as query understanding reads it: every tag per category,
 * and the other ways people write them (the tag map's aliases, general derivations, synonyms from a
 * lexical database or learned from the captions). Built with the index and stored beside it, so a
 * query needs no resource the index does not carry. Forms are "spaceless": lower-case letters and
 * digits only ("acoustic guitar", "acoustic-guitar" → `acousticguitar`).
 */

export const FORM_SOURCES = ['tag', 'alias', 'rule', 'derived', 'wordnet', 'caption'] as const;
export type FormSource = (typeof FORM_SOURCES)[number];

/** What a written form names: a tag of a category, how it was learned, how sure that is (0–1]. */
export interface FormTarget {
  category: TagCategory;
  tag: string;
  source: FormSource;
  confidence: number;
}

const targetSchema = z.object({
  category: z.enum(TAG_CATEGORIES),
  tag: z.string().min(1),
  source: z.enum(FORM_SOURCES),
  confidence: z.number().gt(0).max(1),
});

export const tagLexiconSchema = z.object({
  format: z.literal('cratedigger-tag-lexicon'),
  version: z.literal(1),
  /** Tags per category with the number of tracks that carry each. */
  tags: z.object({ mood: z.record(z.string(), z.number()), genre: z.record(z.string(), z.number()), instrument: z.record(z.string(), z.number()) }),
  /** Extra forms (not the tags themselves) → what they name. */
  forms: z.record(z.string(), z.array(targetSchema)),
  /** Tags that mean "sung" (negated by "instrumental"). */
  vocalTags: z.array(z.object({ category: z.enum(TAG_CATEGORIES), tag: z.string() })),
  /** Which resources contributed forms, with how many each (for the manifest and the README). */
  resources: z.record(z.string(), z.number()),
});

export type TagLexiconData = z.infer<typeof tagLexiconSchema>;

/** Letters and digits only, lower case: the key every form is stored and looked up under. */
export function spaceless(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}

export class TagLexicon {
  private readonly byForm = new Map<string, FormTarget[]>();
  /** Every proper prefix of every form: a phrase is only worth extending while it is one. */
  private readonly prefixes = new Set<string>();

  constructor(readonly data: TagLexiconData) {
    for (const category of TAG_CATEGORIES) {
      for (const tag of Object.keys(data.tags[category])) this.addTarget(spaceless(tag), { category, tag, source: 'tag', confidence: 1 });
    }
    for (const [form, targets] of Object.entries(data.forms)) for (const t of targets) this.addTarget(form, t);
    for (const form of this.byForm.keys()) for (let i = 1; i < form.length; i++) this.prefixes.add(form.slice(0, i));
  }

  /** Whether some known form starts with (and is longer than) `text`. */
  isPrefix(text: string): boolean {
    return this.prefixes.has(text);
  }

  private addTarget(form: string, target: FormTarget): void {
    if (!form || !(target.tag in this.data.tags[target.category])) return;
    const list = this.byForm.get(form) ?? [];
    const same = list.find((t) => t.category === target.category && t.tag === target.tag);
    if (same) {
      if (target.confidence > same.confidence) Object.assign(same, { source: target.source, confidence: target.confidence });
      return;
    }
    list.push({ ...target });
    this.byForm.set(form, list);
  }

  /** What a spaceless form names, most confident first; empty when nothing. */
  lookup(form: string): readonly FormTarget[] {
    return this.byForm.get(form) ?? [];
  }

  /** Tracks carrying the tag (0 when the index has no such tag). */
  count(category: TagCategory, tag: string): number {
    return this.data.tags[category][tag] ?? 0;
  }

  get vocalTags(): TagLexiconData['vocalTags'] {
    return this.data.vocalTags;
  }

  /** Number of distinct forms known (tags included). */
  get size(): number {
    return this.byForm.size;
  }
}
