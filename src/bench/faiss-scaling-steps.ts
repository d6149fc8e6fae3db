import { statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { applySearchParamsToFile, readSearchParamsOfFile, type SearchParams } from '../retrieval/faiss-search-params.ts';
import { type Matrix, row } from '../retrieval/matrix.ts';
import { VectorIndex } from '../retrieval/vector-index.ts';
import { peakRssMb } from './peak-rss.ts';
import { summarize } from './stats.ts';
import { readVectorRows } from './vector-file.ts';

/**
 * The two steps of the faiss scaling bench, each run in a process of its own (faiss-scaling-child.ts)
 * so that everything faiss allocated goes back to the operating system when the step ends.
 */

/** Build one index on the first `size` rows of the vectors file and write it to `indexFile`. */
export interface BuildStep {
  step: 'build';
  vectorsFile: string;
  dim: number;
  size: number;
  factory: string;
  params?: SearchParams;
  indexFile: string;
}

export interface BuildOutcome {
  buildMs: number;
  /** Size of the written `.faiss` file. */
  bytes: number;
  /** As stored in the file (read back from it); empty for Flat. */
  searchParams: SearchParams;
  /** Peak resident memory of the building process. */
  peakRssMb: number;
}

/**
 * Set `params` in the index file (in place), load it with faiss's own reader and time queries
 * `queriesFrom …` of the vectors file one at a time against `truth` (the exact top k of each).
 * Without `truth` the index must be Flat: its batched search is the truth, and is returned.
 */
export interface SearchStep {
  step: 'search';
  vectorsFile: string;
  dim: number;
  queriesFrom: number;
  queries: number;
  k: number;
  indexFile: string;
  factory: string;
  params: SearchParams;
  truth: number[][] | null;
}

export interface SearchOutcome {
  searchParams: SearchParams;
  p50Ms: number;
  p95Ms: number;
  recallAt300: number;
  /** Peak resident memory of the process that loaded the index and searched it. */
  peakRssMb: number;
  /** 1-minute load average when the search began: other work on the machine slows every figure. */
  loadAverage: number;
  truth?: number[][];
}

export type FaissStep = BuildStep | SearchStep;

/** Queries run before timing (first-call costs: page faults, caches); not counted. */
const WARMUP_QUERIES = 5;

const rssMb = () => Math.round(peakRssMb());

function build(o: BuildStep): BuildOutcome {
  const base = readVectorRows(o.vectorsFile, o.dim, 0, o.size);
  const t0 = performance.now();
  const index = VectorIndex.build(base, o.factory, o.params);
  const buildMs = Math.round(performance.now() - t0);
  index.write(o.indexFile);
  return { buildMs, bytes: statSync(o.indexFile).size, searchParams: readSearchParamsOfFile(o.indexFile), peakRssMb: rssMb() };
}

function overlap(found: readonly number[], exact: ReadonlySet<number>): number {
  let n = 0;
  for (const id of found) if (exact.has(id)) n++;
  return n;
}

/** Single-query latency and mean recall against the exact top-k, over every held-out query. */
function measureSearch(index: VectorIndex, queries: Matrix, truth: readonly number[][], k: number) {
  const exact = truth.map((ids) => new Set(ids));
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

function search(o: SearchStep): SearchOutcome {
  if (o.truth === null && o.factory !== 'Flat') throw new Error(`the ground truth comes from a Flat index, not ${o.factory}`);
  const searchParams = applySearchParamsToFile(o.indexFile, o.params);
  const index = VectorIndex.read(o.indexFile, o.factory);
  const queries = readVectorRows(o.vectorsFile, o.dim, o.queriesFrom, o.queries);
  const k = Math.min(o.k, index.size);
  const truth = o.truth ?? index.searchBatch(queries, k).map((h) => h.ids);
  const loadAverage = Math.round(loadavg()[0]! * 100) / 100;
  const figures = measureSearch(index, queries, truth, k);
  return { searchParams, ...figures, peakRssMb: rssMb(), loadAverage, ...(o.truth === null ? { truth } : {}) };
}

export function runFaissStep(o: FaissStep): BuildOutcome | SearchOutcome {
  return o.step === 'build' ? build(o) : search(o);
}
