import { performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import vm from 'node:vm';
import { jamendoNumber, type Track } from '../catalog/track.ts';
import { DEFAULT_FIELD_WEIGHTS, lexicalDocuments } from '../indexing/lexical/lexical-documents.ts';
import { isContentWord, words } from '../retrieval/lexical/analyzer.ts';
import { LexicalIndex } from '../retrieval/lexical/lexical-index.ts';
import { nameWords, TrackFinder } from '../retrieval/track-finder.ts';
import { type Random, randomFromSeed } from '../util/prng.ts';
import { r3, summarize } from './stats.ts';

/**
 * Track search (autocomplete and the seed lookup) by catalog size: TrackFinder's build time and
 * memory, and `find` latency over queries typed the way people type them — an id or number cut
 * short, the first words of a title or an artist with the last one unfinished, a few words of a
 * caption. At the real catalog's size the real tracks (ids and captions, no titles); beyond it
 * synthetic tracks: titles, artists and albums drawn from the captions' words, the real captions
 * reused, Jamendo-style ids.
 */

export interface TrackSearchEntry {
  size: number;
  kind: 'real' | 'synthetic';
  /** TrackFinder.build (the lexical index it searches captions with is built beforehand, as serving loads it). */
  buildMs: number;
  /** Typed arrays the finder holds, its per-query scratch included. */
  memoryMb: number;
  /** Heap + array buffers the built finder keeps (collected before and after): typed arrays, term list, lower-case ids if any. */
  heapGrowthMb: number;
  nameTerms: number;
  queries: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  /** Share of queries whose track (the one the query was typed from) is among the 25 returned. */
  foundShare: number;
}

export interface TrackSearchOptions {
  sizes: readonly number[];
  base: readonly Track[];
  queries?: number;
  onProgress?: (line: string) => void;
}

const capital = (w: string) => w.charAt(0).toUpperCase() + w.slice(1);

/** `n` tracks with names: the base's captions and tags, invented titles, artists and albums, ids track_0000001…. */
export function namedSyntheticTracks(base: readonly Track[], n: number, seed = 7): Track[] {
  const random = randomFromSeed(seed);
  const pool = [...new Set(base.flatMap((t) => words(t.caption)).filter((w) => isContentWord(w) && /^\p{L}+$/u.test(w)))].sort();
  const phrase = (min: number, max: number) =>
    Array.from({ length: random.int(min, max) }, () => capital(random.pick(pool))).join(' ');
  // About 20 tracks an artist and 10 an album, as on Jamendo.
  const artists = Array.from({ length: Math.max(1, Math.round(n / 20)) }, () => phrase(1, 3));
  const albums = Array.from({ length: Math.max(1, Math.round(n / 10)) }, () => phrase(1, 3));
  return Array.from({ length: n }, (_, i) => {
    const b = base[i % base.length]!;
    const album = Math.floor(i / 10);
    return {
      ...b,
      id: `track_${String(i + 1).padStart(7, '0')}`,
      title: phrase(1, 4),
      artist: artists[Math.floor(album / 2) % artists.length]!,
      album: albums[album % albums.length]!,
    };
  });
}

/** A query as someone types it for `t`: 1–3 words, the last one often unfinished. */
export function typedQuery(t: Track, random: Random): string {
  const cutShort = (w: string) => (random.chance(0.6) && w.length > 3 ? w.slice(0, random.int(2, w.length - 1)) : w);
  const typedWords = (list: readonly string[]) => {
    if (list.length === 0) return t.id;
    const k = Math.min(list.length, random.int(1, 3));
    const start = random.int(0, list.length - k);
    const chosen = list.slice(start, start + k);
    return [...chosen.slice(0, -1), cutShort(chosen.at(-1)!)].join(' ');
  };
  const kinds: [string, number][] = [
    ['id', 1],
    ['caption', 3],
  ];
  if (t.title) kinds.push(['title', 4], ['artist', 2]);
  switch (random.weighted(kinds)) {
    case 'id': {
      const n = jamendoNumber(t.id);
      const whole = random.chance(0.5) && n ? n : t.id;
      return random.chance(0.5) ? whole : whole.slice(0, random.int(Math.min(3, whole.length), whole.length));
    }
    case 'title':
      return typedWords(nameWords(t.title ?? ''));
    case 'artist':
      return typedWords(nameWords(t.artist ?? ''));
    default:
      return typedWords(words(t.caption).filter(isContentWord));
  }
}

function memoryNow(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/**
 * A full collection on demand. Building a million-document lexical index leaves ~1.6 GB of
 * garbage; collected during the finder's build it tripled the build time and made the memory
 * figure negative. Node exposes `gc` only under --expose-gc: the flag is set now and the
 * function read from a fresh context (the flag applies to contexts made after it).
 */
function collector(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

/** The serving lexical index of the tracks; in a function of its own so the documents die with its frame (else the heap figure counts their freeing). */
function lexicalIndexOf(tracks: readonly Track[]): LexicalIndex {
  return LexicalIndex.build(lexicalDocuments(tracks), { fieldWeights: DEFAULT_FIELD_WEIGHTS });
}

export async function benchTrackSearch(o: TrackSearchOptions): Promise<TrackSearchEntry[]> {
  const out: TrackSearchEntry[] = [];
  const queryCount = o.queries ?? 1000;
  const gc = collector();
  for (const size of o.sizes) {
    const kind = size <= o.base.length ? 'real' : 'synthetic';
    o.onProgress?.(`track search: ${size.toLocaleString('en-US')} ${kind} tracks`);
    const tracks = kind === 'real' ? o.base.slice(0, size) : namedSyntheticTracks(o.base, size);
    const lexical = lexicalIndexOf(tracks);
    // Twice: one collection can leave what only a second frees (weak references, flushed code).
    gc();
    gc();
    const before = memoryNow();
    const t0 = performance.now();
    const finder = TrackFinder.build(tracks, lexical);
    const buildMs = performance.now() - t0;
    gc();
    gc();
    const heapGrowth = memoryNow() - before;
    const random = randomFromSeed(size);
    const targets = Array.from({ length: queryCount + 20 }, () => random.int(0, tracks.length - 1));
    const queries = targets.map((row) => typedQuery(tracks[row]!, random));
    const times: number[] = [];
    let found = 0;
    for (let i = 0; i < queries.length; i++) {
      const s = performance.now();
      const matches = finder.find(queries[i]!);
      if (i < 20) continue; // the first 20 warm up
      times.push(performance.now() - s);
      if (matches.some((m) => m.row === targets[i])) found++;
    }
    // Let the event loop breathe between sizes (progress lines, signals); this size's garbage goes.
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    const stats = summarize(times);
    out.push({
      size,
      kind,
      buildMs: Math.round(buildMs),
      memoryMb: Math.round((finder.byteSize / 2 ** 20) * 10) / 10,
      heapGrowthMb: Math.round(heapGrowth / 2 ** 20),
      nameTerms: finder.nameTermCount,
      queries: times.length,
      p50Ms: stats.p50,
      p95Ms: stats.p95,
      p99Ms: stats.p99,
      foundShare: r3(found / times.length),
    });
  }
  return out;
}
