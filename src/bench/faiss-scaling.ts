import { performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import vm from 'node:vm';
import { UserError } from '../errors.ts';
import { readSearchParams, type SearchParams } from '../retrieval/faiss-search-params.ts';
import { type Matrix, row } from '../retrieval/matrix.ts';
import { DEFAULT_SEARCH_PARAMS, defaultSearchParamsFor, ivfListsFor, VectorIndex } from '../retrieval/vector-index.ts';
import { summarize } from './stats.ts';
import { clusteredVectors } from './synthetic-vectors.ts';

/**
 * How faiss index types scale with catalog size, on synthetic clustered 384-d unit vectors searched
 * as the first stage does: one query at a time, top-300 by inner product, through VectorIndex (so
 * with the efSearch / nprobe / kFactor the project stores in its indexes).
 */

export { ivfListsFor };

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
  /** Extra nprobe values to measure on each IVF index built (same lists, only the stored parameter changes). */
  nprobeSweep?: number[];
  /** Index types per size and dimension; defaultFaissFactories when absent. */
  factories?: (size: number, dim: number) => FactoryChoice[];
}

export interface FactoryChoice {
  kind: FaissScalingEntry['kind'];
  factory: string;
  /** Stored search parameters; defaultSearchParamsFor(factory) when absent (as `npm run index`). */
  params?: SearchParams;
}

export interface FaissScalingEntry {
  size: number;
  /** ivf: IVF-Flat; ivfsq: IVF with 8-bit scalar codes; ivfpq: IVF-PQ (with `,RFlat`: exact re-rank). */
  kind: 'flat' | 'hnsw' | 'ivf' | 'ivfsq' | 'ivfpq';
  /** faiss index_factory string, e.g. "Flat", "HNSW32", "IVF4096,Flat", "IVF1024,PQ96x4fs,RFlat". */
  factory: string;
  /** As stored in the built index (read back from its bytes); empty for Flat. */
  searchParams: SearchParams;
  /** VectorIndex.build wall time: train (on its sample) + chunked adds + search-parameter patch. */
  buildMs: number;
  /**
   * Size of the serialized index (its `.faiss` file) in MiB. For Flat, HNSW and IVF this is what
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

/**
 * IVF-PQ with 4-bit fast-scan codes (dim/8 bytes per vector, scanned with SIMD shuffles) whose
 * shortlist of k·kFactor is re-ranked on the exact vectors (IndexRefineFlat, `,RFlat`).
 */
export function ivfPqRefineFactory(size: number, dim = 384): string {
  const m = dim % 4 === 0 ? dim / 4 : dim;
  return `IVF${ivfListsFor(size)},PQ${m}x4fs,RFlat`;
}

/** PQ fast-scan keeps too few of the true top 300 in a shortlist of 4×; measured at 100k, 10× is needed. */
export const PQ_REFINE_K_FACTOR = 10;

/**
 * HNSW32 is measured up to here: its 1M build took 42 min on the bench machine (2517 s, recall@300
 * 0.84 at efSearch 768, bench/RESULTS.md before the IVF default), far past the 10 min build target.
 */
export const HNSW_BENCH_MAX_ROWS = 100_000;

export function defaultFaissFactories(size: number, dim = 384): FactoryChoice[] {
  const lists = ivfListsFor(size);
  return [
    { kind: 'flat', factory: 'Flat' },
    ...(size <= HNSW_BENCH_MAX_ROWS ? [{ kind: 'hnsw' as const, factory: 'HNSW32' }] : []),
    { kind: 'ivf', factory: `IVF${lists},Flat` },
    { kind: 'ivfsq', factory: `IVF${lists},SQ8` },
    { kind: 'ivfpq', factory: ivfPqRefineFactory(size, dim), params: { ...defaultSearchParamsFor(`IVF${lists}`), kFactor: PQ_REFINE_K_FACTOR } },
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

/** "efSearch 768", "nprobe 256, kFactor 10", or '' for Flat. */
export function formatSearchParams(p: SearchParams): string {
  return [
    p.efSearch !== undefined ? `efSearch ${p.efSearch}` : '',
    p.nprobe !== undefined ? `nprobe ${p.nprobe}` : '',
    p.kFactor !== undefined ? `kFactor ${p.kFactor}` : '',
  ]
    .filter(Boolean)
    .join(', ');
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

/**
 * A full garbage collection, then a turn of the event loop: faiss-node frees an index's native
 * memory only when its wrapper is collected and its finalizer has run (N-API runs those from the
 * event loop), and V8 cannot see that memory. Without both, copies piled up: an exploration run
 * grew to 23 GB, and a bench run with gc but no turn to 18.6 GB at 1M (both OOM-killed). `gc` is
 * exposed at run time (V8 flag, then a fresh context's global) so the bench needs no node flag.
 */
let fullGc: (() => void) | null = null;
async function release(): Promise<void> {
  if (!fullGc) {
    v8.setFlagsFromString('--expose-gc');
    fullGc = vm.runInNewContext('gc') as () => void;
  }
  fullGc();
  await new Promise<void>((resolve) => setImmediate(resolve));
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
    for (const { kind, factory, params } of choices) {
      progress(`faiss ${size} ${factory}: building`);
      await tick();
      const t0 = performance.now();
      const index = VectorIndex.build(base, factory, params);
      const buildMs = performance.now() - t0;
      if (exact === null) {
        const truthIndex = kind === 'flat' ? index : VectorIndex.build(base, 'Flat');
        exact = truthIndex.searchBatch(queries, kk).map((h) => new Set(h.ids));
      }
      const { bytes, searchParams } = serialized(index);
      // HNSW is also measured at each extra efSearch, IVF at each extra nprobe (same graph or lists:
      // only the stored parameter changes).
      const sweep: SearchParams[] =
        kind === 'hnsw'
          ? (o.efSearchSweep ?? []).filter((ef) => ef !== DEFAULT_SEARCH_PARAMS.efSearch).map((efSearch) => ({ efSearch }))
          : kind.startsWith('ivf')
            ? (o.nprobeSweep ?? []).filter((np) => np !== searchParams.nprobe).map((nprobe) => ({ nprobe }))
            : [];
      // Each variant is a full copy of the index (1.5 GB at 1M × 384-d IVF-Flat), made when measured
      // and dropped after: V8 does not see faiss's native memory, so copies are collected only when
      // asked (release()).
      const variants: { searched: () => VectorIndex; params: SearchParams }[] = [
        { searched: () => index, params: searchParams },
        ...sweep.map((p) => ({ searched: () => index.withSearchParams(p), params: { ...searchParams, ...p } })),
      ];
      for (const { searched, params: variantParams } of variants) {
        const entry: FaissScalingEntry = {
          size,
          kind,
          factory,
          searchParams: variantParams,
          buildMs: Math.round(buildMs),
          memoryMb: Math.round((bytes / 2 ** 20) * 10) / 10,
          ...measureSearch(searched(), queries, exact, kk),
        };
        entries.push(entry);
        const shown = formatSearchParams(entry.searchParams);
        progress(
          `faiss ${size} ${factory}${shown ? ` (${shown})` : ''}: build ${(entry.buildMs / 1000).toFixed(1)} s, ${entry.memoryMb} MB, ` +
            `p50 ${entry.p50Ms} ms, p95 ${entry.p95Ms} ms, recall@${kk} ${entry.recallAt300}`,
        );
        await release();
      }
      // faiss-node frees a native index when its wrapper is collected; none outlives this iteration.
      await release();
    }
  }
  return entries;
}
