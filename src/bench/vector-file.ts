import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import type { Matrix } from '../retrieval/matrix.ts';
import { clusteredRows } from './synthetic-vectors.ts';

/** Rows written or read per call: 16 MiB of 384-d float32, far under a single read's 2 GiB. */
const CHUNK_ROWS = 10_922;

/**
 * Writes `n` rows of clusteredVectors(n, dim, seed) to `file` as raw little-endian float32, a
 * chunk at a time, so the writer never holds the whole set (1.5 GB at 1M × 384-d).
 */
export function writeClusteredVectorFile(file: string, n: number, dim: number, seed: number): void {
  const next = clusteredRows(dim, seed);
  const chunk = new Float32Array(CHUNK_ROWS * dim);
  const fd = openSync(file, 'w');
  try {
    for (let r = 0; r < n; r += CHUNK_ROWS) {
      const rows = Math.min(CHUNK_ROWS, n - r);
      for (let i = 0; i < rows; i++) next(chunk.subarray(i * dim, (i + 1) * dim));
      writeSync(fd, new Uint8Array(chunk.buffer, 0, rows * dim * 4));
    }
  } finally {
    closeSync(fd);
  }
}

/** Rows [from, from + count) of a file written by writeClusteredVectorFile. */
export function readVectorRows(file: string, dim: number, from: number, count: number): Matrix {
  const data = new Float32Array(count * dim);
  const bytes = new Uint8Array(data.buffer);
  const fd = openSync(file, 'r');
  try {
    const step = CHUNK_ROWS * dim * 4;
    for (let at = 0; at < bytes.length; ) {
      const read = readSync(fd, bytes, at, Math.min(step, bytes.length - at), from * dim * 4 + at);
      if (read === 0) throw new Error(`${file} ends before row ${from + count} (${dim}-d float32)`);
      at += read;
    }
  } finally {
    closeSync(fd);
  }
  return { rows: count, dim, data };
}
