import { AutoTokenizer, ClapTextModelWithProjection, type Tensor } from '@huggingface/transformers';
import { normalizeRows } from '../matrix.ts';
import { batchedTextEncoder } from './batched-text-encoder.ts';
import { prepareModelLoad } from './model-files.ts';
import type { EncoderOptions, TextEncoder } from './types.ts';

/** CLAP's text tower: `text_embeds` of the projection head, L2-normalized (CLAP does not normalize them). */
export async function createClapTextEncoder(opts: EncoderOptions & { batchSize?: number }): Promise<TextEncoder> {
  const load = await prepareModelLoad(opts, ['text_model']);
  const tokenizer = await AutoTokenizer.from_pretrained(opts.modelId);
  const model = await ClapTextModelWithProjection.from_pretrained(opts.modelId, load);
  return batchedTextEncoder(
    opts.modelId,
    opts.batchSize ?? 32,
    async (texts) => {
      const inputs = tokenizer(texts, { padding: true, truncation: true });
      const { text_embeds } = (await model(inputs)) as { text_embeds: Tensor };
      const dim = text_embeds.dims.at(-1)!;
      return normalizeRows({ rows: texts.length, dim, data: new Float32Array(text_embeds.data as Float32Array) });
    },
    async () => {
      await model.dispose();
    },
  );
}
