import { type Track, trackUrl } from '../catalog/track.ts';
import type { Recommendation, RetrievalMode } from '../retrieval/recommender.ts';

/** Longest caption kept per result: pages show an excerpt, and page state stays small. */
export const CAPTION_KEEP_CHARS = 300;
/** Results kept per query for paging, whatever count × pages asks. */
export const MAX_KEPT_RESULTS = 50;

/** One result as pages show it: plain data, safe to store as JSON (page state, cache). */
export interface TrackEntry {
  rank: number;
  trackId: string;
  title?: string;
  artist?: string;
  url?: string;
  mood: string[];
  genre: string[];
  instrument: string[];
  durationSec?: number;
  caption: string;
  score: number;
  textScore: number;
  audioScore: number | null;
  /** Tags the prompt named that this track carries (absent in page state saved before they existed). */
  matched?: string[];
  /** Licence name and deed URL, as the catalog has them (absent in page state saved before they existed). */
  license?: string;
  licenseUrl?: string;
}

/** Everything a results message shows, for any page. The page model the embed and the console render. */
export interface ResultView {
  /** The prompt as searched (normalized). */
  prompt: string;
  /** Filters in words ("mood: calm, up to 3:30"), or null without filters. */
  filter: string | null;
  perPage: number;
  entries: TrackEntry[];
  mode: RetrievalMode;
  indexName: string;
  latencyMs: number;
  cached: boolean;
  /** What happened to the top track's preview clip, in one line; null when not applicable. */
  preview: string | null;
  /** The tags the prompt named and ruled out ("calm · piano · not voice"); null when none. */
  understood?: string | null;
  /**
   * Set for "more like this" results: the seed track (shown at the head; `prompt` is its label)
   * and why closeness is by text alone, or null. Results' `matched` are then the tags they share with it.
   */
  similar?: { seed: TrackEntry; note: string | null } | null;
}

export function toEntry(r: Recommendation): TrackEntry {
  return { ...trackEntry(r.track, r.rank), score: r.score, textScore: r.textScore, audioScore: r.audioScore, ...(r.matchedTags?.length ? { matched: [...r.matchedTags] } : {}) };
}

/** A track as an entry without scores (the seed of "more like this"; rank 0). */
export function trackEntry(t: Track, rank = 0): TrackEntry {
  const url = trackUrl(t);
  return {
    rank,
    trackId: t.id,
    ...(t.title ? { title: t.title } : {}),
    ...(t.artist ? { artist: t.artist } : {}),
    ...(url ? { url } : {}),
    mood: [...t.tags.mood],
    genre: [...t.tags.genre],
    instrument: [...t.tags.instrument],
    ...(t.durationSec !== undefined ? { durationSec: t.durationSec } : {}),
    caption: [...t.caption].slice(0, CAPTION_KEEP_CHARS).join(''),
    score: 0,
    textScore: 0,
    audioScore: null,
    ...(t.license ? { license: t.license } : {}),
    ...(t.licenseUrl ? { licenseUrl: t.licenseUrl } : {}),
  };
}

/** Results to keep for `pages` pages of `count`: at most MAX_KEPT_RESULTS. */
export function keptResults(count: number, pages: number): number {
  return Math.max(1, Math.min(MAX_KEPT_RESULTS, Math.floor(count) * Math.floor(pages)));
}

export function pageCount(view: Pick<ResultView, 'entries' | 'perPage'>): number {
  return Math.max(1, Math.ceil(view.entries.length / Math.max(1, view.perPage)));
}

/** A page index within range (0-based). */
export function clampPage(view: Pick<ResultView, 'entries' | 'perPage'>, page: number): number {
  const last = pageCount(view) - 1;
  return Math.min(last, Math.max(0, Math.floor(Number.isFinite(page) ? page : 0)));
}

export function pageEntries(view: Pick<ResultView, 'entries' | 'perPage'>, page: number): TrackEntry[] {
  const p = clampPage(view, page);
  const per = Math.max(1, view.perPage);
  return view.entries.slice(p * per, (p + 1) * per);
}

/** "Title — Artist", or the track id when the catalog has no title. */
export function entryLabel(e: Pick<TrackEntry, 'title' | 'artist' | 'trackId'>): string {
  const title = e.title?.trim() || e.trackId;
  return e.artist?.trim() ? `${title} — ${e.artist.trim()}` : title;
}

export const modeLabel = (mode: RetrievalMode): string => (mode === 'two-stage' ? 'two-stage (text + audio)' : 'text-only');

/** Score line: the final score, with its text and audio parts in two-stage mode. */
export function scoreLine(e: Pick<TrackEntry, 'score' | 'textScore' | 'audioScore'>): string {
  const f = (n: number) => n.toFixed(3);
  return e.audioScore === null ? `score ${f(e.score)}` : `score ${f(e.score)} · text ${f(e.textScore)} · audio ${f(e.audioScore)}`;
}

/** Footer words shared by the embed and the console. */
export function statusLine(view: ResultView, page: number): string {
  return [
    `Page ${clampPage(view, page) + 1}/${pageCount(view)}`,
    modeLabel(view.mode),
    `index ${view.indexName.length > 60 ? `${view.indexName.slice(0, 59)}…` : view.indexName}`,
    `${Math.round(view.latencyMs)} ms`,
    view.cached ? 'from cache' : 'fresh',
  ].join(' · ');
}
