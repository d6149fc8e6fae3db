import type { Track } from '../catalog/track.ts';
import { UserError } from '../errors.ts';
import type { TrackFinder, TrackMatch } from '../retrieval/track-finder.ts';
import { stripInvisible } from '../util/invisible-chars.ts';

/**
 * Tracks as a person picks them: autocomplete choices (`/similar track:`) and free text resolved
 * to one track (the same command when no choice was picked, and `npm run similar`).
 */

/** Discord's limits: 25 choices, names and values of 1–100 characters. */
export const MAX_CHOICES = 25;
export const MAX_CHOICE_CHARS = 100;
/** Words of the caption shown for tracks without a title. */
const CAPTION_WORDS = 8;

/** One line of text: invisible and bidi characters gone, whitespace runs as one space. */
function clean(text: string | undefined): string {
  return stripInvisible(text ?? '')
    .replace(/\s+/gu, ' ')
    .trim();
}

/** `text` cut to `max` characters (by code point), at a word end when one is near, with "…". */
function cut(text: string, max: number): string {
  const chars = [...text];
  if (chars.length <= max) return text;
  if (max <= 1) return chars.slice(0, max).join('');
  const head = chars.slice(0, max - 1).join('');
  const space = head.lastIndexOf(' ');
  return `${space >= head.length * 0.6 ? head.slice(0, space) : head}…`;
}

/** What a track without a title is told by: its caption's first words, else its top tags. */
function description(track: Track): string {
  const caption = clean(track.caption);
  if (caption) {
    const words = caption.split(' ');
    return words.length > CAPTION_WORDS ? `${words.slice(0, CAPTION_WORDS).join(' ')}…` : caption;
  }
  return [track.tags.genre[0], track.tags.mood[0], track.tags.instrument[0]].filter(Boolean).join(', ');
}

/**
 * "Title — Artist (track_0000948)", or with no title "track_0000948 · <first caption words or top
 * tags>"; at most 100 characters, the descriptive part shortened first so the id stays whole.
 */
export function trackChoiceLabel(track: Track): string {
  const id = clean(track.id);
  const title = clean(track.title);
  let label: string;
  if (title) {
    const artist = clean(track.artist);
    const name = artist ? `${title} — ${artist}` : title;
    const suffix = ` (${id})`;
    const room = MAX_CHOICE_CHARS - [...suffix].length;
    label = room >= 10 ? `${cut(name, room)}${suffix}` : name;
  } else {
    const about = description(track);
    const head = about ? `${id} · ` : id;
    const room = MAX_CHOICE_CHARS - [...head].length;
    label = about && room >= 10 ? `${head}${cut(about, room)}` : id;
  }
  return cut(label, MAX_CHOICE_CHARS) || '(untitled track)';
}

/** Autocomplete choices: label and track id, at most 25; tracks whose id Discord cannot carry are left out. */
export function trackChoices(matches: readonly TrackMatch[]): { name: string; value: string }[] {
  return matches
    .filter((m) => m.track.id.length > 0 && m.track.id.length <= MAX_CHOICE_CHARS)
    .slice(0, MAX_CHOICES)
    .map((m) => ({ name: trackChoiceLabel(m.track), value: m.track.id }));
}

/**
 * The one track `text` names: an exact id (what autocomplete sends, or a Jamendo number), else
 * the best match of its words. Nothing found, or nothing typed: a UserError saying what to type.
 */
export function resolveTrack(finder: TrackFinder, text: string): TrackMatch {
  const example = finder.tracks[0]?.id;
  const hint = `Type words of its title or caption${example ? `, or an id like ${example}` : ''}.`;
  const typed = text.trim();
  if (!typed) throw new UserError('Which track? None was given.', hint);
  const row = finder.rowOfId(typed);
  if (row !== undefined) return { row, track: finder.tracks[row]!, score: 1000 };
  const best = finder.find(typed, 1)[0];
  if (!best) throw new UserError(`No track matches "${cut(clean(typed), 80)}".`, hint);
  return best;
}
