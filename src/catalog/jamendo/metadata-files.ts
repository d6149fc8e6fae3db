import { UserError } from '../../errors.ts';
import type { TagCategory } from '../track.ts';
import { categoryFromSource } from '../tags.ts';
import { csvRecords } from './csv-records.ts';
import type { ImportProblem } from './problems.ts';
import { parsePythonStringList } from './python-list.ts';

/**
 * Readers for the two track-metadata formats: MTG-Jamendo's own autotagging TSVs and the
 * prototype's merged `metadata_base.csv`. Both yield the same rows; tags stay raw here
 * (normalization and aliases are the merge step's job).
 */

export type MetadataFormat = 'autotagging-tsv' | 'metadata-base-csv';

export interface MetadataRow {
  id: string;
  artistId?: string;
  albumId?: string;
  path?: string;
  durationSec?: number;
  tags: Record<TagCategory, string[]>;
}

export interface MetadataFile {
  format: MetadataFormat;
  rows: MetadataRow[];
  problems: ImportProblem[];
}

const TSV_COLUMNS = ['TRACK_ID', 'ARTIST_ID', 'ALBUM_ID', 'PATH', 'DURATION'] as const;

/** Which format a metadata file is in, from its header line. */
export function detectMetadataFormat(text: string, source: string): MetadataFormat {
  const header = firstLine(text);
  const tabCells = header.split('\t').map((c) => c.trim().toUpperCase());
  if (tabCells.length >= TSV_COLUMNS.length && TSV_COLUMNS.every((c, i) => tabCells[i] === c)) {
    return 'autotagging-tsv';
  }
  const csvCells = header.split(',').map(columnKey);
  if (csvCells.includes('trackid') && csvCells.some((c) => c.endsWith('tag'))) return 'metadata-base-csv';
  throw new UserError(
    `${source}: unrecognized metadata header "${header.slice(0, 120)}".`,
    'Give an MTG-Jamendo TSV (TRACK_ID<TAB>ARTIST_ID<TAB>ALBUM_ID<TAB>PATH<TAB>DURATION<TAB>TAGS…) ' +
      'or a metadata_base.csv (TRACK_ID,…,Mood/Theme_TAG,Genre_TAG,Instrument_TAG).',
  );
}

export function parseMetadataFile(text: string, source: string): MetadataFile {
  const format = detectMetadataFormat(text, source);
  return format === 'autotagging-tsv'
    ? { format, ...parseAutotaggingTsv(text, source) }
    : { format, ...parseMetadataBaseCsv(text, source) };
}

/**
 * `TRACK_ID ARTIST_ID ALBUM_ID PATH DURATION TAGS…`: tab-separated, tags like
 * `mood/theme---happy` in a variable number of trailing columns.
 */
export function parseAutotaggingTsv(text: string, source: string): Omit<MetadataFile, 'format'> {
  const rows: MetadataRow[] = [];
  const problems: ImportProblem[] = [];
  const seen = new Map<string, number>();
  const lines = text.split('\n');
  for (let i = 1; i < lines.length; i++) {
    const lineNo = i + 1;
    const raw = lines[i]!.replace(/\r$/, '');
    if (!raw.trim()) continue;
    const problem = (message: string) => problems.push({ file: source, line: lineNo, message });
    const cells = raw.split('\t');
    if (cells.length < TSV_COLUMNS.length) {
      problem(`expected at least ${TSV_COLUMNS.length} tab-separated fields, found ${cells.length}`);
      continue;
    }
    const base = baseFields(cells[0]!, cells[1]!, cells[2]!, cells[3]!, cells[4]!);
    if (typeof base === 'string') {
      problem(base);
      continue;
    }
    const first = seen.get(base.id);
    if (first !== undefined) {
      problem(`duplicate track id ${base.id} (first on line ${first}); row skipped`);
      continue;
    }
    seen.set(base.id, lineNo);
    const tags: MetadataRow['tags'] = { mood: [], genre: [], instrument: [] };
    for (const cell of cells.slice(TSV_COLUMNS.length)) {
      const tag = cell.trim();
      if (!tag) continue;
      const sep = tag.indexOf('---');
      const category = sep > 0 ? categoryFromSource(tag.slice(0, sep)) : undefined;
      if (!category) {
        problem(`tag "${tag}" is not category---tag (mood/theme, genre, instrument); tag ignored`);
        continue;
      }
      tags[category].push(tag.slice(sep + 3));
    }
    rows.push({ ...base, tags });
  }
  return { rows, problems };
}

const CSV_TAG_COLUMNS: Readonly<Record<string, TagCategory>> = {
  moodthemetag: 'mood',
  moodtag: 'mood',
  genretag: 'genre',
  instrumenttag: 'instrument',
};

/**
 * The prototype's merged table: `TRACK_ID,ARTIST_ID,ALBUM_ID,PATH,DURATION,Mood/Theme_TAG,
 * Genre_TAG,Instrument_TAG`, tag cells as Python lists (`['chillout', 'lounge']`) or empty.
 */
export function parseMetadataBaseCsv(text: string, source: string): Omit<MetadataFile, 'format'> {
  const rows: MetadataRow[] = [];
  const problems: ImportProblem[] = [];
  const seen = new Map<string, number>();
  let header: string[] | undefined;
  for (const rec of csvRecords(text)) {
    const problem = (message: string) => problems.push({ file: source, line: rec.line, message });
    if ('error' in rec) {
      problem(`not valid CSV: ${rec.error}`);
      continue;
    }
    if (!header) {
      header = rec.fields.map(columnKey);
      continue;
    }
    if (rec.fields.length !== header.length) {
      problem(`expected ${header.length} fields, found ${rec.fields.length}`);
      continue;
    }
    const cell: Record<string, string> = {};
    header.forEach((key, i) => (cell[key] = rec.fields[i]!));
    const base = baseFields(
      cell.trackid ?? '',
      cell.artistid ?? '',
      cell.albumid ?? '',
      cell.path ?? '',
      cell.duration ?? '',
    );
    if (typeof base === 'string') {
      problem(base);
      continue;
    }
    const tags: MetadataRow['tags'] = { mood: [], genre: [], instrument: [] };
    let bad: string | undefined;
    for (const [key, category] of Object.entries(CSV_TAG_COLUMNS)) {
      const value = cell[key]?.trim();
      if (!value) continue;
      const list = value.startsWith('[') ? parsePythonStringList(value) : value.split(/[;,|]/);
      if (!list) {
        bad = `tag cell ${JSON.stringify(value.slice(0, 60))} is not a list like ['a', 'b']`;
        break;
      }
      tags[category].push(...list);
    }
    if (bad) {
      problem(bad);
      continue;
    }
    const first = seen.get(base.id);
    if (first !== undefined) {
      problem(`duplicate track id ${base.id} (first on line ${first}); row skipped`);
      continue;
    }
    seen.set(base.id, rec.line);
    rows.push({ ...base, tags });
  }
  return { rows, problems };
}

/** The five leading fields, validated; a string is the reason the row is unusable. */
function baseFields(
  id: string,
  artistId: string,
  albumId: string,
  path: string,
  duration: string,
): Omit<MetadataRow, 'tags'> | string {
  const trackId = id.trim();
  if (!trackId) return 'empty TRACK_ID';
  if (/\s/.test(trackId)) return `TRACK_ID "${trackId}" contains whitespace`;
  const row: Omit<MetadataRow, 'tags'> = { id: trackId };
  if (artistId.trim()) row.artistId = artistId.trim();
  if (albumId.trim()) row.albumId = albumId.trim();
  if (path.trim()) row.path = path.trim();
  if (duration.trim()) {
    const d = Number(duration.trim());
    if (!Number.isFinite(d) || d < 0) return `DURATION "${duration.trim()}" is not a number of seconds`;
    row.durationSec = d;
  }
  return row;
}

function columnKey(name: string): string {
  return name.trim().toLowerCase().replace(/[^a-z0-9]/g, '');
}

function firstLine(text: string): string {
  const start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const nl = text.indexOf('\n', start);
  return text.slice(start, nl === -1 ? undefined : nl).replace(/\r$/, '');
}
