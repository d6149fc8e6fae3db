import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEncoderSet, type EncoderSet } from '../../src/retrieval/encoders/encoder-set.ts';
import { createSbertEncoder } from '../../src/retrieval/encoders/sbert-encoder.ts';
import { startEncoderWorker } from '../../src/retrieval/encoders/worker/worker-encoders.ts';
import { dot, norm, row } from '../../src/retrieval/matrix.ts';
import { clapOptions, ensureGeneratedModels, sbertOptions, useModelsIn } from '../helpers/models.ts';

let local: EncoderSet;
beforeAll(async () => {
  await ensureGeneratedModels();
  useModelsIn();
  local = await createEncoderSet({ text: sbertOptions, clap: clapOptions });
});
afterAll(() => local?.dispose());

const texts = ['calm piano for a rainy evening', 'aggressive metal with distorted guitars', 'a calm piano piece', 'x'];

describe('encoders (real transformers.js + onnxruntime-node on generated models)', () => {
  it('SBERT gives 384-d unit vectors, the same for a text alone or in a batch', async () => {
    const m = await local.text.embed(texts);
    expect([m.rows, m.dim]).toEqual([4, 384]);
    for (let i = 0; i < m.rows; i++) expect(norm(row(m, i))).toBeCloseTo(1, 5);
    // q8 models quantize activations dynamically over the whole batch (as the real quantized
    // exports do), so a text alone differs slightly from the same text in a batch; fp32 is exact.
    const alone = await local.text.embed([texts[1]!]);
    expect(dot(alone.data, row(m, 1))).toBeGreaterThan(0.999);
    const fp32 = await createEncoderSet({ text: { ...sbertOptions, dtype: 'fp32' }, clap: null });
    try {
      const [batch, single] = [await fp32.text.embed(texts), await fp32.text.embed([texts[1]!])];
      expect(Array.from(single.data)).toEqual(Array.from(row(batch, 1)));
    } finally {
      await fp32.dispose();
    }
  });

  it('CLAP text gives 512-d unit vectors (CLAP itself does not normalize)', async () => {
    const m = await local.clapText!.embed(texts);
    expect([m.rows, m.dim]).toEqual([4, 512]);
    for (let i = 0; i < m.rows; i++) expect(norm(row(m, i))).toBeCloseTo(1, 5);
  });

  it('texts sharing words are closer than unrelated texts (generated models keep bag-of-words meaning)', async () => {
    const m = await local.text.embed(texts);
    expect(dot(row(m, 0), row(m, 2))).toBeGreaterThan(dot(row(m, 0), row(m, 1)));
  });

  it('a missing model names its folder and the command that creates it', async () => {
    await expect(createEncoderSet({ text: { ...sbertOptions, modelId: 'Xenova/all-MiniLM-L6-v2' }, clap: null })).rejects.toMatchObject({
      name: 'UserError',
      message: expect.stringMatching(/^Model Xenova\/all-MiniLM-L6-v2 is missing config\.json, tokenizer\.json, onnx\/model_quantized\.onnx in .*models\/Xenova\/all-MiniLM-L6-v2\.$/),
      hint: expect.stringContaining('npm run models:download -- --model Xenova/all-MiniLM-L6-v2 --dtype q8'),
    });
  });

  it('an encoder made in a thread set up for another models folder, or another hub setting, refuses to load', async () => {
    await expect(createSbertEncoder({ ...sbertOptions, modelsDir: '/elsewhere' })).rejects.toThrow(/loads from .*models\/ .*not \/elsewhere\/ .*call configureTransformers once when the thread starts/);
    await expect(createSbertEncoder({ ...sbertOptions, allowRemote: true })).rejects.toThrow(/remote off.*remote allowed/);
  });

  it('the worker gives the same vectors as in-process encoders, and a missing model fails its start', async () => {
    const worker = await startEncoderWorker({ text: sbertOptions, clap: clapOptions });
    try {
      const [a, b] = [await worker.text.embed(texts), await local.text.embed(texts)];
      expect(Array.from(a.data)).toEqual(Array.from(b.data));
      const [c, d] = [await worker.clapText!.embed(texts), await local.clapText!.embed(texts)];
      expect(Array.from(c.data)).toEqual(Array.from(d.data));
    } finally {
      await worker.dispose();
    }
    // The worker's UserError crosses the thread boundary intact (message and hint).
    await expect(startEncoderWorker({ text: { ...sbertOptions, modelId: 'cratedigger/nope' }, clap: null })).rejects.toMatchObject({
      name: 'UserError',
      message: expect.stringMatching(/^Model cratedigger\/nope is missing /),
      hint: expect.stringContaining('npm run models:generate'),
    });
    // A worker's models come from one folder: transformers.js is set up once, when it starts.
    await expect(startEncoderWorker({ text: sbertOptions, clap: { ...clapOptions, modelsDir: '/elsewhere' } })).rejects.toThrow(/one folder/);
  });

  it('the worker keeps the event loop free while it embeds a large batch', async () => {
    const worker = await startEncoderWorker({ text: sbertOptions, clap: null });
    try {
      const many = Array.from({ length: 3000 }, (_, i) => `track ${i}: ${texts[i % 3]} with extra words to make it longer`);
      let last = performance.now();
      let maxGap = 0;
      let ticks = 0;
      const timer = setInterval(() => {
        const now = performance.now();
        maxGap = Math.max(maxGap, now - last);
        last = now;
        ticks++;
      }, 10);
      const t0 = performance.now();
      const m = await worker.text.embed(many);
      const elapsed = performance.now() - t0;
      clearInterval(timer);
      expect(m.rows).toBe(3000);
      console.log(`worker: 3000 texts in ${elapsed.toFixed(0)} ms; timer fired ${ticks}×, longest gap ${maxGap.toFixed(0)} ms`);
      expect(elapsed).toBeGreaterThan(300); // long enough that a blocked loop would show
      expect(maxGap).toBeLessThan(150);
      expect(ticks).toBeGreaterThan(elapsed / 40);
    } finally {
      await worker.dispose();
    }
  });
});
