/**
 * Model sets: the "full" set has the real architectures' sizes, loads through the project's
 * encoders (real transformers.js + onnxruntime) at both dtypes, and is kept once generated;
 * the "tiny" set stays exactly what the generator wrote before sets existed.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { isUserError } from '../../src/errors.ts';
import { parseGenerateArgs } from '../../src/models/generate/cli-args.ts';
import { ensureModelSet, generateModels, resolveClapOptions, resolveSbertOptions } from '../../src/models/generate/index.ts';
import { FULL_CLAP_ID, FULL_SBERT_ID, GENERATED_CLAP_ID, GENERATED_SBERT_ID } from '../../src/models/generated-ids.ts';
import { MODEL_SETS, modelSet } from '../../src/models/model-sets.ts';
import { createClapAudioEncoder } from '../../src/retrieval/encoders/clap-audio-encoder.ts';
import { createClapTextEncoder } from '../../src/retrieval/encoders/clap-text-encoder.ts';
import { createSbertEncoder } from '../../src/retrieval/encoders/sbert-encoder.ts';
import type { Matrix } from '../../src/retrieval/matrix.ts';
import { useModelsIn } from '../helpers/models.ts';
import { fileTempDir } from '../helpers/temp-dir.ts';
import { audioGraphMultiplyAdds, cosine, norm, row, sine } from './helpers.ts';

const TEXTS = ['calm piano', 'aggressive metal drums with distorted guitars', 'calm piano'];

const models = await fileTempDir('full-set');
let first: Awaited<ReturnType<typeof ensureModelSet>>;
const progress: string[] = [];

beforeAll(async () => {
  // ~10 s and ~830 MB: generated once for the whole file.
  first = await ensureModelSet('full', models, (line) => progress.push(line));
  useModelsIn(models);
});

async function config(id: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(join(models, id, 'config.json'), 'utf8')) as Record<string, unknown>;
}

async function size(id: string, file: string): Promise<number> {
  return (await stat(join(models, id, 'onnx', file))).size;
}

/** Every row unit-length and finite; equal texts give equal rows, different texts different ones. */
function expectTextRows(m: Matrix, dim: number): void {
  expect([m.rows, m.dim]).toEqual([TEXTS.length, dim]);
  const rows = TEXTS.map((_, i) => row(m.data, dim, i));
  for (const r of rows) {
    expect(r.every(Number.isFinite)).toBe(true);
    expect(norm(r)).toBeCloseTo(1, 4);
  }
  expect(cosine(rows[0]!, rows[2]!)).toBeGreaterThan(0.99999);
  expect(cosine(rows[0]!, rows[1]!)).toBeLessThan(0.999);
}

describe('the full model set', () => {
  it('is generated at the full ids on first use', () => {
    expect(first).toEqual({ sbertId: FULL_SBERT_ID, clapId: FULL_CLAP_ID, generated: true });
    expect(progress.join('\n')).toMatch(/generating cratedigger\/full-sbert[\s\S]*generating cratedigger\/full-clap/);
  });

  it('SBERT has all-MiniLM-L6-v2 sizes', async () => {
    const c = await config(FULL_SBERT_ID);
    expect(c).toMatchObject({
      model_type: 'bert',
      num_hidden_layers: 6,
      hidden_size: 384,
      intermediate_size: 1536,
      num_attention_heads: 12,
      vocab_size: 30_522,
      max_position_embeddings: 512,
    });
    const tokenizer = JSON.parse(await readFile(join(models, FULL_SBERT_ID, 'tokenizer.json'), 'utf8'));
    expect(Object.keys(tokenizer.model.vocab)).toHaveLength(30_522);
  });

  it('CLAP has a RoBERTa-base text tower, the planned audio tower and 512-d projections', async () => {
    const c = await config(FULL_CLAP_ID);
    expect(c['projection_dim']).toBe(512);
    expect(c['text_config']).toMatchObject({
      num_hidden_layers: 12,
      hidden_size: 768,
      intermediate_size: 3072,
      num_attention_heads: 12,
      vocab_size: 50_265,
      max_position_embeddings: 514,
    });
    expect(c['audio_config']).toMatchObject({
      depths: [12],
      hidden_size: 384,
      intermediate_size: 1536,
      num_attention_heads: [6],
      patch_size: 16,
      num_patches: 248,
    });
    const tokenizer = JSON.parse(await readFile(join(models, FULL_CLAP_ID, 'tokenizer.json'), 'utf8'));
    expect(Object.keys(tokenizer.model.vocab)).toHaveLength(50_265);
  });

  it('says in the model card that the audio tower is compute-matched, not HTSAT, with the compute of the graph written', async () => {
    const card = await readFile(join(models, FULL_CLAP_ID, 'README.md'), 'utf8');
    expect(card).toMatch(/not HTSAT/);
    expect(card).toMatch(/by estimate/);
    // Counted from the audio_model.onnx just generated, not from the estimate the card is written with.
    const { tower, head } = audioGraphMultiplyAdds(await readFile(join(models, FULL_CLAP_ID, 'onnx', 'audio_model.onnx')));
    const gflops = (2 * tower) / 1e9;
    expect(card).toContain(`about ${gflops.toFixed(1)} GFLOPs per 10-s window`);
    // A Swin-T/B-sized encoder such as HTSAT at this input size, as the card says.
    expect(gflops).toBeGreaterThan(11);
    expect(gflops).toBeLessThan(12);
    // The projection head the estimate leaves out is "well under 1%".
    expect(head / tower).toBeLessThan(0.01);
  });

  it('q8 files are about a quarter of fp32 ones', async () => {
    const pairs: [string, string][] = [
      [FULL_SBERT_ID, 'model'],
      [FULL_CLAP_ID, 'text_model'],
      [FULL_CLAP_ID, 'audio_model'],
    ];
    for (const [id, name] of pairs) {
      const fp32 = await size(id, `${name}.onnx`);
      const q8 = await size(id, `${name}_quantized.onnx`);
      const ratio = q8 / fp32;
      expect(ratio, `${id} ${name}: ${q8} / ${fp32}`).toBeGreaterThan(0.2);
      expect(ratio, `${id} ${name}: ${q8} / ${fp32}`).toBeLessThan(0.32);
    }
    // Real-size files: all-MiniLM-L6-v2's fp32 ONNX is ~90 MB, larger_clap's text tower ~500 MB.
    expect(await size(FULL_SBERT_ID, 'model.onnx')).toBeGreaterThan(80e6);
    expect(await size(FULL_CLAP_ID, 'text_model.onnx')).toBeGreaterThan(450e6);
  });

  for (const dtype of ['q8', 'fp32'] as const) {
    it(`SBERT (${dtype}) loads and gives unit-length 384-d embeddings`, async () => {
      const encoder = await createSbertEncoder({ modelsDir: models, modelId: FULL_SBERT_ID, dtype, threads: 1, allowRemote: false });
      try {
        expect(encoder.dim).toBe(384);
        expectTextRows(await encoder.embed(TEXTS), 384);
      } finally {
        await encoder.dispose();
      }
    });

    it(`CLAP text (${dtype}) loads and gives unit-length 512-d embeddings`, async () => {
      const encoder = await createClapTextEncoder({ modelsDir: models, modelId: FULL_CLAP_ID, dtype, threads: 1, allowRemote: false });
      try {
        expect(encoder.dim).toBe(512);
        expectTextRows(await encoder.embed(TEXTS), 512);
      } finally {
        await encoder.dispose();
      }
    });

    it(`CLAP audio (${dtype}) loads and gives unit-length 512-d embeddings`, async () => {
      const encoder = await createClapAudioEncoder({ modelsDir: models, modelId: FULL_CLAP_ID, dtype, threads: 1, allowRemote: false });
      try {
        const m = await encoder.embedWindows([sine(220), sine(3520)]);
        expect([m.rows, m.dim]).toEqual([2, 512]);
        const rows = [row(m.data, 512, 0), row(m.data, 512, 1)];
        for (const r of rows) expect(norm(r)).toBeCloseTo(1, 4);
        expect(cosine(rows[0]!, rows[1]!)).toBeLessThan(0.9999);
      } finally {
        await encoder.dispose();
      }
    });
  }

  it('a second ensureModelSet keeps the folders', async () => {
    const before = (await stat(join(models, FULL_CLAP_ID, 'onnx', 'text_model.onnx'))).mtimeMs;
    expect(await ensureModelSet('full', models)).toEqual({ sbertId: FULL_SBERT_ID, clapId: FULL_CLAP_ID, generated: false });
    expect((await stat(join(models, FULL_CLAP_ID, 'onnx', 'text_model.onnx'))).mtimeMs).toBe(before);
  });

  it('rejects size options: its sizes are the real ones', async () => {
    const err = await generateModels({ outDir: models, set: 'full', sbert: { layers: 2 } }).catch((e: unknown) => e);
    expect(isUserError(err), String(err)).toBe(true);
    expect((err as Error).message).toMatch(/"full" model set .* cannot be changed \(got sbert\.layers\)/);
  });
});

describe('model sets', () => {
  it('tiny keeps the ids and default sizes the generator always had', () => {
    expect([MODEL_SETS.tiny.sbertId, MODEL_SETS.tiny.clapId]).toEqual([GENERATED_SBERT_ID, GENERATED_CLAP_ID]);
    // The generator record in config.json is JSON of these: byte-identical keeps old folders valid.
    expect(JSON.stringify(resolveSbertOptions(MODEL_SETS.tiny.sbert))).toBe(JSON.stringify(resolveSbertOptions(undefined)));
    expect(JSON.stringify(resolveClapOptions(MODEL_SETS.tiny.clap))).toBe(JSON.stringify(resolveClapOptions(undefined)));
  });

  it('modelSet looks names up and lists the valid ones for unknown names', () => {
    expect(modelSet('full')).toBe(MODEL_SETS.full);
    let err: unknown;
    try {
      modelSet('huge');
    } catch (e) {
      err = e;
    }
    expect(isUserError(err)).toBe(true);
    expect((err as { full: string }).full).toMatch(/Unknown model set "huge"\. Use one of: tiny, full\./);
  });

  it('--set picks the set; tiny is the default', () => {
    expect(parseGenerateArgs([])).toMatchObject({ set: 'tiny' });
    expect(parseGenerateArgs(['--set', 'full'])).toMatchObject({ set: 'full' });
    expect(() => parseGenerateArgs(['--set', 'huge'])).toThrow(/Unknown model set "huge"/);
  });
});
