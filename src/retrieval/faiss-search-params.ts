/**
 * Search-time parameters of faiss indexes, set by editing the serialized index.
 *
 * Why: faiss-node exposes no ParameterSpace, and faiss 1.7.3 stops an HNSW search after efSearch
 * steps (default 16) — with k = 300 it returns far fewer than 300 hits. HNSW's efSearch, IVF's
 * nprobe and IndexRefine's k_factor are plain fields of faiss's file format, so they are patched in
 * the bytes (which also makes Python's `faiss.read_index` see the same settings).
 *
 * Layout (faiss/impl/index_write.cpp): fourcc, then the index header
 *   d:int32, ntotal:int64, dummy:int64, dummy:int64, is_trained:uint8, metric:int32 [, metric_arg:float32 if metric > 1]
 * HNSW (IHNf/IHNp/IHNs): header, then vectors assign_probas<f64>, cum_nneighbor_per_level<i32>,
 *   levels<i32>, offsets<u64>, neighbors<i32> (each a u64 length then items), then
 *   entry_point:i32, max_level:i32, efConstruction:i32, efSearch:i32, upper_beam:i32.
 * IVF (IwFl, IwPQ, IwSQ, IwPf, …): header, then nlist:u64, nprobe:u64.
 * Refine (IxRF, factory suffix `,RFlat`): header, then the base index, then the refine index
 *   (the full vectors), then k_factor:float32 — the last 4 bytes of the file.
 */
export interface SearchParams {
  efSearch?: number;
  nprobe?: number;
  /** IndexRefine re-ranks the base index's top k·kFactor exactly (faiss's default 1 re-ranks only k). */
  kFactor?: number;
}

const HNSW_FOURCCS = new Set(['IHNf', 'IHNp', 'IHNs']);

const fourcc = (buf: Buffer, at: number) => buf.toString('latin1', at, at + 4);

/** End of the index header that starts (with its fourcc) at `at`. */
function headerEnd(buf: Buffer, at: number): number {
  const metric = buf.readInt32LE(at + 4 + 4 + 8 + 8 + 8 + 1);
  return at + 37 + (metric > 1 ? 4 : 0);
}

function skipVector(buf: Buffer, at: number, itemSize: number): number {
  const n = Number(buf.readBigUInt64LE(at));
  return at + 8 + n * itemSize;
}

/** Where the index that carries efSearch/nprobe starts: the base of a refine index, else 0. */
function searchedIndexAt(buf: Buffer): number {
  return fourcc(buf, 0) === 'IxRF' ? headerEnd(buf, 0) : 0;
}

/** Byte offset of HNSW efSearch, or null when the buffer is not an HNSW index. */
function efSearchOffset(buf: Buffer): number | null {
  const start = searchedIndexAt(buf);
  if (!HNSW_FOURCCS.has(fourcc(buf, start))) return null;
  let at = headerEnd(buf, start);
  for (const size of [8, 4, 4, 8, 4]) at = skipVector(buf, at, size);
  return at + 4 * 3; // entry_point, max_level, efConstruction
}

function nprobeOffset(buf: Buffer): number | null {
  const start = searchedIndexAt(buf);
  return buf.toString('latin1', start, start + 2) === 'Iw' ? headerEnd(buf, start) + 8 : null;
}

function kFactorOffset(buf: Buffer): number | null {
  return fourcc(buf, 0) === 'IxRF' ? buf.length - 4 : null;
}

export function readSearchParams(buf: Buffer): SearchParams {
  const ef = efSearchOffset(buf);
  const np = nprobeOffset(buf);
  const kf = kFactorOffset(buf);
  return {
    ...(ef !== null ? { efSearch: buf.readInt32LE(ef) } : {}),
    ...(np !== null ? { nprobe: Number(buf.readBigUInt64LE(np)) } : {}),
    ...(kf !== null ? { kFactor: buf.readFloatLE(kf) } : {}),
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
  const kf = kFactorOffset(buf);
  if (kf !== null && params.kFactor !== undefined) buf.writeFloatLE(params.kFactor, kf);
  return buf;
}
