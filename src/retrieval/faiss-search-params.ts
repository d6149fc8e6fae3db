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
 * Every field is found by a few small reads, so a `.faiss` file is read and patched in place on
 * disk without loading it (1.5 GB at 1M × 384-d): the faiss bench sets each nprobe that way.
 */
import { closeSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';

export interface SearchParams {
  efSearch?: number;
  nprobe?: number;
  /** IndexRefine re-ranks the base index's top k·kFactor exactly (faiss's default 1 re-ranks only k). */
  kFactor?: number;
}

const HNSW_FOURCCS = new Set(['IHNf', 'IHNp', 'IHNs']);

/** Positional access to a serialized index: its bytes in memory, or its file on disk. */
interface IndexBytes {
  readonly length: number;
  read(at: number, n: number): Buffer;
  write(at: number, bytes: Buffer): void;
}

function inMemory(buf: Buffer): IndexBytes {
  return { length: buf.length, read: (at, n) => buf.subarray(at, at + n), write: (at, bytes) => void bytes.copy(buf, at) };
}

function onDisk(fd: number): IndexBytes {
  return {
    length: fstatSync(fd).size,
    read: (at, n) => {
      const out = Buffer.alloc(n);
      readSync(fd, out, 0, n, at);
      return out;
    },
    write: (at, bytes) => void writeSync(fd, bytes, 0, bytes.length, at),
  };
}

const fourcc = (b: IndexBytes, at: number) => b.read(at, 4).toString('latin1');
const u64 = (b: IndexBytes, at: number) => Number(b.read(at, 8).readBigUInt64LE(0));

/** End of the index header that starts (with its fourcc) at `at`. */
function headerEnd(b: IndexBytes, at: number): number {
  const metric = b.read(at + 4 + 4 + 8 + 8 + 8 + 1, 4).readInt32LE(0);
  return at + 37 + (metric > 1 ? 4 : 0);
}

function skipVector(b: IndexBytes, at: number, itemSize: number): number {
  return at + 8 + u64(b, at) * itemSize;
}

/** Where the index that carries efSearch/nprobe starts: the base of a refine index, else 0. */
function searchedIndexAt(b: IndexBytes): number {
  return fourcc(b, 0) === 'IxRF' ? headerEnd(b, 0) : 0;
}

/** Byte offset of HNSW efSearch, or null when the bytes are not an HNSW index. */
function efSearchOffset(b: IndexBytes): number | null {
  const start = searchedIndexAt(b);
  if (!HNSW_FOURCCS.has(fourcc(b, start))) return null;
  let at = headerEnd(b, start);
  for (const size of [8, 4, 4, 8, 4]) at = skipVector(b, at, size);
  return at + 4 * 3; // entry_point, max_level, efConstruction
}

function nprobeOffset(b: IndexBytes): number | null {
  const start = searchedIndexAt(b);
  return fourcc(b, start).startsWith('Iw') ? headerEnd(b, start) + 8 : null;
}

function kFactorOffset(b: IndexBytes): number | null {
  return fourcc(b, 0) === 'IxRF' ? b.length - 4 : null;
}

function readParams(b: IndexBytes): SearchParams {
  const ef = efSearchOffset(b);
  const np = nprobeOffset(b);
  const kf = kFactorOffset(b);
  return {
    ...(ef !== null ? { efSearch: b.read(ef, 4).readInt32LE(0) } : {}),
    ...(np !== null ? { nprobe: u64(b, np) } : {}),
    ...(kf !== null ? { kFactor: b.read(kf, 4).readFloatLE(0) } : {}),
  };
}

function applyParams(b: IndexBytes, params: SearchParams): void {
  const field = (size: number, set: (f: Buffer) => void) => {
    const f = Buffer.alloc(size);
    set(f);
    return f;
  };
  const ef = efSearchOffset(b);
  if (ef !== null && params.efSearch !== undefined) b.write(ef, field(4, (f) => f.writeInt32LE(params.efSearch!)));
  const np = nprobeOffset(b);
  if (np !== null && params.nprobe !== undefined) {
    const nlist = u64(b, np - 8);
    b.write(np, field(8, (f) => f.writeBigUInt64LE(BigInt(Math.min(params.nprobe!, nlist)))));
  }
  const kf = kFactorOffset(b);
  if (kf !== null && params.kFactor !== undefined) b.write(kf, field(4, (f) => f.writeFloatLE(params.kFactor!)));
}

export function readSearchParams(buf: Buffer): SearchParams {
  return readParams(inMemory(buf));
}

/** Writes the params that apply to this index type into `buf` (in place); others are ignored. */
export function applySearchParams(buf: Buffer, params: SearchParams): Buffer {
  applyParams(inMemory(buf), params);
  return buf;
}

/** The search parameters stored in a `.faiss` file, read without loading it. */
export function readSearchParamsOfFile(file: string): SearchParams {
  const fd = openSync(file, 'r');
  try {
    return readParams(onDisk(fd));
  } finally {
    closeSync(fd);
  }
}

/** Writes the params that apply to this index type into a `.faiss` file, in place; returns what it then stores. */
export function applySearchParamsToFile(file: string, params: SearchParams): SearchParams {
  const fd = openSync(file, 'r+');
  try {
    const b = onDisk(fd);
    applyParams(b, params);
    return readParams(b);
  } finally {
    closeSync(fd);
  }
}
