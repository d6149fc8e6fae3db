import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../util/atomic-write.ts';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { UserError } from '../errors.ts';
import type { Track } from './track.ts';

/**
 * The catalog file: one CSV (RFC 4180, UTF-8, header row) that every tool reads and writes.
 * List cells (tags, keywords) hold items joined by `LIST_SEPARATOR`.
 * Only `track_id` is required; other columns may be absent or empty.
 */
export const CATALOG_COLUMNS = [
  'track_id',
  'artist_id',
  'album_id',
  'path',
  'duration',
  'mood',
  'genre',
  'instrument',
  'caption',
  'keywords',
  'title',
  'artist',
  'album',
  'release_date',
  'url',
  'license',
  'license_url',
] as const;

export const LIST_SEPARATOR = ';';

function joinList(items: string[]): string {
  return items.map((s) => s.replaceAll(LIST_SEPARATOR, ',').trim()).filter(Boolean).join(LIST_SEPARATOR);
}

function splitList(cell: string | undefined): string[] {
  if (!cell) return [];
  return cell.split(LIST_SEPARATOR).map((s) => s.trim()).filter(Boolean);
}

function optional(cell: string | undefined): string | undefined {
  const v = cell?.trim();
  return v ? v : undefined;
}

export function trackToRow(t: Track): string[] {
  return [
    t.id,
    t.artistId ?? '',
    t.albumId ?? '',
    t.path ?? '',
    t.durationSec === undefined ? '' : String(t.durationSec),
    joinList(t.tags.mood),
    joinList(t.tags.genre),
    joinList(t.tags.instrument),
    t.caption,
    joinList(t.keywords),
    t.title ?? '',
    t.artist ?? '',
    t.album ?? '',
    t.releaseDate ?? '',
    t.url ?? '',
    t.license ?? '',
    t.licenseUrl ?? '',
  ];
}

export function serializeCatalog(tracks: readonly Track[]): string {
  return stringify([[...CATALOG_COLUMNS], ...tracks.map(trackToRow)]);
}

/** Parses catalog CSV text. `source` names the file in error messages. */
export function parseCatalog(text: string, source = 'catalog'): Track[] {
  let records: Record<string, string>[];
  try {
    records = parse(text, { columns: true, skip_empty_lines: true, bom: true, relax_column_count: false });
  } catch (err) {
    throw new UserError(`${source} is not a valid catalog CSV: ${(err as Error).message}.`);
  }
  if (records.length === 0) throw new UserError(`${source} has no tracks.`);
  if (!('track_id' in records[0]!)) {
    throw new UserError(
      `${source} has no track_id column (header: ${Object.keys(records[0]!).join(', ')}).`,
      'Write catalogs with `npm run catalog`, or give a CSV whose header includes track_id.',
    );
  }
  const seen = new Set<string>();
  return records.map((r, i) => {
    const line = i + 2; // header is line 1
    const id = r.track_id?.trim();
    if (!id) throw new UserError(`${source} line ${line}: empty track_id.`);
    if (seen.has(id)) throw new UserError(`${source} line ${line}: duplicate track_id ${id}.`);
    seen.add(id);
    const duration = optional(r.duration);
    const durationSec = duration === undefined ? undefined : Number(duration);
    if (durationSec !== undefined && !(Number.isFinite(durationSec) && durationSec >= 0)) {
      throw new UserError(`${source} line ${line}: duration "${duration}" is not a number of seconds.`);
    }
    const track: Track = {
      id,
      tags: { mood: splitList(r.mood), genre: splitList(r.genre), instrument: splitList(r.instrument) },
      caption: r.caption?.trim() ?? '',
      keywords: splitList(r.keywords),
    };
    const opt = {
      artistId: optional(r.artist_id),
      albumId: optional(r.album_id),
      path: optional(r.path),
      durationSec,
      title: optional(r.title),
      artist: optional(r.artist),
      album: optional(r.album),
      releaseDate: optional(r.release_date),
      url: optional(r.url),
      license: optional(r.license),
      licenseUrl: optional(r.license_url),
    };
    for (const [k, v] of Object.entries(opt)) if (v !== undefined) (track as unknown as Record<string, unknown>)[k] = v;
    return track;
  });
}

export async function readCatalog(file: string): Promise<Track[]> {
  return (await readCatalogWithHash(file)).tracks;
}

/** The tracks and the SHA-256 of the file's bytes (recorded in index manifests). */
export async function readCatalogWithHash(file: string): Promise<{ tracks: Track[]; sha256: string }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(
      code === 'ENOENT' ? `Catalog file not found: ${file}.` : `Cannot read catalog ${file}: ${(err as Error).message}.`,
      'Create one with `npm run catalog -- jamendo …` or `npm run catalog -- demo --out <file>`.',
    );
  }
  return { tracks: parseCatalog(text, file), sha256: createHash('sha256').update(text).digest('hex') };
}

export async function writeCatalog(file: string, tracks: readonly Track[]): Promise<void> {
  await writeFileAtomic(file, serializeCatalog(tracks));
}
