/**
 * The generated models load and run through the real @huggingface/transformers + onnxruntime-node
 * path, offline, exactly as the real Xenova models would.
 */
import {
  AutoProcessor,
  AutoTokenizer,
  ClapAudioModelWithProjection,
  ClapFeatureExtractor,
  ClapTextModelWithProjection,
  env,
  pipeline,
} from '@huggingface/transformers';
import type { FeatureExtractionPipeline, PreTrainedTokenizer, Tensor } from '@huggingface/transformers';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { JAMENDO_GENRES, JAMENDO_INSTRUMENTS, JAMENDO_MOODS } from '../../src/catalog/jamendo-vocabulary.ts';
import { generateModels, GENERATED_CLAP_ID, GENERATED_SBERT_ID } from '../../src/models/generate/index.ts';
import { fileTempDir } from '../helpers/temp-dir.ts';
import { cosine, norm, row, sine } from './helpers.ts';

const DTYPES = ['fp32', 'q8'] as const;
/** Cosine above which two embeddings of one text count as the same, per dtype. */
const SAME = { fp32: 0.99999, q8: 0.999 } as const;
const TAGS = [...JAMENDO_MOODS, ...JAMENDO_GENRES, ...JAMENDO_INSTRUMENTS];
const TEXTS = ['calm piano', 'a calm piano piece', 'aggressive metal drums', 'relaxing chill guitar for a rainy sunday'];

const models = await fileTempDir('models');

beforeAll(async () => {
  // Default sizes: what `npm run models:generate` writes.
  await generateModels({ outDir: models });
  env.allowRemoteModels = false;
  env.localModelPath = models;
});

async function sbertRows(extractor: FeatureExtractionPipeline, texts: string[]): Promise<number[][]> {
  const out = await extractor(texts, { pooling: 'mean', normalize: true });
  expect(out.dims).toEqual([texts.length, 384]);
  return texts.map((_, i) => row(out.data as Float32Array, 384, i));
}

describe('tiny SBERT through the feature-extraction pipeline', () => {
  for (const dtype of DTYPES) {
    it(`${dtype}: [n, 384] unit rows, same row alone or padded in a batch`, async () => {
      const extractor = await pipeline('feature-extraction', GENERATED_SBERT_ID, { dtype });
      const rows = await sbertRows(extractor, TEXTS);
      for (const r of rows) {
        expect(r.every(Number.isFinite)).toBe(true);
        expect(norm(r)).toBeCloseTo(1, 5);
      }
      // The shortest text is padded in the batch: the attention mask must make padding invisible
      // (up to q8's dynamic activation quantization, whose scale depends on the whole batch).
      const [alone] = await sbertRows(extractor, [TEXTS[0] as string]);
      expect(cosine(alone as number[], rows[0] as number[])).toBeGreaterThan(SAME[dtype]);
      await extractor.dispose();
    });

    it(`${dtype}: texts sharing words are closer than texts that share none`, async () => {
      const extractor = await pipeline('feature-extraction', GENERATED_SBERT_ID, { dtype });
      const [calm, calmPiece, metal] = (await sbertRows(extractor, TEXTS)) as [number[], number[], number[]];
      const related = cosine(calm, calmPiece);
      const unrelated = cosine(calm, metal);
      expect(related).toBeGreaterThan(unrelated + 0.3);
      await extractor.dispose();
    });
  }

  it('q8 is a different numeric path close to fp32, in a file under a third the size', async () => {
    const fp32 = await pipeline('feature-extraction', GENERATED_SBERT_ID, { dtype: 'fp32' });
    const q8 = await pipeline('feature-extraction', GENERATED_SBERT_ID, { dtype: 'q8' });
    const a = await sbertRows(fp32, TEXTS);
    const b = await sbertRows(q8, TEXTS);
    a.forEach((r, i) => {
      const c = cosine(r, b[i] as number[]);
      expect(c).toBeGreaterThan(0.98);
      expect(c).toBeLessThan(0.999999);
    });
    const dir = join(models, GENERATED_SBERT_ID, 'onnx');
    const big = (await stat(join(dir, 'model.onnx'))).size;
    const small = (await stat(join(dir, 'model_quantized.onnx'))).size;
    expect(small).toBeLessThan(big / 3);
    await fp32.dispose();
    await q8.dispose();
  });

  it('knows every Jamendo tag as one token and spells anything without [UNK]', async () => {
    const tokenizer = await AutoTokenizer.from_pretrained(GENERATED_SBERT_ID);
    for (const tag of TAGS) expect(tokenizer.tokenize(tag)).toEqual([tag]);
    const odd = tokenizer.tokenize('Zyxwv QQQ!! Café 123 ~');
    expect(odd).not.toContain('[UNK]');
    expect(odd.length).toBeGreaterThan(5);
    const { input_ids, token_type_ids } = tokenizer('calm piano');
    expect(Array.from(input_ids.data as BigInt64Array, Number)).toEqual([
      101,
      ...tokenizer.convert_tokens_to_ids(['calm', 'piano']),
      102,
    ]);
    expect(token_type_ids).toBeDefined();
  });
});

describe('tiny CLAP text tower', () => {
  let tokenizer: PreTrainedTokenizer;
  beforeAll(async () => {
    tokenizer = await AutoTokenizer.from_pretrained(GENERATED_CLAP_ID);
  });

  it('byte-level BPE: tags are whole words at the start, after a space and capitalized', () => {
    for (const tag of TAGS) {
      const pieces = tag.match(/[a-z]+|[0-9]+/g) as string[];
      expect(tokenizer.tokenize(tag)).toEqual(pieces);
      expect(tokenizer.tokenize(`a ${tag}`)).toEqual(['a', `Ġ${pieces[0]}`, ...pieces.slice(1)]);
    }
    expect(tokenizer.tokenize('Calm piano')).toEqual(['Calm', 'Ġpiano']);
    // Bytes cover everything: no unknown tokens, and decoding gives the text back.
    const text = 'Ünïcødé 音楽 🎵 x';
    const ids = tokenizer.encode(text);
    expect(ids).not.toContain(3);
    expect(tokenizer.decode(ids, { skip_special_tokens: true })).toBe(text);
  });

  for (const dtype of DTYPES) {
    it(`${dtype}: text_embeds [n, 512], padding-invariant, bag-of-words`, async () => {
      const model = await ClapTextModelWithProjection.from_pretrained(GENERATED_CLAP_ID, { dtype });
      const inputs = tokenizer(TEXTS, { padding: true, truncation: true });
      const { text_embeds } = (await model(inputs)) as { text_embeds: Tensor };
      expect(text_embeds.dims).toEqual([TEXTS.length, 512]);
      const data = text_embeds.data as Float32Array;
      expect(data.every(Number.isFinite)).toBe(true);
      const rows = TEXTS.map((_, i) => row(data, 512, i));
      const alone = (await model(tokenizer([TEXTS[0] as string]))) as { text_embeds: Tensor };
      expect(cosine(row(alone.text_embeds.data as Float32Array, 512, 0), rows[0] as number[])).toBeGreaterThan(SAME[dtype]);
      expect(cosine(rows[0] as number[], rows[1] as number[])).toBeGreaterThan(cosine(rows[0] as number[], rows[2] as number[]) + 0.3);
      await model.dispose();
    });
  }
});

describe('tiny CLAP audio tower', () => {
  it('ClapFeatureExtractor (via AutoProcessor) gives [1, 1, 1001, 64] for one 10-s window', async () => {
    const processor = await AutoProcessor.from_pretrained(GENERATED_CLAP_ID);
    expect(processor.feature_extractor).toBeInstanceOf(ClapFeatureExtractor);
    const { input_features } = (await processor(sine(440))) as { input_features: Tensor };
    expect(input_features.dims).toEqual([1, 1, 1001, 64]);
  });

  for (const dtype of DTYPES) {
    it(`${dtype}: audio_embeds [1, 512] per window; different sounds, different embeddings`, async () => {
      const extractor = await ClapFeatureExtractor.from_pretrained(GENERATED_CLAP_ID);
      const model = await ClapAudioModelWithProjection.from_pretrained(GENERATED_CLAP_ID, { dtype });
      const embed = async (audio: Float32Array): Promise<number[]> => {
        const { audio_embeds } = (await model(await extractor(audio))) as { audio_embeds: Tensor };
        expect(audio_embeds.dims).toEqual([1, 512]);
        return Array.from(audio_embeds.data as Float32Array);
      };
      const low = await embed(sine(220));
      const lowAgain = await embed(sine(220));
      const high = await embed(sine(3520));
      expect(low.every(Number.isFinite)).toBe(true);
      expect(lowAgain).toEqual(low);
      expect(cosine(low, high)).toBeLessThan(0.95);
      await model.dispose();
    });
  }
});
