import { catalogVocabulary } from '../../catalog/filters.ts';
import type { TagMap } from '../../catalog/tags.ts';
import { TAG_CATEGORIES, type TagCategory, type Track } from '../../catalog/track.ts';
import { type FormTarget, spaceless, type TagLexiconData } from '../../retrieval/query/tag-lexicon.ts';

/**
 * Builds the tag lexicon an index carries: its tags with their counts, and the other written
 * forms of them from general resources — the catalog's tag map (aliases), the rule that the
 * words for singing name the catalog's vocal tags, and optional synonym sources (a lexical
 * database, associations learned from the captions) passed in as form lists.
 */

/** Words for sung music in English: they name whichever tag the catalog uses for vocals. */
const VOCAL_FORMS = ['voice', 'voices', 'vocal', 'vocals', 'vocalist', 'vocalists', 'singer', 'singers', 'singing', 'sung', 'lyrics'];

/** Forms contributed by one resource (already tied to tags of this catalog). */
export interface FormSource {
  name: string;
  forms: ReadonlyMap<string, readonly FormTarget[]>;
}

export interface LexiconInputs {
  /** The catalog's tag map (alias → canonical tag per category). */
  aliases?: TagMap;
  /** Synonym sources, in order of trust. */
  extra?: readonly FormSource[];
}

export function buildTagLexicon(tracks: readonly Track[], inputs: LexiconInputs = {}): TagLexiconData {
  const vocab = catalogVocabulary(tracks);
  const tags = Object.fromEntries(
    TAG_CATEGORIES.map((c) => [c, Object.fromEntries([...vocab[c]].sort((a, b) => a[0].localeCompare(b[0])))]),
  ) as TagLexiconData['tags'];
  const isTagForm = new Set(TAG_CATEGORIES.flatMap((c) => Object.keys(tags[c]).map(spaceless)));
  const forms = new Map<string, FormTarget[]>();
  const resources: Record<string, number> = { tags: isTagForm.size };
  const add = (form: string, target: FormTarget): boolean => {
    if (!form || isTagForm.has(form) || !(target.tag in tags[target.category])) return false;
    const list = forms.get(form) ?? [];
    if (list.some((t) => t.category === target.category && t.tag === target.tag)) return false;
    list.push(target);
    forms.set(form, list);
    return true;
  };

  let aliasCount = 0;
  for (const c of TAG_CATEGORIES) {
    for (const [alias, tag] of inputs.aliases?.[c] ?? []) {
      if (add(spaceless(alias), { category: c, tag, source: 'alias', confidence: 1 })) aliasCount++;
    }
  }
  if (inputs.aliases) resources.aliases = aliasCount;

  const vocalTags = findVocalTags(tags, inputs.aliases);
  let ruleCount = 0;
  for (const form of VOCAL_FORMS) {
    for (const v of vocalTags) if (add(form, { ...v, source: 'rule', confidence: 0.9 })) ruleCount++;
  }
  resources.rules = ruleCount;

  for (const src of inputs.extra ?? []) {
    let n = 0;
    for (const [form, targets] of src.forms) for (const t of targets) if (add(form, t)) n++;
    resources[src.name] = n;
  }

  return {
    format: 'cratedigger-tag-lexicon',
    version: 1,
    tags,
    forms: Object.fromEntries([...forms].sort((a, b) => a[0].localeCompare(b[0]))),
    vocalTags,
    resources,
  };
}

/** Tags whose name or an alias is a word for singing (`voice`, `vocals`, …). */
function findVocalTags(tags: TagLexiconData['tags'], aliases: TagMap | undefined): { category: TagCategory; tag: string }[] {
  const vocal = new Set(VOCAL_FORMS);
  const out: { category: TagCategory; tag: string }[] = [];
  for (const c of TAG_CATEGORIES) {
    for (const tag of Object.keys(tags[c])) {
      const named = vocal.has(spaceless(tag)) || [...(aliases?.[c] ?? [])].some(([alias, t]) => t === tag && vocal.has(spaceless(alias)));
      if (named) out.push({ category: c, tag });
    }
  }
  return out;
}
