import type { Track } from '../catalog/track.ts';
import type { ResultView, TrackEntry } from './result-view.ts';

/**
 * A result list as files a person keeps: an extended M3U playlist (UTF-8, `.m3u8`) and a CSV
 * sheet, with each track's licence and a credit line. Pure: the same view gives the same bytes,
 * whichever front end asks (the bot's Save button today).
 */
export interface PlaylistExport {
  m3u8: string;
  csv: string;
  /** Safe file name without extension, from the prompt (`cratedigger-calm-piano`). */
  filenameBase: string;
  /** One credit per entry, in rank order. */
  credits: Credit[];
  /** Entries the playlist could not list because they have no link (they stay in the CSV). */
  unlinked: number;
}

/** Who made a track and under which terms: what a reuse has to say. */
export interface Credit {
  rank: number;
  trackId: string;
  /** `"Title" by Artist`; the track id stands in for a missing title. */
  label: string;
  license?: string;
  licenseUrl?: string;
  link?: string;
}

export const CSV_COLUMNS = ['rank', 'id', 'title', 'artist', 'tags', 'link', 'licence', 'licence_url', 'duration_sec'] as const;
/** Longest file name part taken from the prompt. */
export const FILENAME_SLUG_CHARS = 60;
export const UNKNOWN_LICENSE = 'licence unknown';

export function exportPlaylist(view: Pick<ResultView, 'prompt' | 'filter' | 'entries'>): PlaylistExport {
  // The whole list in rank order, whatever page is showing; stable for equal ranks.
  const entries = [...view.entries].sort((a, b) => a.rank - b.rank);
  const credits = entries.map(creditOf);
  const { text: m3u8, unlinked } = buildM3u8(view, entries, credits);
  return { m3u8, csv: buildCsv(entries), filenameBase: filenameBase(view.prompt), credits, unlinked };
}

/**
 * Licences for entries that lack them (page state saved before entries carried them), looked up
 * by track id in the serving catalog: one pass over it, only when something is missing.
 */
export function withLicenses<V extends Pick<ResultView, 'entries'>>(view: V, tracks: () => Iterable<Pick<Track, 'id' | 'license' | 'licenseUrl'>>): V {
  const missing = new Set(view.entries.filter((e) => !e.license).map((e) => e.trackId));
  if (!missing.size) return view;
  const found = new Map<string, Pick<Track, 'license' | 'licenseUrl'>>();
  for (const t of tracks()) if (missing.has(t.id) && t.license) found.set(t.id, t);
  if (!found.size) return view;
  return {
    ...view,
    entries: view.entries.map((e) => {
      const t = e.license ? undefined : found.get(e.trackId);
      return t ? { ...e, license: t.license, ...(t.licenseUrl ? { licenseUrl: t.licenseUrl } : {}) } : e;
    }),
  };
}

// ---- credits -----------------------------------------------------------------------------------

/** Catalog text on one line: no control or line-break characters (they would start a new playlist line). */
export function oneLine(s: string | undefined): string {
  // eslint-disable-next-line no-control-regex
  return (s ?? '').replace(/[\u0000-\u001F\u007F-\u009F\u2028\u2029]+/g, ' ').replace(/\s+/g, ' ').trim();
}

/** A link worth writing: one http(s) URL without spaces; anything else from the catalog is dropped. */
export function safeLink(url: string | undefined): string | undefined {
  const u = (url ?? '').trim();
  return /^https?:\/\/[^\s<>"]+$/i.test(u) ? u : undefined;
}

export function creditOf(e: TrackEntry): Credit {
  const title = oneLine(e.title) || oneLine(e.trackId);
  const artist = oneLine(e.artist);
  const license = oneLine(e.license);
  const licenseUrl = safeLink(e.licenseUrl);
  const link = safeLink(e.url);
  return {
    rank: e.rank,
    trackId: e.trackId,
    label: artist ? `"${title}" by ${artist}` : `"${title}"`,
    ...(license ? { license } : {}),
    ...(licenseUrl ? { licenseUrl } : {}),
    ...(link ? { link } : {}),
  };
}

/** `"Title" by Artist — CC BY-NC-SA 3.0 <deed> — <track page>`, as plain text. */
export function creditLine(c: Credit): string {
  const terms = c.license ? (c.licenseUrl ? `${c.license} <${c.licenseUrl}>` : c.license) : c.licenseUrl ? `<${c.licenseUrl}>` : UNKNOWN_LICENSE;
  return [c.label, terms, ...(c.link ? [c.link] : [])].join(' — ');
}

// ---- m3u8 --------------------------------------------------------------------------------------

/**
 * Extended M3U: `#EXTM3U`, `#PLAYLIST:` naming the prompt, then per track its credit as a comment,
 * `#EXTINF:<seconds or -1>,<artist> - <title>` and its link. An entry without a link cannot be a
 * playlist item (a player needs a location), so it is listed as a comment only and stays in the CSV.
 */
function buildM3u8(view: Pick<ResultView, 'prompt' | 'filter'>, entries: TrackEntry[], credits: Credit[]): { text: string; unlinked: number } {
  const name = oneLine(view.filter ? `${view.prompt} (${view.filter})` : view.prompt);
  const lines = [
    '#EXTM3U',
    `#PLAYLIST:cratedigger: ${name}`,
    '# Made by cratedigger from a /recommend prompt. Each track keeps its own licence: see its credit line.',
  ];
  let unlinked = 0;
  entries.forEach((e, i) => {
    const c = credits[i]!;
    lines.push('', `# ${c.rank}. ${creditLine(c)}`);
    if (!c.link) {
      unlinked++;
      lines.push(`# (${oneLine(e.trackId)} has no public link, so it is not a playlist item)`);
      return;
    }
    const seconds = e.durationSec !== undefined && Number.isFinite(e.durationSec) && e.durationSec > 0 ? Math.round(e.durationSec) : -1;
    const title = oneLine(e.title) || oneLine(e.trackId);
    const artist = oneLine(e.artist);
    lines.push(`#EXTINF:${seconds},${artist ? `${artist} - ${title}` : title}`, c.link);
  });
  return { text: `${lines.join('\n')}\n`, unlinked };
}

// ---- csv ---------------------------------------------------------------------------------------

/**
 * A text cell, safe to open in a spreadsheet. Catalog text is untrusted: a cell starting with
 * = + - @ (or a tab or carriage return, which some programs skip before one) would run as a
 * formula (CSV injection), so it gets a leading apostrophe and is read as text.
 */
export function guardFormula(cell: string): string {
  return /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}

/** RFC 4180: quoted when it holds a comma, a quote or a line break; quotes doubled. */
export function csvField(cell: string): string {
  return /[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
}

const textCell = (s: string | undefined) => csvField(guardFormula(s ?? ''));

/**
 * One header row, then one row per entry in rank order, CRLF line ends (RFC 4180), no byte-order
 * mark. Unknown title or artist stay empty (the id column names the track); tags are joined with
 * "; " in mood, genre, instrument order.
 */
function buildCsv(entries: TrackEntry[]): string {
  const rows = entries.map((e) =>
    [
      String(e.rank),
      textCell(e.trackId),
      textCell(e.title?.trim()),
      textCell(e.artist?.trim()),
      textCell([...e.mood, ...e.genre, ...e.instrument].join('; ')),
      textCell(e.url),
      textCell(e.license),
      textCell(e.licenseUrl),
      e.durationSec !== undefined && Number.isFinite(e.durationSec) ? String(Math.round(e.durationSec)) : '',
    ].join(','),
  );
  return `${[CSV_COLUMNS.join(','), ...rows].join('\r\n')}\r\n`;
}

// ---- file names --------------------------------------------------------------------------------

/** `cratedigger-<slug of the prompt>`: ASCII letters, digits and dashes, bounded length. */
export function filenameBase(prompt: string): string {
  const slug = prompt
    .normalize('NFKD')
    .replace(/[\u0300-\u036F]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  let cut = slug.slice(0, FILENAME_SLUG_CHARS);
  // Cut at a word boundary when the prompt is longer, without a trailing dash.
  if (slug.length > FILENAME_SLUG_CHARS && cut.includes('-')) cut = cut.slice(0, cut.lastIndexOf('-'));
  cut = cut.replace(/-+$/, '');
  return cut ? `cratedigger-${cut}` : 'cratedigger-results';
}
