import { performance } from 'node:perf_hooks';
import type { Track } from '../catalog/track.ts';
import { buildLexicalStage } from '../indexing/lexical/build-lexical-stage.ts';
import { lexicalQuery } from '../retrieval/first-stage.ts';
import { words } from '../retrieval/lexical/analyzer.ts';
import { LexicalIndex } from '../retrieval/lexical/lexical-index.ts';
import { TagLexicon } from '../retrieval/query/tag-lexicon.ts';
import { understandQuery } from '../retrieval/query/understand.ts';
import { DEFAULT_FIRST_STAGE } from '../retrieval/scoring.ts';
import { randomFromSeed } from '../util/prng.ts';
import { benchmarkPrompts } from './prompts.ts';
import { summarize } from './stats.ts';

/**
 * The lexical stage at catalog sizes beyond the real one: synthetic documents made from the real
 * catalog's tracks (their tags kept, 30% of each caption's words replaced by words drawn from the
 * whole catalog's text, so term statistics stay realistic), built, serialized, loaded and queried
 * the way the first stage does (query understanding + BM25F top 300), one query at a time.
 */

export interface LexicalScalingEntry {
  size: number;
  /** buildLexicalStage: tokenizing, postings, the tag lexicon (WordNet included). */
  buildMs: number;
  /** Size of lexical.bin. */
  fileMb: number;
  /** LexicalIndex.fromBytes on the file's bytes (checks included). */
  loadMs: number;
  /** Typed arrays the loaded index holds (postings, offsets, scoring scratch); its few-thousand-term map is not counted. */
  memoryMb: number;
  terms: number;
  postings: number;
  /** Understanding + lexical query + top-300 search, one prompt at a time. */
  p50Ms: number;
  p95Ms: number;
}

export interface LexicalScalingOptions {
  sizes: readonly number[];
  base: readonly Track[];
  queries?: number;
  onProgress?: (line: string) => void;
}

/** `n` tracks from the base catalog, varied: every copy gets its own mix of caption words. */
export function syntheticTracks(base: readonly Track[], n: number, seed = 42): Track[] {
  if (n <= base.length) return base.slice(0, n);
  const random = randomFromSeed(seed);
  const pool = base.flatMap((t) => words(t.caption));
  return Array.from({ length: n }, (_, i) => {
    const b = base[i % base.length]!;
    const caption = words(b.caption)
      .map((w) => (random.chance(0.3) ? random.pick(pool) : w))
      .join(' ');
    return { ...b, id: `synthetic_${i}`, caption };
  });
}

export async function benchLexicalScaling(o: LexicalScalingOptions): Promise<LexicalScalingEntry[]> {
  const prompts = benchmarkPrompts(o.queries ?? 200);
  const out: LexicalScalingEntry[] = [];
  for (const size of o.sizes) {
    o.onProgress?.(`lexical stage: ${size.toLocaleString('en-US')} documents`);
    let tracks: Track[] | null = syntheticTracks(o.base, size);
    let t = performance.now();
    let built: ReturnType<typeof buildLexicalStage> | null = buildLexicalStage(tracks);
    const buildMs = performance.now() - t;
    const lexicon = new TagLexicon(built.lexicon);
    const bytes = built.index.toBytes();
    const fileMb = Math.round((bytes.length / 2 ** 20) * 10) / 10;
    tracks = null;
    built = null;
    t = performance.now();
    const index = LexicalIndex.fromBytes(bytes);
    const loadMs = performance.now() - t;
    const times: number[] = [];
    for (const [i, prompt] of [...prompts.slice(0, 10), ...prompts].entries()) {
      const s = performance.now();
      const u = understandQuery(prompt, lexicon);
      index.search(lexicalQuery(u.searchText, u, DEFAULT_FIRST_STAGE.tagTermWeight), 300);
      if (i >= 10) times.push(performance.now() - s); // the first 10 warm up
    }
    const stats = summarize(times);
    out.push({
      size,
      buildMs: Math.round(buildMs),
      fileMb,
      loadMs: Math.round(loadMs * 10) / 10,
      memoryMb: Math.round(index.byteSize / 2 ** 20),
      terms: index.termCount,
      postings: index.postingCount,
      p50Ms: stats.p50,
      p95Ms: stats.p95,
    });
  }
  return out;
}
