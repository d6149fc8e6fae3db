import { mkdtempSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dot, row } from '../../src/retrieval/matrix.ts';
import { VectorIndex } from '../../src/retrieval/vector-index.ts';
import { python } from '../helpers/python.ts';
import { clusteredVectors } from '../helpers/synthetic.ts';
import { fileTempDir } from '../helpers/temp-dir.ts';

/** Removed after the file's tests; each test writes in a folder of its own below it. */
const root = await fileTempDir('vector-index');

function bruteForceTop(vectors: ReturnType<typeof clusteredVectors>, q: Float32Array, k: number): number[] {
  const scores = Array.from({ length: vectors.rows }, (_, i) => [i, dot(row(vectors, i), q)] as const);
  return scores.sort((a, b) => b[1] - a[1]).slice(0, k).map(([i]) => i);
}

describe('VectorIndex (faiss-node)', () => {
  const vectors = clusteredVectors(2000, 64, 7);

  it('Flat inner product equals brute force, and k is clamped to the index size', () => {
    const index = VectorIndex.build(vectors);
    const q = row(vectors, 5);
    const hits = index.search(q, 20);
    expect(hits.ids).toEqual(bruteForceTop(vectors, q, 20));
    expect(hits.scores[0]).toBeCloseTo(1, 5);
    const small = VectorIndex.build({ rows: 3, dim: 64, data: vectors.data.slice(0, 192) });
    expect(small.search(q, 300).ids).toHaveLength(3);
  });

  it('writes a .faiss file in faiss format that reads back identically', async () => {
    const dir = await mkdtemp(path.join(root, 'vi-'));
    const index = VectorIndex.build(vectors);
    const file = path.join(dir, 'text.faiss');
    index.write(file);
    // faiss's own serialization starts with the index type's fourcc (IxFI = IndexFlatIP), which
    // is what Python's faiss.read_index dispatches on.
    expect((await readFile(file)).subarray(0, 4).toString('latin1')).toBe('IxFI');
    const back = VectorIndex.read(file, 'Flat');
    expect(back.size).toBe(2000);
    const q = row(vectors, 42);
    expect(back.search(q, 10)).toEqual(index.search(q, 10));
  });

  it('Python faiss reads our HNSW file with its efSearch, and finds the same neighbours', async () => {
    const dir = await mkdtemp(path.join(root, 'vi-'));
    const hnsw = VectorIndex.build(vectors, 'HNSW32');
    hnsw.write(path.join(dir, 'h.faiss'));
    const out = JSON.parse(
      await python(
        `import faiss, sys, json, numpy as np
ix = faiss.read_index(sys.argv[1]); q = np.array(json.loads(sys.argv[2]), dtype='float32').reshape(1, -1)
D, I = ix.search(q, 10)
print(json.dumps({'ef': ix.hnsw.efSearch, 'ntotal': ix.ntotal, 'I': I[0].tolist()}))`,
        [path.join(dir, 'h.faiss'), JSON.stringify(Array.from(row(vectors, 3)))],
      ),
    );
    expect(out).toEqual({ ef: 768, ntotal: 2000, I: hnsw.search(row(vectors, 3), 10).ids });
  });

  it('Python faiss reads our IVF-Flat and refine (RFlat) files with their nprobe and kFactor, and finds the same top-k', async () => {
    const dir = await mkdtemp(path.join(root, 'vi-'));
    const q = row(vectors, 5);
    const cases = [
      { factory: 'IVF16,Flat', params: { nprobe: 4 }, want: { nprobe: 4 } },
      { factory: 'IVF16,PQ16x4fs,RFlat', params: { nprobe: 6, kFactor: 3 }, want: { nprobe: 6, kFactor: 3 } },
      { factory: 'IVF16,SQ8,RFlat', params: { nprobe: 5, kFactor: 2.5 }, want: { nprobe: 5, kFactor: 2.5 } },
    ];
    for (const { factory, params, want } of cases) {
      const index = VectorIndex.build(vectors, factory, params);
      expect(index.searchParams).toEqual(want);
      const file = path.join(dir, `${factory.replaceAll(',', '_')}.faiss`);
      index.write(file);
      const out = JSON.parse(
        await python(
          `import faiss, sys, json, numpy as np
ix = faiss.read_index(sys.argv[1]); q = np.array(json.loads(sys.argv[2]), dtype='float32').reshape(1, -1)
D, I = ix.search(q, 50)
got = {'I': I[0].tolist()}
if isinstance(ix, faiss.IndexRefine):
    got['kFactor'] = ix.k_factor
    got['nprobe'] = faiss.extract_index_ivf(ix.base_index).nprobe
else:
    got['nprobe'] = ix.nprobe
print(json.dumps(got))`,
          [file, JSON.stringify(Array.from(q))],
        ),
      );
      expect(out).toEqual({ ...want, I: VectorIndex.read(file).search(q, 50).ids });
    }
  });

  it('re-reads refine files with other parameters, and kFactor changes what the re-rank sees', () => {
    const index = VectorIndex.build(vectors, 'IVF16,PQ16x4fs,RFlat', { nprobe: 16, kFactor: 1 });
    const wider = VectorIndex.fromBuffer(index.toBytes(), 'IVF16,PQ16x4fs,RFlat', { kFactor: 8 });
    expect(wider.searchParams).toEqual({ nprobe: 16, kFactor: 8 });
    // Exact re-rank of a longer shortlist finds at least as many of the true top 50.
    let narrow = 0;
    let wide = 0;
    for (let i = 0; i < 20; i++) {
      const q = row(vectors, i * 97);
      const truth = new Set(bruteForceTop(vectors, q, 50));
      narrow += index.search(q, 50).ids.filter((id) => truth.has(id)).length;
      wide += wider.search(q, 50).ids.filter((id) => truth.has(id)).length;
    }
    expect(wide).toBeGreaterThan(narrow);
  });

  it('refuses unreadable files, bad factories and wrong query dimensions with reasons', async () => {
    const dir = await mkdtemp(path.join(root, 'vi-'));
    const junk = path.join(dir, 'junk.faiss');
    await import('node:fs/promises').then((fs) => fs.writeFile(junk, 'not an index'));
    expect(() => VectorIndex.read(junk)).toThrow(/faiss cannot read it/);
    expect(() => VectorIndex.build(vectors, 'NoSuchIndex')).toThrow(/faiss cannot make an index "NoSuchIndex"/);
    expect(() => VectorIndex.build(vectors, 'IVF4096,Flat')).toThrow(/"IVF4096,Flat" needs at least 4096 vectors to train, the catalog has 2000/);
    expect(() => VectorIndex.build({ rows: 100, dim: 64, data: vectors.data.slice(0, 6400) }, 'IVF16,PQ8')).toThrow(/needs at least 256 vectors/);
    expect(() => VectorIndex.build(vectors).search(new Float32Array(8), 3)).toThrow(/query has 8 dimensions, the index 64/);
  });

  it('trains IVF-PQ factories on enough vectors, stores nprobe, and still finds near neighbours', () => {
    // `np`: no polysemous training (faiss's default for PQ takes minutes and only helps Hamming search).
    const ivfpq = VectorIndex.build(vectors, 'IVF16,PQ8np');
    expect(ivfpq.size).toBe(2000);
    expect(ivfpq.searchParams).toEqual({ nprobe: 16 }); // default 32, capped at nlist
    const q = row(vectors, 9);
    expect(ivfpq.search(q, 50).ids).toContain(9);
  });

  it('HNSW32 reaches recall@300 ≥ 0.9 against Flat on 20,000 clustered 384-d vectors', () => {
    // 50 held-out points of the same distribution serve as queries.
    const all = clusteredVectors(20_050, 384, 11);
    const big = { rows: 20_000, dim: 384, data: all.data.subarray(0, 20_000 * 384) };
    const queries = { rows: 50, dim: 384, data: all.data.subarray(20_000 * 384) };
    const flat = VectorIndex.build(big);
    const hnsw = VectorIndex.build(big, 'HNSW32');
    // faiss's default efSearch (16) stops the walk long before 300 hits; the build stores ours.
    expect(hnsw.searchParams.efSearch).toBe(768);
    let found = 0;
    let wanted = 0;
    const exact = flat.searchBatch(queries, 300);
    const approx = hnsw.searchBatch(queries, 300);
    exact.forEach((hits, q) => {
      const got = new Set(approx[q]!.ids);
      found += hits.ids.filter((id) => got.has(id)).length;
      wanted += hits.ids.length;
    });
    const recall = found / wanted;
    console.log(`HNSW32 recall@300 = ${recall.toFixed(4)}`);
    expect(recall).toBeGreaterThanOrEqual(0.9);
    // The setting survives a write and read (it is part of faiss's file format).
    const dir = mkdtempSync(path.join(root, 'vi-'));
    hnsw.write(path.join(dir, 'h.faiss'));
    expect(VectorIndex.read(path.join(dir, 'h.faiss')).searchParams.efSearch).toBe(768);
    expect(VectorIndex.read(path.join(dir, 'h.faiss'), 'HNSW32', { efSearch: 64 }).searchParams.efSearch).toBe(64);
  });
});
