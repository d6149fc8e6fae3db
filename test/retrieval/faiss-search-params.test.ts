import { copyFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { applySearchParams, applySearchParamsToFile, readSearchParams, readSearchParamsOfFile } from '../../src/retrieval/faiss-search-params.ts';
import { row } from '../../src/retrieval/matrix.ts';
import { VectorIndex } from '../../src/retrieval/vector-index.ts';
import { clusteredVectors } from '../helpers/synthetic.ts';
import { fileTempDir } from '../helpers/temp-dir.ts';

const root = await fileTempDir('search-params');

describe('search parameters in a .faiss file on disk', () => {
  const vectors = clusteredVectors(3000, 32, 5);

  it.each([
    ['HNSW16', { efSearch: 40 }, { efSearch: 40 }],
    // nprobe is capped at the number of lists, as in memory.
    ['IVF32,Flat', { nprobe: 500 }, { nprobe: 32 }],
    ['IVF32,SQ8', { nprobe: 5 }, { nprobe: 5 }],
    ['IVF32,PQ8x4fs,RFlat', { nprobe: 7, kFactor: 3 }, { nprobe: 7, kFactor: 3 }],
    ['Flat', { nprobe: 7, efSearch: 9 }, {}],
  ])('%s: read and patched in place, byte for byte as in memory, and faiss searches with them', (factory, params, stored) => {
    const file = path.join(root, `${factory.replace(/\W/g, '_')}.faiss`);
    const original = path.join(root, `${factory.replace(/\W/g, '_')}-original.faiss`);
    VectorIndex.build(vectors, factory).write(original);
    copyFileSync(original, file);
    expect(readSearchParamsOfFile(file)).toEqual(readSearchParams(readFileSync(file)));

    expect(applySearchParamsToFile(file, params)).toEqual(stored);
    expect(readSearchParamsOfFile(file)).toEqual(stored);
    const inMemory = applySearchParams(readFileSync(original), params);
    expect(readFileSync(file).equals(inMemory)).toBe(true);

    // faiss's own reader (no params given) sees the patched values: the same hits as the copy patched in memory.
    const fromFile = VectorIndex.read(file, factory);
    const fromBytes = VectorIndex.fromBuffer(readFileSync(original), factory, params);
    for (const q of [3, 1500, 2999]) expect(fromFile.search(row(vectors, q), 50)).toEqual(fromBytes.search(row(vectors, q), 50));
  });

  it('refuses a file that is not an index, with faiss\'s reason', () => {
    const junk = path.join(root, 'junk.faiss');
    copyFileSync(import.meta.filename, junk);
    expect(() => VectorIndex.read(junk)).toThrow(/faiss cannot read it/);
  });
});
