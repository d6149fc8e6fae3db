import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultFactoryFor, defaultSearchParamsFor, FLAT_MAX_ROWS, VectorIndex } from '../../src/retrieval/vector-index.ts';
import { REPO_ROOT } from '../helpers/paths.ts';
import { runCli } from '../helpers/run-cli.ts';
import { clusteredVectors } from '../helpers/synthetic.ts';

describe('default index type by catalog size', () => {
  it('is exact (Flat) up to FLAT_MAX_ROWS tracks, the full MTG-Jamendo catalog included, and IVF-Flat with ~4·√n lists above', () => {
    expect(defaultFactoryFor(1)).toBe('Flat');
    expect(defaultFactoryFor(18_486)).toBe('Flat');
    expect(defaultFactoryFor(FLAT_MAX_ROWS)).toBe('Flat');
    expect(defaultFactoryFor(FLAT_MAX_ROWS + 1)).toBe('IVF1024,Flat');
    expect(defaultFactoryFor(100_000)).toBe('IVF1024,Flat');
    expect(defaultFactoryFor(1_000_000)).toBe('IVF4096,Flat');
    expect(defaultFactoryFor(10_000_000)).toBe('IVF16384,Flat');
    // Every size above the Flat limit has ≥ 39 training vectors per list (faiss's own floor).
    for (const n of [FLAT_MAX_ROWS + 1, 60_000, 250_000, 1_000_000, 10_000_000]) {
      const lists = Number(/IVF(\d+)/.exec(defaultFactoryFor(n))![1]);
      expect(lists * 39).toBeLessThanOrEqual(n);
    }
  });

  it('visits 1/32 of the IVF lists by default (scanned share constant with size), at least 64', () => {
    expect(defaultSearchParamsFor('IVF1024,Flat').nprobe).toBe(64);
    expect(defaultSearchParamsFor('IVF4096,Flat').nprobe).toBe(128);
    expect(defaultSearchParamsFor('IVF16384,Flat').nprobe).toBe(512);
    expect(defaultSearchParamsFor('IVF256,Flat').nprobe).toBe(64);
    expect(defaultSearchParamsFor('HNSW32')).toMatchObject({ efSearch: 768 });
  });

  it('fills the search parameters a build is not given with the defaults (npm run index passes only the flags set)', () => {
    const small = clusteredVectors(2_000, 32, 4);
    expect(VectorIndex.build(small, 'HNSW16', {}).searchParams).toEqual({ efSearch: 768 });
    expect(VectorIndex.build(small, 'IVF16,Flat', { efSearch: 99 }).searchParams).toEqual({ nprobe: 16 });
    expect(VectorIndex.build(small, 'IVF32,SQ8,RFlat', { nprobe: 3 }).searchParams).toEqual({ nprobe: 3, kFactor: 4 });
  });

  it('builds just above the Flat limit (60,000 × 384-d) with its stored nprobe, and finds what Flat finds', () => {
    const all = clusteredVectors(60_020, 384, 5);
    const big = { rows: 60_000, dim: 384, data: all.data.subarray(0, 60_000 * 384) };
    const factory = defaultFactoryFor(big.rows);
    const index = VectorIndex.build(big, factory);
    expect(index.size).toBe(60_000);
    expect(index.searchParams).toEqual({ nprobe: 64 });
    const flat = VectorIndex.build(big);
    let found = 0;
    for (let q = 0; q < 20; q++) {
      const query = all.data.subarray((60_000 + q) * 384, (60_001 + q) * 384);
      const truth = new Set(flat.search(query, 300).ids);
      found += index.search(query, 300).ids.filter((id) => truth.has(id)).length;
    }
    expect(found / (20 * 300)).toBeGreaterThanOrEqual(0.95);
  }, 120_000);

  it('is the threshold `npm run index -- --help` and the README tell people', async () => {
    const threshold = FLAT_MAX_ROWS.toLocaleString('en-US');
    const help = await runCli(['index', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain(`Flat (exact) up to ${threshold} tracks, IVF-Flat above`);
    const readme = await readFile(path.join(REPO_ROOT, 'README.md'), 'utf8');
    expect(readme).toContain(`Flat up to ${threshold} tracks, IVF-Flat above`);
    expect(readme).toContain(`**Flat up to ${threshold} tracks**`);
  });

  it('serializes to the same bytes every time, with the stored search parameters', () => {
    const index = VectorIndex.build(clusteredVectors(5_000, 64, 3), 'HNSW32');
    const bytes = index.toBytes();
    expect(index.toBytes().equals(bytes)).toBe(true);
    expect(VectorIndex.fromBuffer(bytes, 'HNSW32').size).toBe(5_000);
    expect(index.searchParams).toEqual({ efSearch: 768 });
  });
});
