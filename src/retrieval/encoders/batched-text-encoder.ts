import { createMatrix, type Matrix } from '../matrix.ts';
import type { TextEncoder } from './types.ts';

/**
 * A TextEncoder from a function that embeds one batch: splits inputs into batches (bounding
 * memory and padding waste) and learns the dimension from one warm-up pass, which also loads
 * the weights into memory before the first real query.
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
      for (let i = 0; i < texts.length; i += batchSize) {
        m.data.set((await embedBatch(texts.slice(i, i + batchSize))).data, i * dim);
      }
      return m;
    },
    dispose,
  };
}
