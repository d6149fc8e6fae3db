import { createHash } from 'node:crypto';
import type { AudioFailure } from '../audio/failures.ts';

/**
 * One chunk's embeddings as a worker stores them in Redis and the assembler reads them:
 * `CDRESULT`, u32 LE header length, JSON header, space padding to a multiple of 4, then
 * float32 LE rows (one per track of the chunk, zeros where the mask is 0). 64 tracks × 512
 * floats = 128 KiB of rows plus a header of a few hundred bytes. Floats travel as bits, so the
 * assembled matrix equals the one a single-process build computes.
 */

const MAGIC = Buffer.from('CDRESULT', 'ascii');

export interface ChunkResult {
  buildId: string;
  chunk: number;
  /** Catalog row of the first track. */
  start: number;
  dim: number;
  /** One per track of the chunk: 1 when it has a row. */
  mask: number[];
  /** Failures with catalog rows (`index`), as a single-process build records them. */
  failures: AudioFailure[];
  rows: Float32Array;
}

interface Header extends Omit<ChunkResult, 'rows'> {
  dataSha256: string;
}

export function encodeChunkResult(result: ChunkResult): Buffer {
  if (result.rows.length !== result.mask.length * result.dim) throw new RangeError(`${result.rows.length} floats for ${result.mask.length} rows of ${result.dim}`);
  const data = Buffer.from(result.rows.buffer, result.rows.byteOffset, result.rows.byteLength);
  const { rows: _rows, ...rest } = result;
  const header: Header = { ...rest, dataSha256: createHash('sha256').update(data).digest('hex') };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32LE(json.length);
  const used = MAGIC.length + 4 + json.length;
  return Buffer.concat([MAGIC, len, json, Buffer.alloc((4 - (used % 4)) % 4, 0x20), data]);
}

/** Reads a stored result, checking it is whole and belongs to this build and chunk. */
export function decodeChunkResult(buf: Buffer, expect: { buildId: string; chunk: number; start: number; tracks: number }): ChunkResult {
  if (buf.length < MAGIC.length + 4 || !buf.subarray(0, MAGIC.length).equals(MAGIC)) throw new Error('not a chunk result');
  const len = buf.readUInt32LE(MAGIC.length);
  const start = MAGIC.length + 4;
  if (start + len > buf.length) throw new Error('header cut short');
  const header = JSON.parse(buf.subarray(start, start + len).toString('utf8')) as Header;
  if (header.buildId !== expect.buildId || header.chunk !== expect.chunk || header.start !== expect.start) {
    throw new Error(`result is for build ${header.buildId} chunk ${header.chunk}, expected ${expect.buildId} chunk ${expect.chunk}`);
  }
  if (header.mask.length !== expect.tracks) throw new Error(`result has ${header.mask.length} tracks, the chunk ${expect.tracks}`);
  const offset = start + len + ((4 - ((start + len) % 4)) % 4);
  const data = buf.subarray(offset);
  if (data.length !== expect.tracks * header.dim * 4) throw new Error(`result has ${data.length} bytes of rows, expected ${expect.tracks * header.dim * 4}`);
  if (createHash('sha256').update(data).digest('hex') !== header.dataSha256) throw new Error('rows do not match their checksum');
  // Copied into an aligned buffer: a Buffer's offset inside Node's pool need not be a multiple of 4.
  const rows = new Float32Array(data.length / 4);
  Buffer.from(rows.buffer).set(data);
  const { dataSha256: _sum, ...rest } = header;
  return { ...rest, rows };
}
