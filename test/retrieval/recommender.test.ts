import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemoCatalog } from '../../src/catalog/demo-catalog.ts';
import type { Track } from '../../src/catalog/track.ts';
import { writeIndexFolder } from '../../src/retrieval/artifacts/write-index.ts';
import { createEncoderSet, type EncoderSet } from '../../src/retrieval/encoders/encoder-set.ts';
import { modelFingerprint } from '../../src/retrieval/encoders/model-files.ts';
import { embedCatalogTexts } from '../../src/indexing/build-index.ts';
import { dot, type Matrix, row } from '../../src/retrieval/matrix.ts';
import type { RecommenderSettings } from '../../src/retrieval/recommender.ts';
import { openRecommender, type RecommenderService } from '../../src/retrieval/recommender-service.ts';
import { VectorIndex } from '../../src/retrieval/vector-index.ts';
import { GENERATED_CLAP_ID, GENERATED_SBERT_ID } from '../../src/models/generated-ids.ts';
import { clapOptions, ensureGeneratedModels, runtime, sbertOptions, useModelsIn } from '../helpers/models.ts';
import { clusteredVectors } from '../helpers/synthetic.ts';
import { fileTempDir } from '../helpers/temp-dir.ts';

const root = await fileTempDir('recommender');
const tracks: Track[] = generateDemoCatalog({ tracks: 400, seed: 3 });
let local: EncoderSet;
let textEmb: Matrix;
let audio: Matrix;
const mask = new Uint8Array(tracks.length).map((_, i) => (i % 7 === 3 ? 0 : 1)); // some tracks have no audio
const settings: RecommenderSettings = { candidates: 60, textWeight: 0, maxPromptChars: 500 };
const services: RecommenderService[] = [];

async function writeIndex(dir: string, name: string, withAudio: boolean, subset = tracks.length, scoring: { textWeight: number; reason: string } | null = null): Promise<void> {
  const n = subset;
  const text = { rows: n, dim: textEmb.dim, data: textEmb.data.slice(0, n * textEmb.dim) };
  await writeIndexFolder(dir, {
    name,
    catalog: { source: 'demo', sha256: 'd'.repeat(64) },
    tracks: tracks.slice(0, n),
    models: {
      text: { id: GENERATED_SBERT_ID, dim: 384, dtype: 'q8' },
      clap: withAudio ? { id: GENERATED_CLAP_ID, dim: 512, dtype: 'q8' } : null,
    },
    textEmbeddings: text,
    textIndex: VectorIndex.build(text),
    audio: withAudio
      ? { embeddings: { rows: n, dim: 512, data: audio.data.slice(0, n * 512) }, mask: mask.slice(0, n), failed: 0, policy: { name: 'synthetic' } }
      : null,
    builtBy: 'test',
    scoring,
  });
}

async function open(dir: string, s = settings): Promise<RecommenderService> {
  const service = await openRecommender({ indexDir: dir, runtime, settings: s });
  services.push(service);
  return service;
}

beforeAll(async () => {
  await ensureGeneratedModels();
  useModelsIn();
  local = await createEncoderSet({ text: sbertOptions, clap: clapOptions });
  textEmb = await embedCatalogTexts(local.text, tracks, { silent: true });
  // Stand-in audio embeddings (unit vectors; rows without audio are zeros, as in real indexes).
  audio = clusteredVectors(tracks.length, 512, 5, 20);
  mask.forEach((m, i) => { if (!m) audio.data.fill(0, i * 512, (i + 1) * 512); });
  await writeIndex(path.join(root, 'two'), 'two', true);
  await writeIndex(path.join(root, 'text'), 'text', false);
});

afterAll(async () => {
  await Promise.all(services.map((s) => s.close()));
  await local?.dispose();
});

/** The pipeline computed by hand: exact dot products over every row, then the documented rules. */
async function reference(prompt: string, k: number, pool: number, textWeight = 0) {
  const q = row(await local.text.embed([prompt]), 0);
  const c = row(await local.clapText!.embed([prompt]), 0);
  const text = tracks.map((_, i) => ({ i, t: dot(q, row(textEmb, i)) }));
  const top = [...text].sort((a, b) => b.t - a.t).slice(0, pool);
  const withAudio = top.filter((x) => mask[x.i]).map((x) => {
    const a = dot(c, row(audio, x.i));
    return { ...x, a, s: textWeight > 0 ? (1 - textWeight) * a + textWeight * x.t : a };
  });
  withAudio.sort((x, y) => y.s - x.s);
  const without = top.filter((x) => !mask[x.i]);
  return [...withAudio, ...without].slice(0, k).map((x) => ({ id: tracks[x.i]!.id, ...x }));
}

describe('recommender (worker encoders, faiss, CLAP rerank)', () => {
  it('ranks exactly as a brute-force reference of the two stages', async () => {
    const service = await open(path.join(root, 'two'));
    for (const prompt of ['calm piano for a rainy evening', 'energetic rock with drums', 'dark ambient soundscape']) {
      const res = await service.recommend({ prompt, k: 60 });
      const ref = await reference(prompt, 60, 60);
      expect(res.mode).toBe('two-stage');
      expect(res.results.map((r) => r.trackId)).toEqual(ref.map((r) => r.id));
      res.results.forEach((r, i) => {
        expect(r.textScore).toBeCloseTo(ref[i]!.t, 4);
        if ('a' in ref[i]!) expect(r.audioScore).toBeCloseTo((ref[i] as { a: number }).a, 4);
        else expect(r.audioScore).toBeNull();
      });
      // Tracks without audio embeddings come last, in text order (the documented rule).
      const firstNull = res.results.findIndex((r) => r.audioScore === null);
      expect(firstNull).toBeGreaterThan(0);
      expect(res.results.slice(firstNull).every((r) => r.audioScore === null)).toBe(true);
    }
  });

  it('fuses text and audio scores when TEXT_WEIGHT > 0', async () => {
    const service = await open(path.join(root, 'two'), { ...settings, textWeight: 0.4 });
    const res = await service.recommend({ prompt: 'happy acoustic guitar', k: 10 });
    const ref = await reference('happy acoustic guitar', 10, 60, 0.4);
    expect(res.results.map((r) => r.trackId)).toEqual(ref.map((r) => r.id));
    expect(res.results[0]!.score).toBeCloseTo(0.6 * res.results[0]!.audioScore! + 0.4 * res.results[0]!.textScore, 6);
  });

  it('uses the fusion weight the index recommends when TEXT_WEIGHT is not set; TEXT_WEIGHT wins', async () => {
    const dir = path.join(root, 'scored');
    await writeIndex(dir, 'scored', true, tracks.length, { textWeight: 0.4, reason: 'test' });
    const byIndex = await (await open(dir, { ...settings, textWeight: undefined })).recommend({ prompt: 'happy acoustic guitar', k: 10 });
    expect(byIndex.results.map((r) => r.trackId)).toEqual((await reference('happy acoustic guitar', 10, 60, 0.4)).map((r) => r.id));
    const byConfig = await (await open(dir, { ...settings, textWeight: 0 })).recommend({ prompt: 'happy acoustic guitar', k: 10 });
    expect(byConfig.results.map((r) => r.trackId)).toEqual((await reference('happy acoustic guitar', 10, 60, 0)).map((r) => r.id));
  });

  it('gives identical results for the same prompt twice, with ranks, scores and stage timings', async () => {
    const service = await open(path.join(root, 'two'));
    const a = await service.recommend({ prompt: 'uplifting orchestral film music', k: 5 });
    const b = await service.recommend({ prompt: '  uplifting   orchestral film music ', k: 5 });
    expect(b.query).toBe('uplifting orchestral film music');
    expect(b.results).toEqual(a.results);
    expect(a.results.map((r) => r.rank)).toEqual([1, 2, 3, 4, 5]);
    expect(Object.keys(a.timings)).toEqual(['textEmbedMs', 'searchMs', 'clapTextMs', 'rerankMs', 'totalMs']);
    expect(a.timings.totalMs).toBeGreaterThanOrEqual(a.timings.textEmbedMs);
    expect(a.index).toMatchObject({ name: 'two', tracks: 400 });
  });

  it('says text-only when the index has no audio embeddings, and ranks by text', async () => {
    const service = await open(path.join(root, 'text'));
    expect(service.status().models.clap).toBeNull(); // CLAP is not even loaded
    const res = await service.recommend({ prompt: 'sad piano ballad', k: 5 });
    expect(res.mode).toBe('text-only');
    const q = row(await local.text.embed(['sad piano ballad']), 0);
    const byText = tracks.map((t, i) => ({ id: t.id, s: dot(q, row(textEmb, i)) })).sort((x, y) => y.s - x.s);
    expect(res.results.map((r) => r.trackId)).toEqual(byText.slice(0, 5).map((x) => x.id));
    expect(res.results.every((r) => r.audioScore === null && r.score === r.textScore)).toBe(true);
  });

  it('filters after retrieval and widens the pool until enough tracks pass', async () => {
    const service = await open(path.join(root, 'two'));
    const rare = tracks.filter((t) => t.tags.instrument.includes('harmonica')).length
      ? 'harmonica'
      : [...new Set(tracks.flatMap((t) => t.tags.instrument))].sort((a, b) => tracks.filter((t) => t.tags.instrument.includes(a)).length - tracks.filter((t) => t.tags.instrument.includes(b)).length)[0]!;
    const passing = tracks.filter((t) => t.tags.instrument.includes(rare)).length;
    const res = await service.recommend({ prompt: 'calm piano', k: 5, accept: (t) => t.tags.instrument.includes(rare) });
    expect(res.results.length).toBe(Math.min(5, passing));
    expect(res.results.every((r) => r.track.tags.instrument.includes(rare))).toBe(true);
    expect(res.candidates).toBe(Math.min(60, passing));
  });

  it('reloads atomically: a query in flight finishes on the old index; a bad index leaves the old one serving', async () => {
    const dir = path.join(root, 'reload');
    await writeIndex(dir, 'before', true);
    const service = await open(dir);
    const inFlight = service.recommend({ prompt: 'calm piano', k: 3 });
    await writeIndex(dir, 'after', true, 300);
    const report = await service.reload(dir);
    expect(report).toMatchObject({ modelsReloaded: false, status: { name: 'after', tracks: 300, mode: 'two-stage' } });
    expect((await inFlight).index.name).toBe('before');
    expect((await service.recommend({ prompt: 'calm piano', k: 3 })).index.name).toBe('after');

    await expect(service.reload(path.join(root, 'missing'))).rejects.toThrow(/No index folder at .*missing/);
    const textOnly = await service.reload(path.join(root, 'text')); // needs fewer models: reuses nothing
    expect(textOnly.status.mode).toBe('text-only');
    expect((await service.recommend({ prompt: 'calm piano', k: 3 })).index.name).toBe('text');
  });

  it('refuses an index embedded with another copy of its model (fingerprint in the manifest)', async () => {
    const dir = path.join(root, 'stale');
    await writeIndex(dir, 'stale', false);
    const file = path.join(dir, 'manifest.json');
    const manifest = JSON.parse(await readFile(file, 'utf8'));
    manifest.models.text.fingerprint = await modelFingerprint(runtime.modelsDir, GENERATED_SBERT_ID);
    await writeFile(file, JSON.stringify(manifest));
    await open(dir); // same model folder: fine
    manifest.models.text.fingerprint = '0123456789abcdef';
    await writeFile(file, JSON.stringify(manifest));
    await expect(openRecommender({ indexDir: dir, runtime, settings })).rejects.toMatchObject({
      message: expect.stringMatching(/manifest\.json: was embedded with another copy of model cratedigger\/tiny-sbert/),
      hint: expect.stringContaining('Rebuild the index'),
    });
  });

  it('refuses blank and oversized prompts with what to do', async () => {
    const service = await open(path.join(root, 'text'));
    await expect(service.recommend({ prompt: '   ', k: 5 })).rejects.toMatchObject({ name: 'UserError', message: 'The prompt is empty.' });
    await expect(service.recommend({ prompt: 'a'.repeat(501), k: 5 })).rejects.toMatchObject({
      message: 'The prompt is 501 characters long; the limit is 500.',
    });
  });
});
