import type { Matrix } from '../retrieval/matrix.ts';
import { createMatrix, normalizeInPlace, row } from '../retrieval/matrix.ts';
import { mulberry32 } from '../util/prng.ts';

/**
 * Seeded synthetic embeddings, shared by the tests and the FAISS scaling bench (which needs
 * catalogs far larger than any real one we have).
 */

/** Seeded PRNG: the same vectors on every run. */
export const rng = mulberry32;

/** One standard normal sample (Box–Muller). */
export function gaussian(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

/**
 * Unit vectors shaped like sentence embeddings rather than uniform noise: a few hundred topic
 * clusters of uneven size and spread, plus a shared mean direction (real embeddings are anisotropic).
 * Rows are drawn one after another from the same stream, so the first n rows of a larger call
 * equal a call for n rows, and rows past n are held-out samples of the same distribution.
 */
export function clusteredVectors(n: number, dim: number, seed: number, clusters = 200): Matrix {
  const next = clusteredRows(dim, seed, clusters);
  const m = createMatrix(n, dim);
  for (let r = 0; r < n; r++) next(row(m, r));
  return m;
}

/**
 * The rows of clusteredVectors one at a time: each call fills `into` (dim floats) with the next
 * row. For catalogs written out in chunks without holding them whole (the faiss bench at 1M).
 */
export function clusteredRows(dim: number, seed: number, clusters = 200): (into: Float32Array) => void {
  const rand = rng(seed);
  const common = normalizeInPlace(Float32Array.from({ length: dim }, () => gaussian(rand)));
  const centers = Array.from({ length: clusters }, () => {
    const c = Float32Array.from({ length: dim }, (_, i) => gaussian(rand) + 2.5 * common[i]!);
    return normalizeInPlace(c);
  });
  // Noise norm 0.4–0.9 against a unit center: neighbours at cosine ~0.6–0.9, as sentence embeddings.
  const spread = centers.map(() => (0.4 + rand() * 0.5) / Math.sqrt(dim));
  // Zipf-like cluster sizes: a few big topics, many small ones.
  const weights = centers.map((_, i) => 1 / (i + 1) ** 0.8);
  const total = weights.reduce((a, b) => a + b, 0);
  return (v) => {
    let pick = rand() * total;
    let c = 0;
    while (pick > weights[c]! && c < clusters - 1) pick -= weights[c++]!;
    for (let i = 0; i < dim; i++) v[i] = centers[c]![i]! + spread[c]! * gaussian(rand);
    normalizeInPlace(v);
  };
}
