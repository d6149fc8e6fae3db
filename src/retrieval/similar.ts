import { performance } from 'node:perf_hooks';
import { TAG_CATEGORIES, type Track } from '../catalog/track.ts';
import { ensureAudioVectors, type LoadedIndex } from './artifacts/load-index.ts';
import { dotAt, norm, row } from './matrix.ts';
import { searchAccepted } from './first-stage.ts';
import { indexInfo, type IndexInfo, type Recommendation } from './recommender.ts';
import type { TurnQueue } from '../util/turn-queue.ts';
import { UserError } from '../errors.ts';

/**
 * "More like this": the catalog ranked by closeness to one track (the seed).
 *
 * - Two-stage indexes, seed with audio: the union of the seed's top-N neighbours in the audio
 *   faiss index (`audio.faiss`, CLAP audio embeddings) and in the text faiss index (caption/tag
 *   embeddings), each scored on both sides from the stored embeddings and fused:
 *   `score = w·audio cosine + (1 − w)·text cosine`, w = `audioWeight` (SIMILAR_AUDIO_WEIGHT,
 *   0.7 by default: "sounds like" is about the audio; the text side keeps the genre and mood the
 *   captions name, which CLAP's audio space blurs). Neighbours without an audio embedding cannot
 *   be compared on the audio scale: they follow every neighbour that has one, in text order, as
 *   in the prompt rerank.
 * - Text-only indexes, and seeds without an audio embedding: text-embedding neighbours, and the
 *   result says why (`basis`, `note`).
 * - Never the seed itself; at most `perArtist` tracks of one artist (its album when the catalog
 *   has no artists) in each page of `pageSize`, so a page is not ten cuts of one album: a capped
 *   track moves down to the next page that has room. The catalog filters (`accept`) apply; the
 *   search widens until enough tracks pass or the whole index has been seen.
 */

export interface SimilarRequest {
  /** The seed's catalog id. */
  trackId: string;
  /** Results wanted (all pages). */
  k: number;
  /** Results per page: the artist cap holds within each page. Default: k. */
  pageSize?: number;
  /** Neighbours taken from each faiss index before fusion (grows when filters or the cap need more). */
  candidates?: number;
  accept?: (track: Track) => boolean;
}

export interface SimilarSettings {
  /** Weight of the audio cosine in the fused score (0–1); the text cosine gets the rest. */
  audioWeight: number;
  /** Tracks of one artist (or album) allowed per page. */
  perArtist: number;
  /** Default neighbours per side. */
  candidates: number;
}

export const DEFAULT_SIMILAR_SETTINGS: SimilarSettings = { audioWeight: 0.7, perArtist: 2, candidates: 300 };

/** What the closeness is measured on. */
export type SimilarBasis = 'audio+text' | 'text';

export interface SimilarResult {
  seed: Track;
  basis: SimilarBasis;
  /** The audio cosine's weight in the fused score (unused when the basis is text). */
  audioWeight: number;
  /** Why the basis is text alone (no audio in the index, or none for this track); null otherwise. */
  note: string | null;
  /** Neighbours considered (after filters, before the cap). */
  candidates: number;
  /**
   * Each result as a Recommendation (so pages, caches and exports take it as they are):
   * `textScore`/`denseScore` the text cosine, `audioScore` the audio cosine, `score` the fused
   * one, `matchedTags` the tags shared with the seed.
   */
  results: Recommendation[];
  timings: { searchMs: number; totalMs: number };
  index: IndexInfo;
}

/** The key of the "one artist" cap: the artist, else the album; null (no cap) when neither is known. */
export function artistKey(track: Pick<Track, 'artistId' | 'artist' | 'albumId' | 'album'>): string | null {
  const artist = track.artistId ?? track.artist?.trim().toLowerCase();
  if (artist) return `artist:${artist}`;
  const album = track.albumId ?? track.album?.trim().toLowerCase();
  return album ? `album:${album}` : null;
}

/** The seed's tags another track also carries, in the seed's order (mood, genre, instrument). */
export function sharedTags(seed: Pick<Track, 'tags'>, other: Pick<Track, 'tags'>): string[] {
  const out: string[] = [];
  for (const c of TAG_CATEGORIES) for (const tag of seed.tags[c]) if (other.tags[c].includes(tag) && !out.includes(tag)) out.push(tag);
  return out;
}

/**
 * Orders `ranked` into pages of `pageSize` with at most `perArtist` items of one key per page:
 * each page takes the best remaining items whose key still has room; the others wait for the
 * next page. Items without a key are never capped. Pure; stable for equal keys.
 */
export function capPerArtist<T>(ranked: readonly T[], keyOf: (item: T) => string | null, pageSize: number, perArtist: number, limit: number): T[] {
  const size = Math.max(1, Math.floor(pageSize));
  const out: T[] = [];
  let waiting = ranked.slice();
  while (out.length < limit && waiting.length) {
    const counts = new Map<string, number>();
    const later: T[] = [];
    let taken = 0;
    for (const item of waiting) {
      const key = keyOf(item);
      const n = key === null ? 0 : (counts.get(key) ?? 0);
      if (taken < size && out.length < limit && n < perArtist) {
        out.push(item);
        taken++;
        if (key !== null) counts.set(key, n + 1);
      } else {
        later.push(item);
      }
    }
    if (taken === 0) break;
    // A short page (not enough distinct artists left) ends the list: the next page would only repeat the cap.
    if (taken < size) break;
    waiting = later;
  }
  return out;
}

interface Neighbour {
  row: number;
  text: number;
  audio: number | null;
  score: number;
}

/** Row of each track id, per loaded index: a memo of a pure function of the (immutable) index. */
const rowsById = new WeakMap<LoadedIndex, Map<string, number>>();

export function rowOfTrackId(index: LoadedIndex, id: string): number | undefined {
  let rows = rowsById.get(index);
  if (!rows) rowsById.set(index, (rows = new Map(index.tracks.map((t, r) => [t.id, r]))));
  return rows.get(id);
}

/** Cosine of stored rows `a` and `b` of a matrix, given 1/‖row‖ of `a`. */
function rowCosine(data: Float32Array, dim: number, seedVec: Float32Array, seedInv: number, r: number): number {
  const n = norm(data.subarray(r * dim, (r + 1) * dim));
  return n > 0 ? dotAt(seedVec, data, r * dim) * seedInv * (1 / n) : 0;
}

/**
 * Ranks the catalog by closeness to the seed (see the module comment). Throws a UserError
 * when the id is not in the index. With `turns`, the search waits for a turn of the event loop.
 */
export async function similarWith(index: LoadedIndex, settings: SimilarSettings, req: SimilarRequest, turns?: TurnQueue): Promise<SimilarResult> {
  const t0 = performance.now();
  const seedRow = rowOfTrackId(index, req.trackId);
  if (seedRow === undefined) {
    throw new UserError(`No track "${req.trackId}" in the index ${index.manifest.name}.`, 'Pick a track from the suggestions, or search by its title or caption words.');
  }
  await turns?.take();
  const t1 = performance.now();
  const seed = index.tracks[seedRow]!;
  const k = Math.max(1, Math.floor(req.k));
  const pageSize = Math.max(1, Math.floor(req.pageSize ?? k));
  const w = Math.min(1, Math.max(0, settings.audioWeight));

  const audio = index.audio;
  const seedHasAudio = audio !== null && audio.mask[seedRow] === 1;
  const basis: SimilarBasis = seedHasAudio ? 'audio+text' : 'text';
  const note = seedHasAudio
    ? null
    : audio === null
      ? 'This index has no audio embeddings: neighbours by caption and tags only.'
      : 'This track has no audio embedding: neighbours by caption and tags only.';

  const text = index.textEmbeddings;
  const seedText = row(text, seedRow);
  const seedTextInv = 1 / (norm(seedText) || 1);
  const seedTextUnit = seedText.map((v) => v * seedTextInv);
  const seedAudio = seedHasAudio ? row(audio.embeddings, seedRow).map((v) => v * audio.inverseNorms[seedRow]!) : null;
  const audioVectors = seedAudio ? ensureAudioVectors(audio!) : null;

  const accept = (r: number) => r !== seedRow && (!req.accept || req.accept(index.tracks[r]!));
  const total = index.tracks.length;
  let pool = Math.max(k + 1, Math.floor(req.candidates ?? settings.candidates));
  let ranked: Neighbour[];
  let kept: Neighbour[];
  for (;;) {
    const rows = new Set<number>(searchAccepted(index.textIndex, seedTextUnit, pool, accept).ids);
    if (audioVectors && seedAudio) for (const r of searchAccepted(audioVectors, seedAudio, pool, (r) => audio!.mask[r] === 1 && accept(r)).ids) rows.add(r);
    ranked = [...rows].map((r): Neighbour => {
      const textCos = rowCosine(text.data, text.dim, seedText, seedTextInv, r);
      const audioCos = seedAudio && audio!.mask[r] ? dotAt(seedAudio, audio!.embeddings.data, r * audio!.embeddings.dim) * audio!.inverseNorms[r]! : null;
      return { row: r, text: textCos, audio: audioCos, score: audioCos === null ? textCos : w * audioCos + (1 - w) * textCos };
    });
    // With audio, neighbours lacking it go after those that have it (their scores are on another scale).
    ranked.sort((a, b) => Number(a.audio === null && seedAudio !== null) - Number(b.audio === null && seedAudio !== null) || b.score - a.score || a.row - b.row);
    kept = capPerArtist(ranked, (n) => artistKey(index.tracks[n.row]!), pageSize, settings.perArtist, k);
    if (kept.length >= k || pool >= total) break;
    pool = Math.min(total, pool * 4);
  }
  const textRank = new Map(ranked.slice().sort((a, b) => b.text - a.text || a.row - b.row).map((n, i) => [n.row, i + 1]));
  const audioRank = new Map(
    ranked
      .filter((n) => n.audio !== null)
      .sort((a, b) => b.audio! - a.audio! || a.row - b.row)
      .map((n, i) => [n.row, i + 1]),
  );
  const results: Recommendation[] = kept.map((n, i) => {
    const track = index.tracks[n.row]!;
    return {
      rank: i + 1,
      trackId: track.id,
      score: n.score,
      textScore: n.text,
      audioScore: n.audio,
      textRank: textRank.get(n.row)!,
      audioRank: audioRank.get(n.row) ?? null,
      denseScore: n.text,
      lexicalScore: null,
      matchedTags: sharedTags(seed, track),
      track,
    };
  });
  const t2 = performance.now();
  const round = (ms: number) => Math.round(ms * 100) / 100;
  return {
    seed,
    basis,
    audioWeight: w,
    note,
    candidates: ranked.length,
    results,
    timings: { searchMs: round(t2 - t1), totalMs: round(t2 - t0) },
    index: indexInfo(index),
  };
}
