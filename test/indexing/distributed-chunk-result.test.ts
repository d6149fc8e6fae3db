import { describe, expect, it } from 'vitest';
import { type ChunkResult, decodeChunkResult, encodeChunkResult } from '../../src/indexing/distributed/chunk-result.ts';

const result = (): ChunkResult => ({
  buildId: '0123456789abcdef',
  chunk: 2,
  start: 8,
  dim: 3,
  mask: [1, 0, 1],
  failures: [{ index: 9, trackId: 't9', path: 'a/b.ogg', reason: 'missing', message: 'no such file' }],
  // Values whose bits must survive: a subnormal, -0 and one not exact in decimal.
  rows: new Float32Array([0.1, -0, 1e-40, 0, 0, 0, 1 / 3, -2.5, 7]),
});
const expectOf = { buildId: '0123456789abcdef', chunk: 2, start: 8, tracks: 3 };

describe('chunk results (what workers store in Redis)', () => {
  it('round-trips rows bit for bit, with mask and failures', () => {
    const buf = encodeChunkResult(result());
    // Header, padding, then 3 rows × 3 float32.
    expect((buf.length - 36) % 4).toBe(0);
    const back = decodeChunkResult(buf, expectOf);
    expect(Buffer.from(back.rows.buffer).equals(Buffer.from(result().rows.buffer))).toBe(true);
    expect(back).toMatchObject({ mask: [1, 0, 1], failures: result().failures, dim: 3, start: 8 });
  });

  it('decodes from a buffer at an odd offset (Redis replies are slices)', () => {
    const buf = encodeChunkResult(result());
    const shifted = Buffer.concat([Buffer.from([1]), buf]).subarray(1);
    expect([...decodeChunkResult(shifted, expectOf).rows]).toEqual([...result().rows]);
  });

  it('refuses a result of another build or chunk, a cut one and a changed one', () => {
    const buf = encodeChunkResult(result());
    expect(() => decodeChunkResult(buf, { ...expectOf, chunk: 3 })).toThrow(/expected 0123456789abcdef chunk 3/);
    expect(() => decodeChunkResult(buf, { ...expectOf, buildId: 'ffffffffffffffff' })).toThrow(/result is for build/);
    expect(() => decodeChunkResult(buf.subarray(0, buf.length - 4), expectOf)).toThrow(/bytes of rows/);
    const changed = Buffer.from(buf);
    changed[changed.length - 1]! ^= 1;
    expect(() => decodeChunkResult(changed, expectOf)).toThrow(/checksum/);
    expect(() => decodeChunkResult(Buffer.from('nope'), expectOf)).toThrow(/not a chunk result/);
  });

  it('refuses to encode rows that do not fit the mask', () => {
    expect(() => encodeChunkResult({ ...result(), rows: new Float32Array(8) })).toThrow(/8 floats for 3 rows of 3/);
  });
});
