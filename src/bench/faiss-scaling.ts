import { performance } from 'node:perf_hooks';
import { UserError } from '../errors.ts';
import { readSearchParams, type SearchParams } from '../retrieval/faiss-search-params.ts';
import { type Matrix, row } from '../retrieval/matrix.ts';
import { DEFAULT_SEARCH_PARAMS, VectorIndex } from '../retrieval/vector-index.ts';
import { summarize } from './stats.ts';
import { clusteredVectors } from './synthetic-vectors.ts';

/**
 * How faiss index types scale with catalog size, on synthetic clustered 384-d unit vectors searched
 * as the first stage does: one query at a time, top-300 by inner product, through VectorIndex (so
 * with the efSearch / nprobe the project stores in its indexes).
 */

export interface FaissScalingOptions {
  /** Catalog sizes, e.g. [18_486, 100_000, 1_000_000]. */
  sizes: number[];
  dim?: number;
  k?: number;
  /** Held-out queries per index: all are timed one by one, and recall is the mean over them. */
  queries?: number;
  seed?: number;
  /** One line per step. */
  onProgress?: (line: string) => void;
  /** Extra HNSW efSearch values to measure on each HNSW index built (recall vs latency). */
  efSearchSweep?: number[];
  /** Index types per size and dimension; defaultFaissFactories when absent. */
  factories?: (size: number, dim: number) => FactoryChoice[];
}

export interface FactoryChoice {
  kind: FaissScalingEntry['kind'];
  factory: string;
}

export interface FaissScalingEntry {
  size: number;
  kind: 'flat' | 'hnsw' | 'ivfpq';
  /** faiss index_factory string, e.g. "Flat", "HNSW32", "IVF1024,PQ48np". */
  factory: string;
  /** As stored in the built index (read back from its bytes); empty for Flat. */
  searchParams: SearchParams;
  /** VectorIndex.build wall time: train (on its sample) + chunked adds + search-parameter patch. */
  buildMs: number;
  /**
   * Size of the serialized index (its `.faiss` file) in MiB. For Flat, HNSW and IVF-PQ this is what
   * faiss keeps in RAM (vectors or codes, graph links, list ids, centroids and codebooks), less the
   * small slack of std::vector capacity; the JS copy of the vectors is not counted.
   */
  memoryMb: number;
  /** Single-query VectorIndex.search latency (k results, JS conversion included), ms. */
  p50Ms: number;
  p95Ms: number;
  /** |top-k of this index ∩ exact top-k| / k, mean over the queries (k = 300 by default). */
  recallAt300: number;
}

/** Queries run before timing (first-call costs: page faults, caches); not counted. */
const WARMUP_QUERIES = 5;
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
 * PQ sub-quantizers for a dimension: dim/4 (96 bytes per 384-d vector, 4 dims per 8-bit code).
 * Measured at 18,486 vectors, nprobe 32: recall@300 PQ48 0.71, PQ96 0.82, PQ192 0.92 (but 2 dims
 * per code is half of SQ8's size and slow to train). `np` turns off polysemous training, which
 * only helps Hamming-distance search and made IVF256,PQ48 take 278 s to build instead of 32 s.
 */
export function ivfPqFactory(size: number, dim = 384): string {
  const m = dim % 4 === 0 ? dim / 4 : dim;
  return `IVF${ivfListsFor(size)},PQ${m}np`;
}

export function defaultFaissFactories(size: number, dim = 384): FactoryChoice[] {
  return [
    { kind: 'flat', factory: 'Flat' },
    { kind: 'hnsw', factory: 'HNSW32' },
    { kind: 'ivfpq', factory: ivfPqFactory(size, dim) },
  ];
}

function checkOptions(o: FaissScalingOptions): void {
  const wholePositive = (x: number) => Number.isInteger(x) && x > 0;
  if (o.sizes.length === 0 || !o.sizes.every(wholePositive)) {
    throw new UserError(`catalog sizes must be whole numbers above 0, got [${o.sizes.join(', ')}]`, 'Give e.g. 18486,100000,1000000.');
  }
  for (const [name, value] of [['dim', o.dim], ['k', o.k], ['queries', o.queries]] as const) {
    if (value !== undefined && !wholePositive(value)) {
      throw new UserError(`${name} must be a whole number above 0, got ${value}`, `Leave ${name} out for the default.`);
    }
  }
}

/** Bytes and stored search parameters of an index. */
function serialized(index: VectorIndex): { bytes: number; searchParams: SearchParams } {
  const buf = index.toBytes();
  return { bytes: buf.length, searchParams: /HNSW|IVF/i.test(index.factory) ? readSearchParams(buf) : {} };
}

function overlap(found: readonly number[], exact: ReadonlySet<number>): number {
  let n = 0;
  for (const id of found) if (exact.has(id)) n++;
  return n;
}

/** Single-query latency and mean recall against the exact top-k, over every held-out query. */
function measureSearch(index: VectorIndex, queries: Matrix, exact: readonly Set<number>[], k: number) {
  const nq = queries.rows;
  for (let q = 0; q < Math.min(WARMUP_QUERIES, nq); q++) index.search(row(queries, q), k);
  const latencies: number[] = [];
  let found = 0;
  for (let q = 0; q < nq; q++) {
    const q0 = performance.now();
    const hits = index.search(row(queries, q), k);
    latencies.push(performance.now() - q0);
    found += overlap(hits.ids, exact[q]!);
  }
  const lat = summarize(latencies);
  return { p50Ms: lat.p50, p95Ms: lat.p95, recallAt300: Math.round((found / (nq * k)) * 10_000) / 10_000 };
}

/** Lets progress lines reach the terminal between long synchronous faiss calls. */
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Builds every factory at every size from one seeded set of clustered vectors (each size is a
 * prefix of it), and searches each with the same held-out queries drawn from the same clusters.
 * Ground truth is the exact top-k from a Flat index, in one batched search.
 */
export async function benchFaissScaling(o: FaissScalingOptions): Promise<FaissScalingEntry[]> {
  checkOptions(o);
  const dim = o.dim ?? 384;
  const k = o.k ?? 300;
  const nq = o.queries ?? 200;
  const progress = o.onProgress ?? (() => {});
  const factoriesFor = o.factories ?? defaultFaissFactories;
  const largest = Math.max(...o.sizes);

  progress(`faiss scaling: generating ${largest + nq} clustered ${dim}-d vectors (${nq} held out as queries)`);
  await tick();
  const all = clusteredVectors(largest + nq, dim, o.seed ?? 1);
  const queries: Matrix = { rows: nq, dim, data: all.data.subarray(largest * dim) };

  const entries: FaissScalingEntry[] = [];
  for (const size of o.sizes) {
    const base: Matrix = { rows: size, dim, data: all.data.subarray(0, size * dim) };
    const kk = Math.min(k, size);
    // Flat first: it is also the ground truth for the others.
    const choices = [...factoriesFor(size, dim)].sort((a, b) => Number(b.kind === 'flat') - Number(a.kind === 'flat'));
    let exact: Set<number>[] | null = null;
    for (const { kind, factory } of choices) {
      progress(`faiss ${size} ${factory}: building`);
      await tick();
      const t0 = performance.now();
      const index = VectorIndex.build(base, factory);
      const buildMs = performance.now() - t0;
      if (exact === null) {
        const truthIndex = kind === 'flat' ? index : VectorIndex.build(base, 'Flat');
        exact = truthIndex.searchBatch(queries, kk).map((h) => new Set(h.ids));
      }
      const { bytes, searchParams } = serialized(index);
      // HNSW is also measured at each extra efSearch (same graph: only the stored parameter changes).
      const sweep = kind === 'hnsw' ? (o.efSearchSweep ?? []).filter((ef) => ef !== DEFAULT_SEARCH_PARAMS.efSearch) : [];
      const variants = [
        { searched: index, params: searchParams },
        ...sweep.map((efSearch) => ({ searched: index.withSearchParams({ efSearch }), params: { ...searchParams, efSearch } })),
      ];
      for (const { searched, params: variantParams } of variants) {
        const entry: FaissScalingEntry = {
          size,
          kind,
          factory,
          searchParams: variantParams,
          buildMs: Math.round(buildMs),
          memoryMb: Math.round((bytes / 2 ** 20) * 10) / 10,
          ...measureSearch(searched, queries, exact, kk),
        };
        entries.push(entry);
        const params = entry.searchParams.efSearch ? ` (efSearch ${entry.searchParams.efSearch})` : '';
        progress(
          `faiss ${size} ${factory}${params}: build ${(entry.buildMs / 1000).toFixed(1)} s, ${entry.memoryMb} MB, ` +
            `p50 ${entry.p50Ms} ms, p95 ${entry.p95Ms} ms, recall@${kk} ${entry.recallAt300}`,
        );
      }
      // faiss-node frees a native index when its wrapper is collected; none outlives this iteration.
      await tick();
    }
  }
  return entries;
}
