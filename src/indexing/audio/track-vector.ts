import type { Matrix } from '../../retrieval/matrix.ts';

/**
 * One track's vector from the embeddings of its windows: their mean, L2-normalized. Null when
 * the model gave nothing usable (a non-finite value, or windows that cancel out to zero).
 * Summed in float64 and in window order, so the same rows always give the same bits.
 */
export function poolWindows(windows: Matrix): Float32Array | null {
  if (windows.rows === 0) return null;
  const sum = new Float64Array(windows.dim);
  for (let r = 0; r < windows.rows; r++) {
    const offset = r * windows.dim;
    for (let i = 0; i < windows.dim; i++) sum[i]! += windows.data[offset + i]!;
  }
  let norm = 0;
  for (let i = 0; i < sum.length; i++) norm += sum[i]! * sum[i]!;
  norm = Math.sqrt(norm);
  if (!Number.isFinite(norm) || norm === 0) return null;
  const out = new Float32Array(windows.dim);
  for (let i = 0; i < sum.length; i++) out[i] = sum[i]! / norm;
  return out;
}
