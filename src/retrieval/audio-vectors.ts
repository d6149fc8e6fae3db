import type { Matrix } from './matrix.ts';
import { defaultFactoryFor, VectorIndex } from './vector-index.ts';

/**
 * The faiss index over a catalog's CLAP audio embeddings (`audio.faiss`), for track-to-track
 * similarity: every row is unit length so inner product is cosine, and rows of tracks without an
 * audio embedding stay zero (they score 0 and similarity drops them by the mask). Row i is track i.
 * The index type follows the catalog's size like the text index (Flat, then IVF-Flat with about 4·√n lists).
 */
export function buildAudioVectors(embeddings: Matrix, mask: Uint8Array, factory = defaultFactoryFor(embeddings.rows)): VectorIndex {
  const { rows, dim } = embeddings;
  const unit = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r++) {
    if (!mask[r]) continue;
    let sq = 0;
    for (let j = r * dim; j < (r + 1) * dim; j++) sq += embeddings.data[j]! * embeddings.data[j]!;
    const inv = sq > 0 ? 1 / Math.sqrt(sq) : 0;
    for (let j = r * dim; j < (r + 1) * dim; j++) unit[j] = embeddings.data[j]! * inv;
  }
  return VectorIndex.build({ rows, dim, data: unit }, factory);
}
