import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import faiss from 'faiss-node';
import { applySearchParams, readSearchParams, type SearchParams } from './faiss-search-params.ts';
import type { Matrix } from './matrix.ts';

/**
 * HNSW explores efSearch nodes per query and IVF visits nprobe lists: both must be well above the
 * first stage's ~300 candidates (HNSW) or recall collapses. A refine index (`,RFlat`) re-ranks the
 * base's top k·kFactor with the exact vectors. Overridable per index build.
 */
export const DEFAULT_SEARCH_PARAMS: Required<SearchParams> = { efSearch: 768, nprobe: 64, kFactor: 4 };

/** Rows added to faiss per call: faiss-node takes plain JS arrays, so large adds are chunked. */
const ADD_CHUNK_ROWS = 4096;

export interface SearchHits {
  /** Row numbers in the index, best first. */
  ids: number[];
  /** Inner products (cosine similarity for unit vectors), same order. */
  scores: number[];
}

export class VectorIndexError extends Error {
  override readonly name = 'VectorIndexError';
}

/** Fewest vectors faiss can train a factory on: one per IVF list, 2^nbits per PQ codebook. */
export function minTrainingRows(factory: string): number {
  let need = 1;
  const ivf = /IVF(\d+)/i.exec(factory);
  if (ivf) need = Math.max(need, Number(ivf[1]));
  for (const m of factory.matchAll(/PQ\d+(?:x(\d+))?/gi)) need = Math.max(need, 2 ** Number(m[1] ?? 8));
  return need;
}

/**
 * Training rows per IVF list, and the floor for any trained factory. faiss's own k-means keeps at
 * most 256 points per centroid (so PQ codebooks, 256 centroids each, see ≤ 65,536 rows) and wants
 * ≥ 39; 64 per IVF list is well inside that and keeps training fast at a million rows.
 */
const TRAIN_ROWS_PER_LIST = 64;
const TRAIN_ROWS_FLOOR = 65_536;
/** faiss-node takes training data as one plain JS array, and V8 refuses arrays of ~134M numbers. */
const MAX_TRAIN_VALUES = 100_663_296; // 262,144 rows of 384 dimensions

/** Most rows a factory is trained on; larger catalogs are trained on an evenly spaced sample. */
export function maxTrainingRows(factory: string, dim: number): number {
  const ivf = /IVF(\d+)/i.exec(factory);
  const wanted = Math.max(TRAIN_ROWS_FLOOR, TRAIN_ROWS_PER_LIST * Number(ivf?.[1] ?? 0), minTrainingRows(factory));
  return Math.max(minTrainingRows(factory), Math.min(wanted, Math.floor(MAX_TRAIN_VALUES / dim)));
}

/** Every row when there are at most `max`, else `max` rows evenly spaced over the whole matrix. */
function trainingSample(vectors: Matrix, max: number): Float32Array {
  if (vectors.rows <= max) return vectors.data.subarray(0, vectors.rows * vectors.dim);
  const out = new Float32Array(max * vectors.dim);
  for (let i = 0; i < max; i++) {
    const r = Math.floor((i * vectors.rows) / max);
    out.set(vectors.data.subarray(r * vectors.dim, (r + 1) * vectors.dim), i * vectors.dim);
  }
  return out;
}

/**
 * Largest catalog searched exactly by default. Measured (`npm run bench`, bench/RESULTS.md), one
 * query, top 300, 384-d: Flat costs ~1.6 µs per vector with this faiss build (3.0 ms at 18k,
 * 15 ms at 100k, 156 ms at 1M); at 50k it is ~8 ms and exact.
 */
export const FLAT_MAX_ROWS = 50_000;

/** faiss warns below 39 training points per k-means centroid. */
const MIN_POINTS_PER_LIST = 39;

/**
 * IVF lists for a catalog: the power of two nearest 4·√n (the low end of faiss's 4–16·√n advice,
 * since a 300-candidate search wants big lists), halved until each list has ≥ 39 training points.
 */
export function ivfListsFor(size: number): number {
  let nlist = 2 ** Math.round(Math.log2(Math.max(1, 4 * Math.sqrt(size))));
  while (nlist > 1 && nlist * MIN_POINTS_PER_LIST > size) nlist /= 2;
  return nlist;
}

/**
 * The index type a catalog of `rows` tracks gets when none is asked for: exact up to
 * FLAT_MAX_ROWS, then IVF-Flat with about 4·√n lists (1024 at 100k, 4096 at 1M). Measured at 1M
 * (bench/RESULTS.md, faiss section): IVF4096,Flat keeps recall@300 ≥ 0.95 at a few ms and
 * builds in minutes, where HNSW32 needed 42 min and reached 0.84, and IVF-PQ 0.50.
 */
export function defaultFactoryFor(rows: number): string {
  return rows <= FLAT_MAX_ROWS ? 'Flat' : `IVF${ivfListsFor(rows)},Flat`;
}

/**
 * Lists an IVF search visits by default: 1/IVF_PROBE_DIVISOR of them (so the scanned share of
 * the catalog stays the same as it grows), never fewer than DEFAULT_SEARCH_PARAMS.nprobe.
 * Measured on IVF-Flat, top 300 (bench/RESULTS.md): 1M/4096 lists, nprobe 64 → recall 0.93,
 * 96 → 0.969, 128 → 0.987 at 7.7 ms p50; 100k/1024 lists, nprobe 32 → 0.954, 64 → 0.990 at 1.8 ms.
 */
const IVF_PROBE_DIVISOR = 32;

/** Search parameters an index built with `factory` stores when none are given. */
export function defaultSearchParamsFor(factory: string): Required<SearchParams> {
  const ivf = /IVF(\d+)/i.exec(factory);
  const nprobe = ivf ? Math.max(DEFAULT_SEARCH_PARAMS.nprobe, Math.floor(Number(ivf[1]) / IVF_PROBE_DIVISOR)) : DEFAULT_SEARCH_PARAMS.nprobe;
  return { ...DEFAULT_SEARCH_PARAMS, nprobe };
}

/**
 * The index in faiss's file format. Through a temporary file, not faiss-node's `toBuffer()`:
 * that one never frees its intermediate copy (measured: +30 MB of RSS per call on a 30 MB index,
 * 1.7 GB per call on a million-vector HNSW).
 */
function serializedBytes(index: faiss.Index): Buffer {
  const dir = mkdtempSync(path.join(tmpdir(), 'cratedigger-faiss-'));
  try {
    const file = path.join(dir, 'index.faiss');
    index.write(file);
    return readFileSync(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Inner-product search over L2-normalized vectors with faiss. `Flat` (exact) by default; any
 * faiss factory string (`IVF4096,Flat`, `HNSW32`, `IVF1024,SQ8,RFlat`, …) by option, trained when the type needs it.
 * The `.faiss` file is faiss's own format, so Python's `faiss.read_index` reads it.
 */
export class VectorIndex {
  private constructor(
    private readonly index: faiss.Index,
    readonly factory: string,
  ) {}

  get size(): number {
    return this.index.ntotal();
  }

  get dim(): number {
    return this.index.getDimension();
  }

  /** Search-time parameters stored in the index (HNSW efSearch, IVF nprobe, refine kFactor); empty for Flat. */
  get searchParams(): SearchParams {
    return readSearchParams(serializedBytes(this.index));
  }

  /** `params` override the factory's defaults (defaultSearchParamsFor) one by one. */
  static build(vectors: Matrix, factory = 'Flat', params: SearchParams = {}): VectorIndex {
    if (vectors.rows === 0) throw new VectorIndexError('cannot build an index of zero vectors');
    let index: faiss.Index;
    try {
      index = faiss.Index.fromFactory(vectors.dim, factory, faiss.MetricType.METRIC_INNER_PRODUCT);
    } catch (err) {
      throw new VectorIndexError(`faiss cannot make an index "${factory}": ${(err as Error).message}`);
    }
    if (!index.isTrained()) {
      // faiss aborts the whole process (not a catchable error) when it has fewer training points
      // than centroids, so that case is refused here first.
      const need = minTrainingRows(factory);
      if (vectors.rows < need) {
        throw new VectorIndexError(
          `"${factory}" needs at least ${need} vectors to train, the catalog has ${vectors.rows} (use Flat for small catalogs)`,
        );
      }
      try {
        index.train(Array.from(trainingSample(vectors, maxTrainingRows(factory, vectors.dim))));
      } catch (err) {
        throw new VectorIndexError(
          `training "${factory}" on ${vectors.rows} vectors failed: ${(err as Error).message} ` +
            '(IVF needs many more vectors than lists; use Flat for small catalogs)',
        );
      }
    }
    // Search parameters are patched into the trained but still empty index, whose bytes are small
    // (centroids, codebooks): patching after the adds copied the whole index (1.5 GB at 1M × 384-d).
    if (/HNSW|IVF|RFlat/i.test(factory)) {
      // Defaults merged one by one: `npm run index` passes {} or only the flags given, and an
      // unpatched HNSW keeps faiss's efSearch 16 (far fewer than 300 hits), an IVF nprobe 1.
      const stored = { ...defaultSearchParamsFor(factory), ...params };
      index = faiss.Index.fromBuffer(applySearchParams(serializedBytes(index), stored));
    }
    for (let r = 0; r < vectors.rows; r += ADD_CHUNK_ROWS) {
      const end = Math.min(vectors.rows, r + ADD_CHUNK_ROWS);
      index.add(Array.from(vectors.data.subarray(r * vectors.dim, end * vectors.dim)));
    }
    return new VectorIndex(index, factory);
  }

  /**
   * Reads a `.faiss` file; `params` override the search parameters stored in it. Without them
   * faiss reads the file itself, so no copy of it passes through a Node buffer (1.5 GB at 1M).
   */
  static read(file: string, factory = 'unknown', params: SearchParams = {}): VectorIndex {
    if (Object.values(params).some((v) => v !== undefined)) return VectorIndex.fromBuffer(readFileSync(file), factory, params);
    try {
      return new VectorIndex(faiss.Index.read(file), factory);
    } catch (err) {
      throw new VectorIndexError(`faiss cannot read it: ${(err as Error).message.split('\n')[0]}`);
    }
  }

  /** An index from the bytes of a `.faiss` file (read once by callers that also check them). */
  static fromBuffer(buf: Buffer, factory = 'unknown', params: SearchParams = {}): VectorIndex {
    try {
      return new VectorIndex(faiss.Index.fromBuffer(applySearchParams(buf, params)), factory);
    } catch (err) {
      throw new VectorIndexError(`faiss cannot read it: ${(err as Error).message.split('\n')[0]}`);
    }
  }

  /** The `.faiss` file's bytes. */
  toBytes(): Buffer {
    return serializedBytes(this.index);
  }

  write(file: string): void {
    this.index.write(file);
  }

  /** Top-k rows for one query vector; k is clamped to the index size. */
  search(query: Float32Array, k: number): SearchHits {
    return this.searchBatch({ rows: 1, dim: query.length, data: query }, k)[0]!;
  }

  /** Top-k rows for each query row; k is clamped to the index size. */
  searchBatch(queries: Matrix, k: number): SearchHits[] {
    if (queries.dim !== this.dim) {
      throw new VectorIndexError(`query has ${queries.dim} dimensions, the index ${this.dim}`);
    }
    const kk = Math.max(0, Math.min(Math.floor(k), this.size));
    if (kk === 0 || queries.rows === 0) return Array.from({ length: queries.rows }, () => ({ ids: [], scores: [] }));
    const { labels, distances } = this.index.search(Array.from(queries.data), kk);
    const out: SearchHits[] = [];
    for (let q = 0; q < queries.rows; q++) {
      const hits: SearchHits = { ids: [], scores: [] };
      for (let j = q * kk; j < (q + 1) * kk; j++) {
        // Approximate indexes pad with -1 when they find fewer than k.
        if (labels[j]! < 0) continue;
        hits.ids.push(labels[j]!);
        hits.scores.push(distances[j]!);
      }
      out.push(hits);
    }
    return out;
  }
}
