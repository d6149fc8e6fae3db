import { AutoTokenizer, ClapTextModelWithProjection, type Tensor } from '@huggingface/transformers';
import { createMatrix, type Matrix, normalizeRows } from '../matrix.ts';
import { assertModelPresent, configureTransformers, sessionOptions } from './model-files.ts';
import type { EncoderOptions, TextEncoder } from './types.ts';

/** CLAP's text tower: `text_embeds` of the projection head, L2-normalized (CLAP does not normalize them). */
export async function createClapTextEncoder(opts: EncoderOptions & { batchSize?: number }): Promise<TextEncoder> {
  configureTransformers(opts);
  await assertModelPresent(opts, ['text_model']);
  const tokenizer = await AutoTokenizer.from_pretrained(opts.modelId);
  const model = await ClapTextModelWithProjection.from_pretrained(opts.modelId, {
    dtype: opts.dtype,
    session_options: sessionOptions(opts.threads),
  });
  const batchSize = opts.batchSize ?? 32;

  async function embedBatch(texts: string[]): Promise<Matrix> {
    const inputs = tokenizer(texts, { padding: true, truncation: true });
    const { text_embeds } = (await model(inputs)) as { text_embeds: Tensor };
    const dim = text_embeds.dims.at(-1)!;
    return normalizeRows({ rows: texts.length, dim, data: new Float32Array(text_embeds.data as Float32Array) });
  }

  const dim = (await embedBatch(['warm up'])).dim;

  return {
    modelId: opts.modelId,
    dim,
    async embed(texts: readonly string[]): Promise<Matrix> {
      const m = createMatrix(texts.length, dim);
      for (let i = 0; i < texts.length; i += batchSize) {
        m.data.set((await embedBatch(texts.slice(i, i + batchSize))).data, i * dim);
      }
      return m;
    },
    async dispose() {
      await model.dispose();
    },
  };
}
