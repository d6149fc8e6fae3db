import { splitKeywordTail } from '../keyword-tail.ts';
import { captionFromTags } from '../tag-captions.ts';
import { EMPTY_TAG_MAP, normalizeTags } from '../tags.ts';
import type { TagMap } from '../tags.ts';
import { mergeKeywords, tfidfKeywords } from '../tfidf-keywords.ts';
import { TAG_CATEGORIES } from '../track.ts';
import type { TagCategory, Track } from '../track.ts';
import { parseCaptionsCsv } from './captions-file.ts';
import { jamendoTrackId, parseAudioLicenses, parseRawMeta } from './credits-files.ts';
import type { LicenseEntry, TrackCredits } from './credits-files.ts';
import { parseMetadataFile } from './metadata-files.ts';
import type { MetadataFormat, MetadataRow } from './metadata-files.ts';
import type { ImportProblem } from './problems.ts';

/**
 * The MTG-Jamendo import as a pure function: file texts in, tracks and a summary out.
 * Metadata files are merged by track id (union of tags, first non-empty field wins), in the
 * order tracks first appear, which keeps the prototype's row order for its artifacts.
 */

export interface SourceText {
  /** Name used in the summary and in problem lines. */
  file: string;
  text: string;
}

export interface JamendoSources {
  metadata: readonly SourceText[];
  captions?: SourceText;
  tagMap?: TagMap;
  rawMeta?: SourceText;
  licenses?: SourceText;
}

export interface BuildOptions {
  /** TF-IDF terms added per caption after its explicit keywords. */
  tfidfKeywords?: number;
}

export interface ImportSummary {
  tracks: number;
  sources: { file: string; format: MetadataFormat; rows: number }[];
  tags: Record<TagCategory, { distinct: number; tracks: number }>;
  captions: {
    /** Tracks whose caption came from the captions file. */
    joined: number;
    /** Tracks given a caption written from their tags. */
    fromTags: number;
    /** Captions for track ids the metadata does not have. */
    unmatched: number;
    /** Joined captions that ended in a keyword list. */
    withKeywordTail: number;
  } | null;
  keywords: { tracks: number };
  titles: number;
  licenses: number;
  /** Credit or licence rows for tracks the metadata does not have. */
  unmatchedCredits: number;
  unmatchedLicenses: number;
  problems: ImportProblem[];
}

export function buildJamendoCatalog(
  sources: JamendoSources,
  options: BuildOptions = {},
): { tracks: Track[]; summary: ImportSummary } {
  const problems: ImportProblem[] = [];
  const tagMap = sources.tagMap ?? EMPTY_TAG_MAP;

  // 1. Metadata, merged by id.
  const merged = new Map<string, MetadataRow>();
  const summarySources: ImportSummary['sources'] = [];
  for (const src of sources.metadata) {
    const file = parseMetadataFile(src.text, src.file);
    problems.push(...file.problems);
    summarySources.push({ file: src.file, format: file.format, rows: file.rows.length });
    for (const row of file.rows) {
      const prev = merged.get(row.id);
      if (!prev) {
        merged.set(row.id, { ...row, tags: { ...row.tags } });
        continue;
      }
      prev.artistId ??= row.artistId;
      prev.albumId ??= row.albumId;
      prev.path ??= row.path;
      prev.durationSec ??= row.durationSec;
      for (const c of TAG_CATEGORIES) prev.tags[c] = [...prev.tags[c], ...row.tags[c]];
    }
  }
  const tracks: Track[] = [...merged.values()].map((row) => {
    const t: Track = {
      id: row.id,
      tags: {
        mood: normalizeTags(row.tags.mood, tagMap.mood),
        genre: normalizeTags(row.tags.genre, tagMap.genre),
        instrument: normalizeTags(row.tags.instrument, tagMap.instrument),
      },
      caption: '',
      keywords: [],
    };
    if (row.artistId !== undefined) t.artistId = row.artistId;
    if (row.albumId !== undefined) t.albumId = row.albumId;
    if (row.path !== undefined) t.path = row.path;
    if (row.durationSec !== undefined) t.durationSec = row.durationSec;
    return t;
  });
  const byId = new Map(tracks.map((t) => [t.id, t]));

  // 2. Captions and their keyword tails; the rest written from tags.
  let captionStats: ImportSummary['captions'] = null;
  const explicit = new Map<string, string[]>();
  if (sources.captions) {
    const { captions, problems: p } = parseCaptionsCsv(sources.captions.text, sources.captions.file);
    problems.push(...p);
    captionStats = { joined: 0, fromTags: 0, unmatched: 0, withKeywordTail: 0 };
    for (const [id, raw] of captions) {
      const track = byId.get(id);
      if (!track) {
        captionStats.unmatched++;
        continue;
      }
      const { text, keywords } = splitKeywordTail(raw);
      if (keywords.length) {
        explicit.set(id, keywords);
        captionStats.withKeywordTail++;
      }
      if (!text) continue; // only keywords: the caption is written from tags below
      track.caption = text;
      captionStats.joined++;
    }
  }
  for (const t of tracks) {
    if (t.caption) continue;
    t.caption = captionFromTags(t.tags);
    if (captionStats) captionStats.fromTags++;
  }

  // 3. Keywords: explicit tail first, then TF-IDF terms over the whole catalog.
  const extracted = tfidfKeywords(
    tracks.map((t) => t.caption),
    { topK: options.tfidfKeywords ?? 3 },
  );
  tracks.forEach((t, i) => (t.keywords = mergeKeywords(explicit.get(t.id) ?? [], extracted[i] ?? [])));

  // 4. Credits and licences.
  let unmatchedCredits = 0;
  if (sources.rawMeta) {
    const { credits, problems: p } = parseRawMeta(sources.rawMeta.text, sources.rawMeta.file);
    problems.push(...p);
    for (const [id, c] of credits) {
      const track = byId.get(id);
      if (track) applyCredits(track, c);
      else unmatchedCredits++;
    }
  }
  let unmatchedLicenses = 0;
  if (sources.licenses) {
    const { licenses, problems: p } = parseAudioLicenses(sources.licenses.text, sources.licenses.file);
    problems.push(...p);
    const byPath = new Map(tracks.filter((t) => t.path).map((t) => [t.path!, t]));
    for (const entry of licenses) {
      const track = licensedTrack(entry, byPath, byId);
      if (!track) {
        unmatchedLicenses++;
        continue;
      }
      track.license = entry.license;
      track.licenseUrl = entry.licenseUrl;
    }
  }

  return {
    tracks,
    summary: {
      tracks: tracks.length,
      sources: summarySources,
      tags: tagStats(tracks),
      captions: captionStats,
      keywords: { tracks: tracks.filter((t) => t.keywords.length > 0).length },
      titles: tracks.filter((t) => t.title).length,
      licenses: tracks.filter((t) => t.license).length,
      unmatchedCredits,
      unmatchedLicenses,
      problems,
    },
  };
}

function applyCredits(track: Track, c: TrackCredits): void {
  if (track.artistId === undefined && c.artistId !== undefined) track.artistId = c.artistId;
  if (track.albumId === undefined && c.albumId !== undefined) track.albumId = c.albumId;
  for (const key of ['title', 'artist', 'album', 'releaseDate', 'url'] as const) {
    if (c[key] !== undefined) track[key] = c[key];
  }
}

/** A licence block's track: by audio path, else by the Jamendo number in its URL or file name. */
function licensedTrack(entry: LicenseEntry, byPath: Map<string, Track>, byId: Map<string, Track>): Track | undefined {
  const direct = byPath.get(entry.path);
  if (direct) return direct;
  const number = entry.jamendoNumber ?? /(\d+)\.\w+$/.exec(entry.path)?.[1];
  return number ? byId.get(jamendoTrackId(number)) : undefined;
}

function tagStats(tracks: readonly Track[]): ImportSummary['tags'] {
  const stats = {} as ImportSummary['tags'];
  for (const c of TAG_CATEGORIES) {
    const distinct = new Set<string>();
    let withTag = 0;
    for (const t of tracks) {
      if (t.tags[c].length) withTag++;
      for (const tag of t.tags[c]) distinct.add(tag);
    }
    stats[c] = { distinct: distinct.size, tracks: withTag };
  }
  return stats;
}
