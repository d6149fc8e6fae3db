import { describe, expect, it } from 'vitest';
import { benchFaissScaling, defaultFaissFactories, ivfListsFor } from '../../src/bench/faiss-scaling.ts';
import { UserError } from '../../src/errors.ts';
import { maxTrainingRows } from '../../src/retrieval/vector-index.ts';

describe('benchFaissScaling', () => {
  it('measures Flat, HNSW32 and IVF-PQ through VectorIndex, with recall against Flat', async () => {
    const lines: string[] = [];
    const entries = await benchFaissScaling({ sizes: [2000], dim: 64, queries: 20, seed: 3, onProgress: (l) => lines.push(l) });

    expect(entries.map((e) => [e.size, e.kind, e.factory])).toEqual([
      [2000, 'flat', 'Flat'],
      [2000, 'hnsw', 'HNSW32'],
      [2000, 'ivfpq', 'IVF32,PQ16np'],
    ]);
    const [flat, hnsw, ivfpq] = entries;
    // Flat searched one query at a time finds exactly what the batched ground truth found.
    expect(flat!.recallAt300).toBe(1);
    expect(flat!.searchParams).toEqual({});
    // Search parameters are read back from the built indexes' bytes.
    expect(hnsw!.searchParams).toEqual({ efSearch: 768 });
    expect(ivfpq!.searchParams).toEqual({ nprobe: 32 });
    for (const e of [hnsw!, ivfpq!]) {
      expect(e.recallAt300).toBeGreaterThan(0);
      expect(e.recallAt300).toBeLessThanOrEqual(1);
    }
    for (const e of entries) {
      expect(e.buildMs).toBeGreaterThanOrEqual(0);
      expect(e.p50Ms).toBeGreaterThan(0);
      expect(e.p95Ms).toBeGreaterThanOrEqual(e.p50Ms);
    }
    // Memory is the serialized index: Flat holds 2000 × 64 float32 plus a small header.
    expect(flat!.memoryMb).toBeCloseTo((2000 * 64 * 4) / 2 ** 20, 1);
    expect(hnsw!.memoryMb).toBeGreaterThan(flat!.memoryMb);
    expect(ivfpq!.memoryMb).toBeGreaterThan(0);
    expect(lines.some((l) => l.includes('HNSW32: build'))).toBe(true);
  });

  it('picks IVF lists near 4·√n with ≥ 39 training points per list', () => {
    expect(ivfListsFor(1_000_000)).toBe(4096);
    expect(ivfListsFor(100_000)).toBe(1024);
    expect(ivfListsFor(18_486)).toBe(256);
    expect(defaultFaissFactories(1_000_000).map((f) => f.factory)).toEqual(['Flat', 'HNSW32', 'IVF4096,PQ96np']);
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
