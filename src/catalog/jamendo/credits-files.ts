import { UserError } from '../../errors.ts';
import type { ImportProblem } from './problems.ts';

/**
 * Readers for credits: MTG-Jamendo's `raw.meta.tsv` (titles, artists, albums, dates, URLs) and
 * `audio_licenses.txt` (one licence block per audio file).
 */

export interface TrackCredits {
  artistId?: string;
  albumId?: string;
  title?: string;
  artist?: string;
  album?: string;
  releaseDate?: string;
  url?: string;
}

const META_COLUMNS = ['TRACK_ID', 'ARTIST_ID', 'ALBUM_ID', 'TRACK_NAME', 'ARTIST_NAME', 'ALBUM_NAME', 'RELEASEDATE', 'URL'];

/** Jamendo's numeric ids (`948`) as catalog ids (`track_0000948`); catalog ids pass through. */
export function jamendoTrackId(raw: string): string {
  const s = raw.trim();
  return /^\d+$/.test(s) ? `track_${s.padStart(7, '0')}` : s;
}

/**
 * `raw.meta.tsv`: `TRACK_ID ARTIST_ID ALBUM_ID TRACK_NAME ARTIST_NAME ALBUM_NAME RELEASEDATE URL`.
 * Split on tabs only: some names hold unmatched quote characters, so CSV quoting rules would
 * join unrelated lines.
 */
export function parseRawMeta(
  text: string,
  source: string,
): { credits: Map<string, TrackCredits>; problems: ImportProblem[] } {
  const lines = text.split('\n');
  const header = (lines[0] ?? '').replace(/^\ufeff/, '').replace(/\r$/, '').split('\t').map((c) => c.trim().toUpperCase());
  const col = new Map(header.map((name, i) => [name, i]));
  if (!col.has('TRACK_ID') || !col.has('TRACK_NAME')) {
    throw new UserError(
      `${source}: not a raw.meta.tsv (header "${header.join(' ')}").`,
      `Expected the tab-separated columns ${META_COLUMNS.join(', ')}.`,
    );
  }
  const credits = new Map<string, TrackCredits>();
  const problems: ImportProblem[] = [];
  for (let i = 1; i < lines.length; i++) {
    const raw = lines[i]!.replace(/\r$/, '');
    if (!raw.trim()) continue;
    const problem = (message: string) => problems.push({ file: source, line: i + 1, message });
    let cells = raw.split('\t');
    // Two official rows carry one empty extra field between title and artist.
    if (cells.length === header.length + 1 && cells[4] === '' && col.get('ARTIST_NAME') === 4) {
      cells = [...cells.slice(0, 4), ...cells.slice(5)];
    }
    if (cells.length !== header.length) {
      problem(`expected ${header.length} tab-separated fields, found ${cells.length}`);
      continue;
    }
    const get = (name: string) => {
      const idx = col.get(name);
      const v = idx === undefined ? undefined : cells[idx]?.trim();
      return v ? v : undefined;
    };
    const id = get('TRACK_ID');
    if (!id) {
      problem('empty TRACK_ID');
      continue;
    }
    const trackId = jamendoTrackId(id);
    if (credits.has(trackId)) {
      problem(`duplicate track id ${trackId}; row skipped`);
      continue;
    }
    const entry: TrackCredits = {};
    const set = (key: keyof TrackCredits, value: string | undefined) => {
      if (value !== undefined) entry[key] = value;
    };
    set('artistId', get('ARTIST_ID'));
    set('albumId', get('ALBUM_ID'));
    set('title', get('TRACK_NAME'));
    set('artist', get('ARTIST_NAME'));
    set('album', get('ALBUM_NAME'));
    set('releaseDate', get('RELEASEDATE'));
    set('url', get('URL'));
    credits.set(trackId, entry);
  }
  return { credits, problems };
}

export interface LicenseEntry {
  /** Audio path as the dataset names it, e.g. `48/948.mp3`. */
  path: string;
  /** The Jamendo track number from the attribution URL, when it has one. */
  jamendoNumber?: string;
  license: string;
  licenseUrl: string;
}

const PATH_LINE = /^[\w./-]+\.(?:mp3|ogg|flac|wav|m4a|opus)$/i;
const ATTRIBUTION_LINE = /\bby\b.*\bfrom Jamendo:\s*(\S+)\s*$/i;
const LICENSE_LINE = /^Available under (.+?):\s*(https?:\/\/\S+)\s*$/i;

/**
 * `audio_licenses.txt`: blocks of three lines — the audio path; `"<title>" by <artist> from
 * Jamendo: <url>`; `Available under <licence>: <url>` — separated by any number of blank lines.
 * A malformed block is listed and skipped; reading resumes at the next path line.
 */
export function parseAudioLicenses(text: string, source: string): { licenses: LicenseEntry[]; problems: ImportProblem[] } {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, '').replace(/^\ufeff/, '').trim());
  const licenses: LicenseEntry[] = [];
  const problems: ImportProblem[] = [];
  let i = 0;
  const nextContent = (from: number) => {
    let j = from;
    while (j < lines.length && !lines[j]) j++;
    return j;
  };
  // After a bad block, resume at the next line that looks like an audio path.
  const nextPath = (from: number) => {
    let j = from;
    while (j < lines.length && !PATH_LINE.test(lines[j]!)) j++;
    return j;
  };
  while ((i = nextContent(i)) < lines.length) {
    const pathLine = lines[i]!;
    const blockLine = i + 1;
    if (!PATH_LINE.test(pathLine)) {
      problems.push({ file: source, line: blockLine, message: `expected an audio path, found "${pathLine.slice(0, 80)}"` });
      i = nextPath(i + 1);
      continue;
    }
    const a = nextContent(i + 1);
    const attribution = ATTRIBUTION_LINE.exec(lines[a] ?? '');
    const b = attribution ? nextContent(a + 1) : a;
    const licence = LICENSE_LINE.exec(lines[b] ?? '');
    if (!attribution || !licence) {
      const what = !attribution ? '"… by … from Jamendo: <url>"' : '"Available under <licence>: <url>"';
      problems.push({ file: source, line: blockLine, message: `licence block for ${pathLine} lacks a ${what} line` });
      i = nextPath(i + 1);
      continue;
    }
    const entry: LicenseEntry = {
      path: pathLine,
      license: licenseName(licence[1]!.trim(), licence[2]!),
      licenseUrl: licence[2]!,
    };
    const number = /\/track\/(\d+)/.exec(attribution[1]!)?.[1];
    if (number) entry.jamendoNumber = number;
    licenses.push(entry);
    i = b + 1;
  }
  return { licenses, problems };
}

/** `CC BY-NC-SA` + `…/by-nc-sa/3.0/` → `CC BY-NC-SA 3.0`: the version matters for the deed. */
function licenseName(name: string, url: string): string {
  if (/\d\.\d/.test(name)) return name;
  const version = /\/(\d\.\d)(?:\/|$)/.exec(url)?.[1];
  return version ? `${name} ${version}` : name;
}
