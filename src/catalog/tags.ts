import { readFile } from 'node:fs/promises';
import { UserError } from '../errors.ts';
import type { TagCategory, TrackTags } from './track.ts';

/**
 * Tag normalization shared by every importer: lower case, trimmed, inner whitespace collapsed,
 * aliases mapped to their canonical tag, de-duplicated in first-seen order.
 */

/** Alias → canonical tag, per category (the prototype's `tag_map.json`). */
export type TagMap = Record<TagCategory, ReadonlyMap<string, string>>;

export const EMPTY_TAG_MAP: TagMap = { mood: new Map(), genre: new Map(), instrument: new Map() };

/** MTG-Jamendo's category names (`mood/theme---happy`, `tag_map.json` keys) → ours. */
const SOURCE_CATEGORY: Readonly<Record<string, TagCategory>> = {
  'mood/theme': 'mood',
  mood: 'mood',
  moodtheme: 'mood',
  genre: 'genre',
  instrument: 'instrument',
};

export function categoryFromSource(name: string): TagCategory | undefined {
  return SOURCE_CATEGORY[name.trim().toLowerCase()];
}

export function normalizeTag(tag: string): string {
  return tag.trim().toLowerCase().replace(/\s+/g, ' ');
}

/** Normalizes, maps aliases and de-duplicates one category's tags. */
export function normalizeTags(tags: Iterable<string>, aliases: ReadonlyMap<string, string> = new Map()): string[] {
  const out = new Set<string>();
  for (const raw of tags) {
    const tag = normalizeTag(raw);
    if (!tag) continue;
    out.add(aliases.get(tag) ?? tag);
  }
  return [...out];
}

export function emptyTags(): TrackTags {
  return { mood: [], genre: [], instrument: [] };
}

/** Union of two tag sets, category by category, keeping `a`'s order first. */
export function mergeTags(a: TrackTags, b: TrackTags): TrackTags {
  return {
    mood: [...new Set([...a.mood, ...b.mood])],
    genre: [...new Set([...a.genre, ...b.genre])],
    instrument: [...new Set([...a.instrument, ...b.instrument])],
  };
}

/** Parses `tag_map.json` text: `{ "genre": {alias: canonical}, "mood/theme": {...}, "instrument": {...} }`. */
export function parseTagMap(text: string, source = 'tag map'): TagMap {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new UserError(`${source} is not valid JSON: ${(err as Error).message}.`);
  }
  if (!isPlainObject(json)) {
    throw new UserError(`${source} must be a JSON object keyed by category (genre, mood/theme, instrument).`);
  }
  const maps = { mood: new Map<string, string>(), genre: new Map<string, string>(), instrument: new Map<string, string>() };
  for (const [key, value] of Object.entries(json)) {
    const category = categoryFromSource(key);
    if (!category) {
      throw new UserError(`${source}: unknown category "${key}".`, 'Use the keys genre, mood/theme and instrument.');
    }
    if (!isPlainObject(value)) throw new UserError(`${source}: "${key}" must map aliases to tags.`);
    for (const [alias, canonical] of Object.entries(value)) {
      if (typeof canonical !== 'string' || !normalizeTag(canonical)) {
        throw new UserError(`${source}: ${key} alias "${alias}" must map to a non-empty tag.`);
      }
      maps[category].set(normalizeTag(alias), normalizeTag(canonical));
    }
  }
  return maps;
}

/** Reads and parses a `tag_map.json` file; a UserError says what is wrong. */
export async function readTagMapFile(file: string): Promise<TagMap> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new UserError(`Cannot read the tag map ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}).`, 'Give the path of a tag_map.json.');
  }
  return parseTagMap(text, file);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
