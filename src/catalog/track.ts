/** One catalog track: what the index build embeds and what results carry back to users. */
export interface TrackTags {
  mood: string[];
  genre: string[];
  instrument: string[];
}

export interface Track {
  /** Catalog id, e.g. `track_0000948` for MTG-Jamendo. Unique within a catalog. */
  id: string;
  artistId?: string;
  albumId?: string;
  /** Audio file path relative to an audio root, e.g. `48/948.mp3`. */
  path?: string;
  durationSec?: number;
  tags: TrackTags;
  /** Free-text description of the track (generated caption or written from tags). */
  caption: string;
  keywords: string[];
  title?: string;
  artist?: string;
  album?: string;
  releaseDate?: string;
  /** Public page of the track (e.g. its Jamendo page). */
  url?: string;
  /** Licence name, e.g. `CC BY-NC-SA 3.0`, and its deed URL. */
  license?: string;
  licenseUrl?: string;
}

export const TAG_CATEGORIES = ['mood', 'genre', 'instrument'] as const;
export type TagCategory = (typeof TAG_CATEGORIES)[number];

/**
 * The text the first stage embeds, as the Python prototype built it:
 * `caption | tags: <mood> <genre> <instrument>` (space-joined tags, categories in that order).
 */
export function combinedText(track: Pick<Track, 'caption' | 'tags'>): string {
  const tags = [...track.tags.mood, ...track.tags.genre, ...track.tags.instrument].join(' ');
  const caption = track.caption.trim();
  if (!tags) return caption;
  return caption ? `${caption} | tags: ${tags}` : `tags: ${tags}`;
}

const JAMENDO_ID = /^track_0*(\d+)$/;

/** Jamendo's numeric track id from a catalog id (`track_0000948` → `948`), or undefined. */
export function jamendoNumber(id: string): string | undefined {
  return JAMENDO_ID.exec(id)?.[1];
}

/** The track's public page: the catalog's URL, else Jamendo's page for Jamendo ids. */
export function trackUrl(track: Pick<Track, 'id' | 'url'>): string | undefined {
  if (track.url) return track.url;
  const n = jamendoNumber(track.id);
  return n ? `https://www.jamendo.com/track/${n}` : undefined;
}

/** Whether the licence forbids derivative works (Creative Commons *-ND): never cut or re-encode. */
export function forbidsDerivatives(license: string | undefined): boolean {
  if (!license) return false;
  return /(^|[\s-])nd([\s-]|$)/i.test(license) || /noderiv/i.test(license);
}
