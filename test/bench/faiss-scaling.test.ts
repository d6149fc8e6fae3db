import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { benchFaissScaling, defaultFaissFactories, ivfListsFor } from '../../src/bench/faiss-scaling.ts';
import { readVectorRows, writeClusteredVectorFile } from '../../src/bench/vector-file.ts';
import { UserError } from '../../src/errors.ts';
import { maxTrainingRows } from '../../src/retrieval/vector-index.ts';
import { clusteredVectors } from '../helpers/synthetic.ts';
import { fileTempDir } from '../helpers/temp-dir.ts';

const root = await fileTempDir('faiss-scaling');

describe('benchFaissScaling', () => {
  it('measures Flat, HNSW32, IVF-Flat, IVF-SQ8 and IVF-PQ with exact re-rank, each build and each search in a process of its own', async () => {
    const lines: string[] = [];
    const entries = await benchFaissScaling({ sizes: [2000], dim: 64, queries: 20, seed: 3, nprobeSweep: [8, 32], onProgress: (l) => lines.push(l) });

    expect(entries.map((e) => [e.size, e.kind, e.factory, e.searchParams])).toEqual([
      [2000, 'flat', 'Flat', {}],
      [2000, 'hnsw', 'HNSW32', { efSearch: 768 }],
      // Stored nprobe (64, capped at the 32 lists) first, then the sweep's other values patched into
      // the same index file (as read back from it).
      [2000, 'ivf', 'IVF32,Flat', { nprobe: 32 }],
      [2000, 'ivf', 'IVF32,Flat', { nprobe: 8 }],
      [2000, 'ivfsq', 'IVF32,SQ8', { nprobe: 32 }],
      [2000, 'ivfsq', 'IVF32,SQ8', { nprobe: 8 }],
      [2000, 'ivfpq', 'IVF32,PQ16x4fs,RFlat', { nprobe: 32, kFactor: 10 }],
      [2000, 'ivfpq', 'IVF32,PQ16x4fs,RFlat', { nprobe: 8, kFactor: 10 }],
    ]);
    const [flat, hnsw, ivf, ivf8, sq, , pq] = entries;
    // Flat searched one query at a time finds exactly what the batched ground truth found.
    expect(flat!.recallAt300).toBe(1);
    // IVF-Flat visiting every list is exact; visiting a quarter of them is not better.
    expect(ivf!.recallAt300).toBe(1);
    expect(ivf8!.recallAt300).toBeLessThanOrEqual(ivf!.recallAt300);
    for (const e of [hnsw!, sq!, pq!]) {
      expect(e.recallAt300).toBeGreaterThan(0);
      expect(e.recallAt300).toBeLessThanOrEqual(1);
    }
    for (const e of entries) {
      expect(e.buildMs).toBeGreaterThanOrEqual(0);
      expect(e.p50Ms).toBeGreaterThan(0);
      expect(e.p95Ms).toBeGreaterThanOrEqual(e.p50Ms);
      expect(e.loadAverage).toBeGreaterThanOrEqual(0);
    }
    // One build per family; the sweep's rows share its build (time, process) but each was searched
    // by a process of its own, whose peak memory is its own.
    expect(new Set(entries.map((e) => e.peakRssMb.build)).size).toBeLessThanOrEqual(5);
    for (const e of entries) {
      expect(e.peakRssMb.build).toBeGreaterThan(0);
      expect(e.peakRssMb.search).toBeGreaterThan(0);
    }
    expect(ivf8!.peakRssMb.build).toBe(ivf!.peakRssMb.build);
    expect(ivf8!.buildMs).toBe(ivf!.buildMs);
    // Memory is the serialized index: Flat holds 2000 × 64 float32 plus a small header.
    expect(flat!.memoryMb).toBeCloseTo((2000 * 64 * 4) / 2 ** 20, 1);
    expect(hnsw!.memoryMb).toBeGreaterThan(flat!.memoryMb);
    // SQ8 is a byte per dimension; the refine index keeps the float vectors besides the PQ codes.
    expect(sq!.memoryMb).toBeLessThan(flat!.memoryMb / 2);
    expect(pq!.memoryMb).toBeGreaterThanOrEqual(flat!.memoryMb);
    expect(lines.some((l) => l.includes('HNSW32 (efSearch 768): build'))).toBe(true);
    expect(lines.some((l) => l.includes('IVF32,PQ16x4fs,RFlat (nprobe 8, kFactor 10): build'))).toBe(true);
  });

  it('takes the ground truth from a Flat index it does not report when the factories leave Flat out', async () => {
    const entries = await benchFaissScaling({ sizes: [1500], dim: 32, queries: 10, k: 50, factories: () => [{ kind: 'ivf', factory: 'IVF16,Flat' }], nprobeSweep: [2] });
    expect(entries.map((e) => [e.factory, e.searchParams])).toEqual([
      ['IVF16,Flat', { nprobe: 16 }],
      ['IVF16,Flat', { nprobe: 2 }],
    ]);
    // Every list visited is exact; 2 of 16 lists miss some of the true top 50.
    expect(entries[0]!.recallAt300).toBe(1);
    expect(entries[1]!.recallAt300).toBeLessThan(1);
  });

  it('says which step failed when a build cannot run, without a stack trace', async () => {
    const failing = benchFaissScaling({ sizes: [1000], dim: 16, queries: 5, factories: () => [{ kind: 'flat', factory: 'Flat' }, { kind: 'ivf', factory: 'NoSuchIndex' }] });
    await expect(failing).rejects.toThrow(UserError);
    await expect(failing).rejects.toThrow(/^faiss build of NoSuchIndex failed: faiss cannot make an index "NoSuchIndex"/);
    await expect(failing).rejects.not.toThrow(/\bat .*\.ts:\d+/);
  });

  it('writes the vectors a chunk at a time, row for row those of clusteredVectors, and reads any rows back', async () => {
    const file = path.join(root, 'vectors.f32');
    // More rows than one write chunk, so chunk edges are crossed.
    writeClusteredVectorFile(file, 12_000, 8, 4);
    const all = clusteredVectors(12_000, 8, 4);
    expect(readVectorRows(file, 8, 0, 12_000).data).toEqual(all.data);
    expect(readVectorRows(file, 8, 10_900, 50).data).toEqual(all.data.subarray(10_900 * 8, 10_950 * 8));
    expect(() => readVectorRows(file, 8, 11_990, 20)).toThrow(/ends before row 12010/);
  });

  it('picks IVF lists near 4·√n with ≥ 39 training points per list', () => {
    expect(ivfListsFor(1_000_000)).toBe(4096);
    expect(ivfListsFor(100_000)).toBe(1024);
    expect(ivfListsFor(18_486)).toBe(256);
    // HNSW32 only up to 100k (its 1M build took 42 min); the IVF families at every size.
    expect(defaultFaissFactories(100_000).map((f) => f.factory)).toEqual(['Flat', 'HNSW32', 'IVF1024,Flat', 'IVF1024,SQ8', 'IVF1024,PQ96x4fs,RFlat']);
    expect(defaultFaissFactories(1_000_000).map((f) => f.factory)).toEqual(['Flat', 'IVF4096,Flat', 'IVF4096,SQ8', 'IVF4096,PQ96x4fs,RFlat']);
  });

  it('trains large indexes on a bounded sample (64 rows per IVF list, ≥ 65,536, within a JS array)', () => {
    expect(maxTrainingRows('IVF1024,PQ96np', 384)).toBe(65_536);
    expect(maxTrainingRows('IVF4096,PQ96np', 384)).toBe(262_144);
    // 16,384 lists would want 1M rows: capped where one JS array of 384-d rows still fits.
    expect(maxTrainingRows('IVF16384,PQ96np', 384)).toBe(262_144);
    expect(maxTrainingRows('IVF16384,Flat', 1024)).toBe(98_304);
  });

  it('refuses sizes that are not whole positive numbers', async () => {
    await expect(benchFaissScaling({ sizes: [] })).rejects.toThrow(UserError);
    await expect(benchFaissScaling({ sizes: [1000, -5] })).rejects.toThrow(/whole numbers above 0/);
    await expect(benchFaissScaling({ sizes: [1000], k: 0 })).rejects.toThrow(/k must be a whole number/);
  });
});
