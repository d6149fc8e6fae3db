/**
 * The transformer layers are real: the same seed with 0 layers (embeddings only) and with 2 layers
 * gives measurably different outputs, while the bag-of-words geometry survives the layers.
 */
import { AutoTokenizer, ClapTextModelWithProjection, env, pipeline } from '@huggingface/transformers';
import type { Tensor } from '@huggingface/transformers';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateModels, GENERATED_CLAP_ID, GENERATED_SBERT_ID } from '../../src/models/generate/index.ts';
import { fileTempDir } from '../helpers/temp-dir.ts';
import { cosine, row } from './helpers.ts';

const TEXTS = ['calm piano', 'a calm piano piece', 'aggressive metal drums', 'dreamy ambient pads at night'];
const SEED = 11;

const root = await fileTempDir('layers');

beforeAll(async () => {
  for (const layers of [0, 2]) {
    await generateModels({
      outDir: join(root, `layers-${layers}`),
      seed: SEED,
      sbert: { layers },
      clap: { text: { layers }, audio: { layers: 1, hidden: 32, heads: 2, intermediate: 32 } },
    });
  }
  env.allowRemoteModels = false;
});

async function sbert(layers: number): Promise<number[][]> {
  env.localModelPath = join(root, `layers-${layers}`);
  const extractor = await pipeline('feature-extraction', GENERATED_SBERT_ID, { dtype: 'fp32' });
  const out = await extractor(TEXTS, { pooling: 'mean', normalize: true });
  await extractor.dispose();
  return TEXTS.map((_, i) => row(out.data as Float32Array, 384, i));
}

async function clapText(layers: number): Promise<number[][]> {
  env.localModelPath = join(root, `layers-${layers}`);
  const tokenizer = await AutoTokenizer.from_pretrained(GENERATED_CLAP_ID);
  const model = await ClapTextModelWithProjection.from_pretrained(GENERATED_CLAP_ID, { dtype: 'fp32' });
  const { text_embeds } = (await model(tokenizer(TEXTS, { padding: true }))) as { text_embeds: Tensor };
  await model.dispose();
  return TEXTS.map((_, i) => row(text_embeds.data as Float32Array, 512, i));
}

describe.each([
  ['SBERT', sbert],
  ['CLAP text', clapText],
])('%s', (_name, embed) => {
  it('2 layers change the output of the 0-layer model, but keep shared words close', async () => {
    const flat = await embed(0);
    const deep = await embed(2);
    for (let i = 0; i < TEXTS.length; i++) {
      const c = cosine(flat[i] as number[], deep[i] as number[]);
      expect(c).toBeLessThan(0.95);
      expect(c).toBeGreaterThan(0.5);
    }
    for (const rows of [flat, deep]) {
      expect(cosine(rows[0] as number[], rows[1] as number[])).toBeGreaterThan(cosine(rows[0] as number[], rows[2] as number[]) + 0.3);
    }
  });
});
