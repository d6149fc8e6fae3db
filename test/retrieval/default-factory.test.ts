import { describe, expect, it } from 'vitest';
import { defaultFactoryFor, FLAT_MAX_ROWS, VectorIndex } from '../../src/retrieval/vector-index.ts';
import { clusteredVectors } from '../helpers/synthetic.ts';

describe('default index type by catalog size', () => {
  it('is exact (Flat) up to 50,000 tracks and HNSW32 above', () => {
    expect(FLAT_MAX_ROWS).toBe(50_000);
    expect(defaultFactoryFor(1)).toBe('Flat');
    expect(defaultFactoryFor(18_486)).toBe('Flat');
    expect(defaultFactoryFor(50_000)).toBe('Flat');
    expect(defaultFactoryFor(50_001)).toBe('HNSW32');
    expect(defaultFactoryFor(1_000_000)).toBe('HNSW32');
  });

  it('serializes to the same bytes every time, with the stored search parameters', () => {
    const index = VectorIndex.build(clusteredVectors(5_000, 64, 3), 'HNSW32');
    const bytes = index.toBytes();
    expect(index.toBytes().equals(bytes)).toBe(true);
    expect(VectorIndex.fromBuffer(bytes, 'HNSW32').size).toBe(5_000);
    expect(index.searchParams).toEqual({ efSearch: 768 });
  });
});
