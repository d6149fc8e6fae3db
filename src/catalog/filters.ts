import { UserError } from '../errors.ts';
import { moodRole, tagPhrase } from './tag-words.ts';
import { TAG_CATEGORIES } from './track.ts';
import type { TagCategory, Track } from './track.ts';

/**
 * Track filters (pure): which tags a result must carry and how long it may run. Within a
 * category any listed tag matches (mood happy OR calm); categories combine with AND.
 * The recommender applies a filter after retrieval and widens its candidates when too few pass.
 */

export interface TrackFilter {
  mood?: string | readonly string[];
  genre?: string | readonly string[];
  instrument?: string | readonly string[];
  /** Longest duration in seconds; tracks of unknown duration do not pass. */
  maxDurationSec?: number;
}

/** What a user typed: tags as one string ("happy, calm") or a list; duration as seconds or "3:30". */
export interface TrackFilterInput {
  mood?: string | readonly string[] | null;
  genre?: string | readonly string[] | null;
  instrument?: string | readonly string[] | null;
  maxDuration?: string | number | null;
}

/** The tags a catalog uses, per category, with how many tracks carry each. */
export type TagVocabulary = Record<TagCategory, ReadonlyMap<string, number>>;

const CATEGORY_NAME: Record<TagCategory, string> = { mood: 'mood', genre: 'genre', instrument: 'instrument' };

export function catalogVocabulary(tracks: readonly Pick<Track, 'tags'>[]): TagVocabulary {
  const vocab = { mood: new Map<string, number>(), genre: new Map<string, number>(), instrument: new Map<string, number>() };
  for (const t of tracks) {
    for (const c of TAG_CATEGORIES) for (const tag of t.tags[c]) vocab[c].set(tag, (vocab[c].get(tag) ?? 0) + 1);
  }
  return vocab;
}

/**
 * Validates user input against the catalog's own tags. Accepts tags as written in the
 * catalog and as people write them ("electric guitar", "hip-hop", "R&B", "dreamy", "drums"
 * for drum). An unknown tag is a UserError naming the closest tags of that category.
 */
export function parseTrackFilter(input: TrackFilterInput, vocabulary: TagVocabulary): TrackFilter {
  const filter: TrackFilter = {};
  for (const c of TAG_CATEGORIES) {
    const values = splitValues(input[c]);
    if (values.length) filter[c] = [...new Set(values.map((v) => resolveTag(v, c, vocabulary[c])))];
  }
  if (input.maxDuration !== undefined && input.maxDuration !== null && String(input.maxDuration).trim() !== '') {
    filter.maxDurationSec = parseDuration(input.maxDuration);
  }
  return filter;
}

export function matchesFilter(track: Pick<Track, 'tags' | 'durationSec'>, filter: TrackFilter): boolean {
  for (const c of TAG_CATEGORIES) {
    const wanted = asList(filter[c]);
    if (wanted.length && !wanted.some((tag) => track.tags[c].includes(tag))) return false;
  }
  if (filter.maxDurationSec !== undefined) {
    if (track.durationSec === undefined || track.durationSec > filter.maxDurationSec) return false;
  }
  return true;
}

export function isEmptyFilter(filter: TrackFilter): boolean {
  return TAG_CATEGORIES.every((c) => asList(filter[c]).length === 0) && filter.maxDurationSec === undefined;
}

/** "mood: happy or calm, genre: rock, up to 3:30"; "no filter" when empty. */
export function describeFilter(filter: TrackFilter): string {
  const parts: string[] = [];
  for (const c of TAG_CATEGORIES) {
    const tags = asList(filter[c]);
    if (tags.length) parts.push(`${CATEGORY_NAME[c]}: ${tags.join(' or ')}`);
  }
  if (filter.maxDurationSec !== undefined) parts.push(`up to ${formatDuration(filter.maxDurationSec)}`);
  return parts.length ? parts.join(', ') : 'no filter';
}

/** Seconds from "210", "210s", "3:30", "3.5m", "4 min", "1h"; a UserError otherwise. */
export function parseDuration(value: string | number): number {
  const fail = () =>
    new UserError(
      `"${value}" is not a duration.`,
      'Give seconds (210), minutes and seconds (3:30) or minutes (4m).',
    );
  let seconds: number;
  if (typeof value === 'number') {
    seconds = value;
  } else {
    const s = value.trim().toLowerCase();
    const clock = /^(\d+):([0-5]\d)$/.exec(s);
    const unit = /^(\d+(?:\.\d+)?)\s*(s|sec|secs|seconds?|m|min|mins|minutes?|h|hours?)?$/.exec(s);
    if (clock) seconds = Number(clock[1]) * 60 + Number(clock[2]);
    else if (unit) seconds = Number(unit[1]) * (unit[2]?.startsWith('h') ? 3600 : unit[2]?.startsWith('m') ? 60 : 1);
    else throw fail();
  }
  if (!Number.isFinite(seconds) || seconds <= 0) throw fail();
  return seconds;
}

export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** Up to `n` tags spelled like `word` (edit distance, or containing it), commonest first on ties. */
export function closeMatches(word: string, tags: ReadonlyMap<string, number>, n = 3): string[] {
  const key = tagKey(word);
  // Short words tolerate one typo: "rok" is rock, not pop.
  const limit = key.length <= 4 ? 1 : key.length <= 8 ? 2 : 3;
  return [...tags]
    .map(([tag, count]) => {
      const k = tagKey(tag);
      // A typed prefix or inner word ("electric", "guitar") counts as one edit away.
      const related = k.startsWith(key) || (key.length >= 4 && k.includes(key));
      return { tag, count, distance: related ? Math.min(1, editDistance(key, k)) : editDistance(key, k) };
    })
    .filter((m) => m.distance <= limit)
    .sort((a, b) => a.distance - b.distance || b.count - a.count || a.tag.localeCompare(b.tag))
    .slice(0, n)
    .map((m) => m.tag);
}

function resolveTag(value: string, category: TagCategory, tags: ReadonlyMap<string, number>): string {
  const index = new Map<string, string>();
  for (const tag of tags.keys()) {
    index.set(tagKey(tag), tag);
    const phrase = category === 'mood' ? moodPhrase(tag) : tagPhrase(tag);
    if (!index.has(tagKey(phrase))) index.set(tagKey(phrase), tag);
  }
  const key = tagKey(value);
  const found = index.get(key) ?? index.get(`${key}s`) ?? (key.endsWith('s') ? index.get(key.slice(0, -1)) : undefined);
  if (found) return found;
  const close = closeMatches(value, tags);
  const name = CATEGORY_NAME[category];
  if (tags.size === 0) throw new UserError(`Unknown ${name} "${value}": this catalog has no ${name} tags.`);
  const common = [...tags].sort((a, b) => b[1] - a[1]).slice(0, 10).map(([t]) => t);
  throw new UserError(
    close.length ? `Unknown ${name} "${value}". Close matches: ${close.join(', ')}.` : `Unknown ${name} "${value}".`,
    `Common ${name} tags here: ${common.join(', ')}.`,
  );
}

function moodPhrase(tag: string): string {
  const role = moodRole(tag);
  return role.kind === 'theme' ? tag : role.word;
}

/** Spelling-insensitive key: "Hip-Hop" → "hiphop", "R&B" → "rnb", "drum and bass" → "drumnbass". */
function tagKey(s: string): string {
  return s
    .toLowerCase()
    .replace(/\s*(?:&|\band\b|'n'|\bn\b)\s*/g, 'n')
    .replace(/[^\p{L}\p{N}]/gu, '');
}

function splitValues(v: string | readonly string[] | null | undefined): string[] {
  if (v === undefined || v === null) return [];
  const items = typeof v === 'string' ? v.split(/[,;|]|\s+or\s+/i) : v;
  return items.map((s) => s.trim()).filter(Boolean);
}

function asList(v: string | readonly string[] | undefined): readonly string[] {
  if (v === undefined) return [];
  return (typeof v === 'string' ? [v] : v).map((s) => s.trim().toLowerCase()).filter(Boolean);
}

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}
