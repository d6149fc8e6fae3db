import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../errors.ts';
import type { SearchParams } from '../retrieval/faiss-search-params.ts';
import { defaultSearchParamsFor, ivfListsFor } from '../retrieval/vector-index.ts';
import type { BuildOutcome, BuildStep, FaissStep, SearchOutcome, SearchStep } from './faiss-scaling-steps.ts';
import { runJsonChild } from './json-child.ts';
import { writeClusteredVectorFile } from './vector-file.ts';

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
  /** As stored in the index file it was searched from (read back from it); empty for Flat. */
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
  /** Peak resident memory of the process that built the index, and of the one that loaded it from its file and searched it. */
  peakRssMb: { build: number; search: number };
  /** 1-minute load average when the search began (the machine may be shared). */
  loadAverage: number;
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

/** Builds or searches in a process of its own: faiss's memory goes back to the system when it ends. */
function runStep(step: BuildStep): Promise<BuildOutcome>;
function runStep(step: SearchStep): Promise<SearchOutcome>;
function runStep(step: FaissStep): Promise<BuildOutcome | SearchOutcome> {
  return runJsonChild(STEP_CHILD, step, `faiss ${step.step} of ${step.factory}`);
}

const STEP_CHILD = fileURLToPath(new URL('./faiss-scaling-child.ts', import.meta.url));

/** Lets progress lines reach the terminal before a long synchronous call. */
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Builds every factory at every size from one seeded set of clustered vectors (each size is a
 * prefix of it, written once to a temporary file), and searches each with the same held-out
 * queries drawn from the same clusters. Ground truth is the exact top-k from a Flat index, in one
 * batched search.
 *
 * Each build, and each search at one set of parameters, runs in a process of its own that reads
 * the vectors and the index file: faiss-node frees a native index only when its wrapper is
 * collected, and an index per sweep value in one process grew to 18.6–23 GB at 1M (OOM-killed
 * twice). A sweep value is patched into the index file in place, and faiss reads the file itself.
 */
export async function benchFaissScaling(o: FaissScalingOptions): Promise<FaissScalingEntry[]> {
  checkOptions(o);
  const dim = o.dim ?? 384;
  const k = o.k ?? 300;
  const nq = o.queries ?? 200;
  const progress = o.onProgress ?? (() => {});
  const factoriesFor = o.factories ?? defaultFaissFactories;
  const largest = Math.max(...o.sizes);
  const work = await mkdtemp(path.join(tmpdir(), 'cratedigger-faiss-bench-'));
  try {
    progress(`faiss scaling: generating ${largest + nq} clustered ${dim}-d vectors (${nq} held out as queries)`);
    await tick();
    const vectorsFile = path.join(work, 'vectors.f32');
    writeClusteredVectorFile(vectorsFile, largest + nq, dim, o.seed ?? 1);
    const indexFile = path.join(work, 'index.faiss');
    const entries: FaissScalingEntry[] = [];
    for (const size of o.sizes) {
      // Flat first: it is also the ground truth for the others (built only for that when not asked).
      const asked = factoriesFor(size, dim);
      const choices: (FactoryChoice & { truthOnly?: true })[] = [
        ...(asked.some((c) => c.kind === 'flat') ? [] : [{ kind: 'flat' as const, factory: 'Flat', truthOnly: true as const }]),
        ...[...asked].sort((a, b) => Number(b.kind === 'flat') - Number(a.kind === 'flat')),
      ];
      let truth: number[][] | null = null;
      for (const choice of choices) {
        const { kind, factory } = choice;
        progress(`faiss ${size} ${factory}: building`);
        const built = await runStep({ step: 'build', vectorsFile, dim, size, factory, params: choice.params ?? {}, indexFile });
        const searchWith = (params: SearchParams) =>
          runStep({ step: 'search', vectorsFile, dim, queriesFrom: largest, queries: nq, k, indexFile, factory, params, truth });
        const stored = await searchWith({});
        truth ??= stored.truth ?? null;
        if (choice.truthOnly) continue;
        // HNSW is also measured at each extra efSearch, IVF at each extra nprobe (same graph or lists:
        // only the parameter in the file changes).
        const sweep: SearchParams[] =
          kind === 'hnsw'
            ? (o.efSearchSweep ?? []).filter((ef) => ef !== built.searchParams.efSearch).map((efSearch) => ({ efSearch }))
            : kind.startsWith('ivf')
              ? (o.nprobeSweep ?? []).filter((np) => np !== built.searchParams.nprobe).map((nprobe) => ({ nprobe }))
              : [];
        const record = (measured: SearchOutcome) => {
          const entry: FaissScalingEntry = {
            size,
            kind,
            factory,
            searchParams: measured.searchParams,
            buildMs: built.buildMs,
            memoryMb: Math.round((built.bytes / 2 ** 20) * 10) / 10,
            p50Ms: measured.p50Ms,
            p95Ms: measured.p95Ms,
            recallAt300: measured.recallAt300,
            peakRssMb: { build: built.peakRssMb, search: measured.peakRssMb },
            loadAverage: measured.loadAverage,
          };
          entries.push(entry);
          const shown = formatSearchParams(entry.searchParams);
          progress(
            `faiss ${size} ${factory}${shown ? ` (${shown})` : ''}: build ${(entry.buildMs / 1000).toFixed(1)} s, ${entry.memoryMb} MB, ` +
              `p50 ${entry.p50Ms} ms, p95 ${entry.p95Ms} ms, recall@${Math.min(k, size)} ${entry.recallAt300}; ` +
              `peak RSS build ${built.peakRssMb} MB, search ${measured.peakRssMb} MB; load ${measured.loadAverage}`,
          );
        };
        record(stored);
        for (const params of sweep) record(await searchWith(params));
      }
    }
    return entries;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
