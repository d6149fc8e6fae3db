import { performance } from 'node:perf_hooks';
import { type LoadedIndex, ensureAudioVectors } from '../retrieval/artifacts/load-index.ts';
import { searchAccepted } from '../retrieval/first-stage.ts';
import { dotAt } from '../retrieval/matrix.ts';
import { capPerArtist, type SimilarSettings, similarWith } from '../retrieval/similar.ts';
import { VectorIndex } from '../retrieval/vector-index.ts';
import { mulberry32 } from '../util/prng.ts';
import { r3, summarize } from './stats.ts';
import { clusteredVectors } from './synthetic-vectors.ts';

/**
 * "More like this" speed: `similar()` end to end on a real index (audio ∪ text neighbours, exact
 * rescoring, artist cap), and its audio side alone on synthetic catalogs up to a million tracks.
 */

export interface SimilarIndexFigures {
  tracks: number;
  basis: 'audio+text' | 'text';
  audioFactory: string | null;
  /** Results per call (all pages) and per page (the artist cap's unit). */
  k: number;
  pageSize: number;
  queries: number;
  p50Ms: number;
  p95Ms: number;
}

export interface SimilarScalingEntry {
  tracks: number;
  dim: number;
  factory: string;
  buildSec: number;
  /** What faiss holds in memory for `audio.faiss` (vectors, ids, centroids), MiB. */
  indexMb: number;
  queries: number;
  p50Ms: number;
  p95Ms: number;
  /** Share of the exact top results (a full scan) this factory also returns, mean over the queries. */
  recall: number;
}

/**
 * What faiss holds for a Flat or IVF…,Flat index, MiB: the vectors, plus an 8-byte id per vector
 * and the centroids for IVF. Computed, not serialized: a serialized copy of a million 512-d rows
 * is 2 GB more at the peak.
 */
function faissMegabytes(factory: string, n: number, dim: number): number {
  const lists = Number(/IVF(\d+)/.exec(factory)?.[1] ?? 0);
  return (n * dim * 4 + (lists ? n * 8 + lists * dim * 4 : 0)) / 2 ** 20;
}

/** Seeds spread over the catalog, the same for every factory (seeded). */
function seeds(n: number, count: number, seed = 11): number[] {
  const rand = mulberry32(seed);
  return Array.from({ length: count }, () => Math.floor(rand() * n));
}

/** `similar()` as the bot calls it (k = count × pages, pages of `pageSize`), on seeds spread over the index. */
export async function benchSimilarOnIndex(index: LoadedIndex, settings: SimilarSettings, o: { queries: number; k: number; pageSize: number }): Promise<SimilarIndexFigures> {
  const n = index.tracks.length;
  const withAudio = index.audio ? seeds(n, o.queries * 3).filter((r) => index.audio!.mask[r]) : seeds(n, o.queries);
  const rows = withAudio.slice(0, o.queries);
  if (index.audio) ensureAudioVectors(index.audio);
  let basis: SimilarIndexFigures['basis'] = 'text';
  for (const r of rows.slice(0, 5)) await similarWith(index, settings, { trackId: index.tracks[r]!.id, k: o.k, pageSize: o.pageSize });
  const times: number[] = [];
  for (const r of rows) {
    const t0 = performance.now();
    const result = await similarWith(index, settings, { trackId: index.tracks[r]!.id, k: o.k, pageSize: o.pageSize });
    times.push(performance.now() - t0);
    basis = result.basis;
  }
  const s = summarize(times);
  return { tracks: n, basis, audioFactory: index.audio?.vectors?.factory ?? null, k: o.k, pageSize: o.pageSize, queries: rows.length, p50Ms: s.p50, p95Ms: s.p95 };
}

/**
 * The audio side of `similar()` at catalog scale, on synthetic clustered unit vectors: the seed's
 * top-`pool` in `audio.faiss`, exact cosine rescoring from the stored rows, the artist cap (ten
 * tracks per synthetic artist), top `k`. The text side is a text-index search like /recommend's
 * first stage (see the faiss table) over the same tracks.
 */
export function benchSimilarAudioScaling(o: {
  sizes: number[];
  factories: (size: number) => string[];
  dim?: number;
  queries?: number;
  pool?: number;
  k?: number;
  onProgress?: (line: string) => void;
}): SimilarScalingEntry[] {
  const dim = o.dim ?? 512;
  const queries = o.queries ?? 200;
  const pool = o.pool ?? 300;
  const k = o.k ?? 50;
  const out: SimilarScalingEntry[] = [];
  for (const size of o.sizes) {
    const vectors = clusteredVectors(size, dim, 29, Math.max(20, Math.round(size / 500)));
    const queryRows = seeds(size, queries);
    const seedVec = (r: number) => vectors.data.subarray(r * dim, (r + 1) * dim);
    /** The similar() audio side over a candidate list: exact rescoring, the cap, the top k. */
    const finish = (seedRow: number, ids: readonly number[]): number[] => {
      const q = seedVec(seedRow);
      const scored = ids.map((r) => ({ r, s: dotAt(q, vectors.data, r * dim) })).sort((a, b) => b.s - a.s || a.r - b.r);
      return capPerArtist(scored, (x) => `a${Math.floor(x.r / 10)}`, 10, 2, k).map((x) => x.r);
    };
    // The exact answer from a scan in JavaScript (no second copy of a million vectors in a Flat
    // index): the top `pool` by cosine, then the same rescoring and cap.
    const exact = queryRows.map((seedRow) => {
      const q = seedVec(seedRow);
      const all: { r: number; s: number }[] = [];
      for (let r = 0; r < size; r++) if (r !== seedRow) all.push({ r, s: dotAt(q, vectors.data, r * dim) });
      all.sort((a, b) => b.s - a.s || a.r - b.r);
      return finish(seedRow, all.slice(0, pool).map((x) => x.r));
    });
    for (const factory of o.factories(size)) {
      o.onProgress?.(`similar (audio side): ${size.toLocaleString('en-US')} × ${dim}, ${factory}`);
      const t0 = performance.now();
      const index = VectorIndex.build(vectors, factory);
      const buildSec = (performance.now() - t0) / 1000;
      const neighbours = (seedRow: number) => finish(seedRow, searchAccepted(index, seedVec(seedRow), pool, (r) => r !== seedRow).ids);
      for (const r of queryRows.slice(0, 5)) neighbours(r);
      const times: number[] = [];
      const results: number[][] = [];
      for (const r of queryRows) {
        const q0 = performance.now();
        results.push(neighbours(r));
        times.push(performance.now() - q0);
      }
      const recall = results.reduce((sum, got, i) => {
        const want = new Set(exact[i]);
        return sum + got.filter((r) => want.has(r)).length / Math.max(1, want.size);
      }, 0) / results.length;
      const s = summarize(times);
      out.push({ tracks: size, dim, factory, buildSec: r3(buildSec), indexMb: r3(faissMegabytes(factory, size, dim)), queries, p50Ms: s.p50, p95Ms: s.p95, recall: r3(recall) });
    }
  }
  return out;
}
