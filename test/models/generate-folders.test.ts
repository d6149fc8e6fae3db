/**
 * Generation as files: determinism by seed, kept folders, --force, atomic folders, the layout and
 * configs the real Xenova models have, and validation of sizes.
 */
import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isUserError } from '../../src/errors.ts';
import {
  CLAP_REQUIRED_FILES,
  generateModels,
  GENERATED_CLAP_ID,
  GENERATED_SBERT_ID,
  SBERT_REQUIRED_FILES,
} from '../../src/models/generate/index.ts';
import type { GenerateModelsOptions } from '../../src/models/generate/index.ts';
import { fileTempDir } from '../helpers/temp-dir.ts';
import { readTree } from './helpers.ts';

/** Small towers: these tests are about files, not about model quality. */
const TINY: Omit<GenerateModelsOptions, 'outDir'> = {
  sbert: { layers: 1, hidden: 32, heads: 2, intermediate: 64, vocab: 600 },
  clap: {
    text: { layers: 1, hidden: 32, heads: 2, intermediate: 64, vocab: 800 },
    audio: { layers: 1, hidden: 32, heads: 2, intermediate: 64, patch: 16 },
    projection: 48,
  },
};

const root = await fileTempDir('gen');

async function expectUserError(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(isUserError(err), String(err)).toBe(true);
  expect((err as Error).message).toMatch(pattern);
}

describe('generateModels', () => {
  it('writes both folders with the files transformers.js looks for', async () => {
    const out = join(root, 'layout');
    const results = await generateModels({ outDir: out, ...TINY });
    expect(results.map((r) => [r.id, r.status])).toEqual([
      [GENERATED_SBERT_ID, 'written'],
      [GENERATED_CLAP_ID, 'written'],
    ]);
    const sbert = await readTree(join(out, GENERATED_SBERT_ID));
    const clap = await readTree(join(out, GENERATED_CLAP_ID));
    for (const f of SBERT_REQUIRED_FILES) expect(sbert.has(f), f).toBe(true);
    for (const f of CLAP_REQUIRED_FILES) expect(clap.has(f), f).toBe(true);
    expect(clap.has('merges.txt') && clap.has('vocab.json')).toBe(true);

    const sbertConfig = JSON.parse(sbert.get('config.json')!.toString());
    expect(sbertConfig).toMatchObject({
      model_type: 'bert',
      hidden_size: 32,
      num_hidden_layers: 1,
      num_attention_heads: 2,
      intermediate_size: 64,
      vocab_size: 600,
      max_position_embeddings: 512,
    });
    const tokenizer = JSON.parse(sbert.get('tokenizer.json')!.toString());
    expect(Object.keys(tokenizer.model.vocab)).toHaveLength(600);
    expect(tokenizer.normalizer).toMatchObject({ type: 'BertNormalizer', lowercase: true });

    const clapConfig = JSON.parse(clap.get('config.json')!.toString());
    expect(clapConfig).toMatchObject({
      model_type: 'clap',
      projection_dim: 48,
      text_config: { vocab_size: 800, hidden_size: 32, max_position_embeddings: 514, pad_token_id: 1 },
      audio_config: { hidden_size: 32, num_mel_bins: 64 },
    });
    const pre = JSON.parse(clap.get('preprocessor_config.json')!.toString());
    expect(pre).toMatchObject({
      feature_extractor_type: 'ClapFeatureExtractor',
      feature_size: 64,
      sampling_rate: 48_000,
      hop_length: 480,
      max_length_s: 10,
      fft_window_size: 1024,
      nb_frequency_bins: 513,
      frequency_min: 50,
      frequency_max: 14_000,
      padding: 'repeatpad',
      truncation: 'rand_trunc',
    });
    const bpe = JSON.parse(clap.get('tokenizer.json')!.toString());
    expect(Object.keys(bpe.model.vocab)).toHaveLength(800);
    expect(bpe.model.vocab).toMatchObject({ '<s>': 0, '<pad>': 1, '</s>': 2, '<unk>': 3, '<mask>': 799 });
    // Nothing but the two model folders (no temp or old folders left behind).
    expect(await readdir(join(out, 'cratedigger'))).toEqual(['tiny-clap', 'tiny-sbert']);
  });

  it('is deterministic: same seed → byte-identical files; another seed → other weights, same tokenizers', async () => {
    const a = join(root, 'seed-a');
    const b = join(root, 'seed-b');
    const c = join(root, 'seed-c');
    await generateModels({ outDir: a, seed: 7, ...TINY });
    await generateModels({ outDir: b, seed: 7, ...TINY });
    await generateModels({ outDir: c, seed: 8, ...TINY });
    const treeA = await readTree(a);
    const treeB = await readTree(b);
    const treeC = await readTree(c);
    expect([...treeA.keys()].sort()).toEqual([...treeB.keys()].sort());
    for (const [path, bytes] of treeA) expect(bytes.equals(treeB.get(path)!), path).toBe(true);
    for (const [path, bytes] of treeA) {
      const other = treeC.get(path)!;
      if (path.endsWith('.onnx')) expect(bytes.equals(other), path).toBe(false);
      if (path.endsWith('tokenizer.json')) expect(bytes.equals(other), path).toBe(true);
    }
  });

  it('keeps complete folders unless forced, and says when they differ from the request', async () => {
    const out = join(root, 'keep');
    await generateModels({ outDir: out, seed: 1, ...TINY, clap: false });
    const model = join(out, GENERATED_SBERT_ID, 'onnx', 'model.onnx');
    const before = await stat(model);
    const bytesBefore = await readFile(model);

    const same = await generateModels({ outDir: out, seed: 1, ...TINY, clap: false });
    expect(same[0]).toMatchObject({ status: 'kept', differs: false });
    const other = await generateModels({ outDir: out, seed: 2, ...TINY, clap: false });
    expect(other[0]).toMatchObject({ status: 'kept', differs: true });
    expect((await stat(model)).mtimeMs).toBe(before.mtimeMs);

    const forced = await generateModels({ outDir: out, seed: 2, ...TINY, clap: false, force: true });
    expect(forced[0]).toMatchObject({ status: 'written' });
    expect((await readFile(model)).equals(bytesBefore)).toBe(false);
    expect(await readdir(join(out, 'cratedigger'))).toEqual(['tiny-sbert']);
  });

  it('parallel runs into one models dir (test workers on a fresh machine) all succeed', async () => {
    const out = join(root, 'parallel');
    const runs = await Promise.all([1, 2, 3].map(() => generateModels({ outDir: out, ...TINY })));
    for (const results of runs) expect(results.every((r) => !r.differs)).toBe(true);
    expect(runs.flat().filter((r) => r.status === 'written').length).toBeGreaterThanOrEqual(2);
    expect(await readdir(join(out, 'cratedigger'))).toEqual(['tiny-clap', 'tiny-sbert']);
    const tree = await readTree(out);
    for (const f of SBERT_REQUIRED_FILES) expect(tree.has(join(GENERATED_SBERT_ID, f)), f).toBe(true);
  });

  it('regenerates an incomplete folder without --force', async () => {
    const out = join(root, 'incomplete');
    await generateModels({ outDir: out, ...TINY, sbert: false });
    const dir = join(out, GENERATED_CLAP_ID);
    await writeFile(join(dir, 'onnx', 'audio_model.onnx.part'), '');
    await rm(join(dir, 'onnx', 'audio_model_quantized.onnx'));
    const [result] = await generateModels({ outDir: out, ...TINY, sbert: false });
    expect(result?.status).toBe('written');
    expect((await readTree(dir)).has('onnx/audio_model_quantized.onnx')).toBe(true);
  });

  it('rejects impossible sizes before writing anything', async () => {
    const out = join(root, 'bad');
    await expectUserError(generateModels({ outDir: out, sbert: { hidden: 100, heads: 3 } }), /not divisible/);
    await expectUserError(generateModels({ outDir: out, sbert: { vocab: 10 } }), /vocabulary size/);
    await expectUserError(generateModels({ outDir: out, clap: { audio: { patch: 65 } } }), /patch size/);
    await expectUserError(generateModels({ outDir: out, clap: { projection: 0 } }), /projection size/);
    await expectUserError(generateModels({ outDir: out, seed: -1 }), /seed/);
    await expectUserError(generateModels({ outDir: out, sbert: { hidden: 16_384, heads: 4, vocab: 1_000_000 } }), /too many/);
    await expect(stat(out)).rejects.toThrow();
  });

  it('extends a vocabulary past the built-in words when asked (real all-MiniLM size)', async () => {
    const out = join(root, 'big-vocab');
    await generateModels({
      outDir: out,
      sbert: { ...TINY.sbert, vocab: 30_522 },
      clap: { ...(TINY.clap as object), text: { layers: 0, hidden: 8, heads: 1, intermediate: 8, vocab: 20_000 } },
    });
    const sbert = JSON.parse(await readFile(join(out, GENERATED_SBERT_ID, 'tokenizer.json'), 'utf8'));
    expect(Object.keys(sbert.model.vocab)).toHaveLength(30_522);
    const clap = JSON.parse(await readFile(join(out, GENERATED_CLAP_ID, 'tokenizer.json'), 'utf8'));
    expect(Object.keys(clap.model.vocab)).toHaveLength(20_000);
  });
});
