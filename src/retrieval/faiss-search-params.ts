/**
 * Search-time parameters of faiss indexes, set by editing the serialized index.
 *
 * Why: faiss-node exposes no ParameterSpace, and faiss 1.7.3 stops an HNSW search after efSearch
 * steps (default 16) — with k = 300 it returns far fewer than 300 hits. Both HNSW's efSearch and
 * IVF's nprobe are plain fields of faiss's file format, so they are patched in the bytes (which
 * also makes Python's `faiss.read_index` see the same settings).
 *
 * Layout (faiss/impl/index_write.cpp): fourcc, then the index header
 *   d:int32, ntotal:int64, dummy:int64, dummy:int64, is_trained:uint8, metric:int32 [, metric_arg:float32 if metric > 1]
 * HNSW (IHNf/IHNp/IHNs): header, then vectors assign_probas<f64>, cum_nneighbor_per_level<i32>,
 *   levels<i32>, offsets<u64>, neighbors<i32> (each a u64 length then items), then
 *   entry_point:i32, max_level:i32, efConstruction:i32, efSearch:i32, upper_beam:i32.
 * IVF (IwFl, IwPQ, IwSQ, …): header, then nlist:u64, nprobe:u64.
 */
export interface SearchParams {
  efSearch?: number;
  nprobe?: number;
}

const HNSW_FOURCCS = new Set(['IHNf', 'IHNp', 'IHNs']);

function headerEnd(buf: Buffer): number {
  const metric = buf.readInt32LE(4 + 4 + 8 + 8 + 8 + 1);
  return 37 + (metric > 1 ? 4 : 0);
}

function skipVector(buf: Buffer, at: number, itemSize: number): number {
  const n = Number(buf.readBigUInt64LE(at));
  return at + 8 + n * itemSize;
}

/** Byte offset of HNSW efSearch, or null when the buffer is not an HNSW index. */
function efSearchOffset(buf: Buffer): number | null {
  if (!HNSW_FOURCCS.has(buf.toString('latin1', 0, 4))) return null;
  let at = headerEnd(buf);
  for (const size of [8, 4, 4, 8, 4]) at = skipVector(buf, at, size);
  return at + 4 * 3; // entry_point, max_level, efConstruction
}

function nprobeOffset(buf: Buffer): number | null {
  return buf.toString('latin1', 0, 2) === 'Iw' ? headerEnd(buf) + 8 : null;
}

export function readSearchParams(buf: Buffer): SearchParams {
  const ef = efSearchOffset(buf);
  const np = nprobeOffset(buf);
  return {
    ...(ef !== null ? { efSearch: buf.readInt32LE(ef) } : {}),
    ...(np !== null ? { nprobe: Number(buf.readBigUInt64LE(np)) } : {}),
  };
}

/** Writes the params that apply to this index type into `buf` (in place); others are ignored. */
export function applySearchParams(buf: Buffer, params: SearchParams): Buffer {
  const ef = efSearchOffset(buf);
  if (ef !== null && params.efSearch !== undefined) buf.writeInt32LE(params.efSearch, ef);
  const np = nprobeOffset(buf);
  if (np !== null && params.nprobe !== undefined) {
    const nlist = Number(buf.readBigUInt64LE(np - 8));
    buf.writeBigUInt64LE(BigInt(Math.min(params.nprobe, nlist)), np);
  }
  return buf;
}
