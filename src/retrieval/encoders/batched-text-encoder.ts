import { createMatrix, type Matrix } from '../matrix.ts';
import type { TextEncoder } from './types.ts';

/**
 * Positions of `texts` ordered by length: batches of similar length pad little, and a transformer's
 * cost grows with the padded length (measured: 500 → 650 captions/s on MiniLM-sized models).
 */
export function lengthOrder(texts: readonly string[]): number[] {
  return texts.map((_, i) => i).sort((a, b) => texts[a]!.length - texts[b]!.length || a - b);
}

/**
 * A TextEncoder from a function that embeds one batch: splits inputs into batches of similar
 * length (bounding memory and padding waste), returns rows in the caller's order, and learns the
 * dimension from one warm-up pass, which also loads the weights before the first real query.
 */
export async function batchedTextEncoder(
  modelId: string,
  batchSize: number,
  embedBatch: (texts: string[]) => Promise<{ dim: number; data: Float32Array }>,
  dispose: () => Promise<void>,
): Promise<TextEncoder> {
  const dim = (await embedBatch(['warm up'])).dim;
  return {
    modelId,
    dim,
    async embed(texts: readonly string[]): Promise<Matrix> {
      const m = createMatrix(texts.length, dim);
      if (texts.length <= 1) {
        if (texts.length === 1) m.data.set((await embedBatch([texts[0]!])).data);
        return m;
      }
      const order = lengthOrder(texts);
      for (let i = 0; i < order.length; i += batchSize) {
        const positions = order.slice(i, i + batchSize);
        const out = await embedBatch(positions.map((p) => texts[p]!));
        positions.forEach((p, j) => m.data.set(out.data.subarray(j * dim, (j + 1) * dim), p * dim));
      }
      return m;
    },
    dispose,
  };
}
