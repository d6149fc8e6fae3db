import { createHash } from 'node:crypto';
import type { TrackFilter } from '../catalog/filters.ts';
import { TAG_CATEGORIES } from '../catalog/track.ts';

export interface ResultKeyParts {
  /** The prompt as the recommender normalized it (trimmed, whitespace collapsed). */
  prompt: string;
  /** Results per page the user asked for. */
  count: number;
  /** Results kept for paging. */
  kept: number;
  filter: TrackFilter;
  /** The serving index's content version: a reload to other content misses naturally. */
  indexVersion: string;
  models: { text: string; clap: string | null };
  /** "More like this": the seed track's id (the prompt is then its label); absent for prompts. */
  seed?: string;
}

/** Filter as a canonical value: categories in a fixed order, tags sorted and lower-cased. */
function canonicalFilter(filter: TrackFilter): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const c of TAG_CATEGORIES) {
    const v = filter[c];
    const list = v === undefined ? [] : (typeof v === 'string' ? [v] : [...v]).map((t) => t.trim().toLowerCase()).filter(Boolean);
    if (list.length) out[c] = [...new Set(list)].sort();
  }
  if (filter.maxDurationSec !== undefined) out.maxDurationSec = filter.maxDurationSec;
  return out;
}

/**
 * The cache key of one query's results: the same words in any case or spacing, the same
 * count, filters, index content and models give the same key; anything else another key.
 */
export function resultCacheKey(parts: ResultKeyParts): string {
  const canonical = {
    v: 1,
    prompt: parts.prompt.replace(/\s+/g, ' ').trim().toLowerCase(),
    count: parts.count,
    kept: parts.kept,
    filter: canonicalFilter(parts.filter),
    index: parts.indexVersion,
    models: [parts.models.text, parts.models.clap],
    ...(parts.seed !== undefined ? { seed: parts.seed } : {}),
  };
  return `r1:${createHash('sha256').update(JSON.stringify(canonical)).digest('hex').slice(0, 40)}`;
}
