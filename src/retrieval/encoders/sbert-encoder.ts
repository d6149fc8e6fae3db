import { pipeline } from '@huggingface/transformers';
import { batchedTextEncoder } from './batched-text-encoder.ts';
import { prepareModelLoad } from './model-files.ts';
import type { EncoderOptions, TextEncoder } from './types.ts';

export interface SbertOptions extends EncoderOptions {
  /** Texts per forward pass. */
  batchSize?: number;
}

/** Sentence-transformer embeddings: mean pooling over tokens, L2-normalized (as sentence-transformers). */
export async function createSbertEncoder(opts: SbertOptions): Promise<TextEncoder> {
  const extractor = await pipeline('feature-extraction', opts.modelId, await prepareModelLoad(opts, ['model']));
  return batchedTextEncoder(
    opts.modelId,
    opts.batchSize ?? 32,
    async (texts) => {
      const out = await extractor(texts, { pooling: 'mean', normalize: true });
      return { dim: out.dims.at(-1)!, data: out.data as Float32Array };
    },
    () => extractor.dispose(),
  );
}
