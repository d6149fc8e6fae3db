import type { TrackTags } from './track.ts';
import { article, capitalize, listPhrase, moodRole, tagPhrase } from './tag-words.ts';

/**
 * Captions written from tags, for tracks that have none: one plain sentence for imports
 * ("A calm, relaxing ambient track with piano and strings."), and varied templates for the
 * demo catalog so its captions do not all read alike. Every tag's words appear in the text.
 */

export interface CaptionParts {
  /** Mood adjectives, e.g. ["calm", "relaxing"]. */
  adjectives: string[];
  /** Uses the music suits, e.g. ["film", "travel videos"]. */
  themes: string[];
  genres: string[];
  instruments: string[];
  /** What kind of piece: "track", or a mood noun such as "ballad". */
  noun: string;
}

export function captionParts(tags: TrackTags): CaptionParts {
  const parts: CaptionParts = { adjectives: [], themes: [], genres: [], instruments: [], noun: 'track' };
  for (const tag of tags.mood) {
    const role = moodRole(tag);
    if (role.kind === 'adjective') parts.adjectives.push(role.word);
    else if (role.kind === 'theme') parts.themes.push(role.phrase);
    else if (parts.noun === 'track') parts.noun = role.word;
    else parts.adjectives.push(`${role.word}-like`);
  }
  parts.genres = tags.genre.map(tagPhrase);
  parts.instruments = tags.instrument.map(tagPhrase);
  return parts;
}

/** `a calm, relaxing ambient and chillout track` (no leading capital). */
export function nounPhrase(p: CaptionParts): string {
  const words = [p.adjectives.join(', '), listPhrase(p.genres), p.noun].filter(Boolean).join(' ');
  return `${article(words)} ${words}`;
}

/** The import's caption for a track without one: a single readable sentence. */
export function captionFromTags(tags: TrackTags): string {
  return plainSentence(captionParts(tags));
}

function plainSentence(p: CaptionParts): string {
  let s = capitalize(nounPhrase(p));
  if (p.instruments.length) s += ` with ${listPhrase(p.instruments)}`;
  if (p.themes.length) s += `, suited to ${listPhrase(p.themes)}`;
  return `${s}.`;
}

type Template = (p: CaptionParts) => string | undefined;

/** Demo caption templates; each returns undefined when the tags lack a part it needs. */
export const CAPTION_TEMPLATES: readonly Template[] = [
  plainSentence,
  (p) =>
    p.instruments.length && p.adjectives.length
      ? `${capitalize(listPhrase(p.genres) || 'instrumental')} ${p.noun} led by ${listPhrase(p.instruments)}, ` +
        `with ${article(p.adjectives[0]!)} ${listPhrase(p.adjectives)} feel.` +
        (p.themes.length ? ` Made for ${listPhrase(p.themes)}.` : '')
      : undefined,
  (p) =>
    p.instruments.length
      ? `${capitalize(nounPhrase(p))} built around ${listPhrase(p.instruments)}.` +
        (p.themes.length ? ` Works well for ${listPhrase(p.themes)}.` : '')
      : undefined,
  (p) =>
    p.adjectives.length
      ? `This ${listPhrase(p.genres)} ${p.noun} sets ${article(p.adjectives[0]!)} ${listPhrase(p.adjectives)} mood` +
        (p.instruments.length ? `, with ${listPhrase(p.instruments)} up front.` : '.') +
        (p.themes.length ? ` Good for ${listPhrase(p.themes)}.` : '')
      : undefined,
  (p) =>
    p.instruments.length
      ? `${capitalize(listPhrase(p.instruments))} ${p.instruments.length === 1 ? 'carries' : 'carry'} ${nounPhrase(p)}` +
        (p.themes.length ? ` for ${listPhrase(p.themes)}.` : '.')
      : undefined,
  (p) =>
    p.themes.length
      ? `Music for ${listPhrase(p.themes)}: ${nounPhrase(p)}` +
        (p.instruments.length ? ` featuring ${listPhrase(p.instruments)}.` : '.')
      : undefined,
];

/** The demo's caption: template number `choice` (mod the number that fit these tags). */
export function templateCaption(tags: TrackTags, choice: number): string {
  const p = captionParts(tags);
  const fitting = CAPTION_TEMPLATES.map((t) => t(p)).filter((s): s is string => s !== undefined);
  return fitting[Math.abs(Math.trunc(choice)) % fitting.length]!;
}
