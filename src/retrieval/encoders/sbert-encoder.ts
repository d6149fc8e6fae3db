import { pipeline } from '@huggingface/transformers';
import { createMatrix, type Matrix } from '../matrix.ts';
import { assertModelPresent, configureTransformers, sessionOptions } from './model-files.ts';
import type { EncoderOptions, TextEncoder } from './types.ts';

export interface SbertOptions extends EncoderOptions {
  /** Texts per forward pass: bounds memory and padding waste. */
  batchSize?: number;
}

/** Sentence-transformer embeddings: mean pooling over tokens, L2-normalized (as sentence-transformers). */
export async function createSbertEncoder(opts: SbertOptions): Promise<TextEncoder> {
  configureTransformers(opts);
  await assertModelPresent(opts, ['model']);
  const extractor = await pipeline('feature-extraction', opts.modelId, {
    dtype: opts.dtype,
    session_options: sessionOptions(opts.threads),
  });
  const batchSize = opts.batchSize ?? 32;

  async function embedBatch(texts: string[]): Promise<{ dim: number; data: Float32Array }> {
    const out = await extractor(texts, { pooling: 'mean', normalize: true });
    const dim = out.dims.at(-1)!;
    return { dim, data: out.data as Float32Array };
  }

  // One forward pass at start-up: loads the weights into memory and tells the dimension.
  const dim = (await embedBatch(['warm up'])).dim;

  return {
    modelId: opts.modelId,
    dim,
    async embed(texts: readonly string[]): Promise<Matrix> {
      const m = createMatrix(texts.length, dim);
      for (let i = 0; i < texts.length; i += batchSize) {
        const { data } = await embedBatch(texts.slice(i, i + batchSize));
        m.data.set(data, i * dim);
      }
      return m;
    },
    async dispose() {
      await extractor.dispose();
    },
  };
}
