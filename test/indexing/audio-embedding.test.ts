import { copyFile, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Track } from '../../src/catalog/track.ts';
import { decodeAudio } from '../../src/audio/decode.ts';
import { CLAP_WINDOW_POLICY } from '../../src/audio/windows.ts';
import { type AudioCheckpoint, type CheckpointKey, openCheckpoint } from '../../src/indexing/audio/checkpoint.ts';
import { embedCatalogAudio } from '../../src/indexing/audio/embed-catalog-audio.ts';
import { createClapAudioEncoder } from '../../src/retrieval/encoders/clap-audio-encoder.ts';
import type { AudioEncoder } from '../../src/retrieval/encoders/types.ts';
import { CLAP_WINDOW_SAMPLES } from '../../src/retrieval/encoders/types.ts';
import { startEncoderWorker } from '../../src/retrieval/encoders/worker/worker-encoders.ts';
import { norm, row } from '../../src/retrieval/matrix.ts';
import { type ToneSpec, writeTone } from '../helpers/audio-files.ts';
import { fileTempDir } from '../helpers/temp-dir.ts';
import { clapOptions, ensureGeneratedModels, sbertOptions, useModelsIn } from '../helpers/models.ts';

const base = await fileTempDir('audio-embed');
let root: string;
/** This thread's models folder: the generated CLAP (linked) and the edited copies made below. */
let modelsDir: string;
let encoder: AudioEncoder;

/** A track's audio at 48 kHz, so lossless files have exact sample counts. */
const source = (file: string, spec: Omit<ToneSpec, 'sampleRate'>) => writeTone(path.join(root, file), { ...spec, sampleRate: 48_000 });

const track = (id: string, p: string): Track => ({ id, path: p, tags: { mood: [], genre: [], instrument: [] }, caption: '', keywords: [] });

let cpCount = 0;
async function checkpoint(n: number, dim: number): Promise<AudioCheckpoint> {
  const key: CheckpointKey = {
    catalogSha256: 'test', tracks: n, clapModel: clapOptions.modelId, modelFiles: 'x', dtype: 'q8', dim, policy: { ...CLAP_WINDOW_POLICY }, audioRoot: root,
  };
  return openCheckpoint({ dir: path.join(base, `cp-${++cpCount}`), key });
}

/** The real encoder, recording how many windows each call brings. */
function counting(inner: AudioEncoder): AudioEncoder & { calls: number[] } {
  const calls: number[] = [];
  return { ...inner, calls, embedWindows: (w) => (calls.push(w.length), inner.embedWindows(w)) };
}

async function embedAll(tracks: Track[], enc: AudioEncoder): Promise<AudioCheckpoint> {
  const cp = await checkpoint(tracks.length, enc.dim);
  await embedCatalogAudio(tracks, enc, { audioRoot: root, checkpoint: cp, silent: true });
  return cp;
}

const bits = (v: Float32Array) => Buffer.from(v.buffer, v.byteOffset, v.byteLength);

beforeAll(async () => {
  root = path.join(base, 'audio');
  await ensureGeneratedModels();
  await Promise.all([
    source('short.wav', { freq: 220, seconds: 5 }),
    source('exact.flac', { freq: 440, seconds: 10 }),
    source('mid.flac', { freq: 660, seconds: 15 }),
    source('long.wav', { freq: 880, seconds: 25 }),
    source('n/longer.ogg', { freq: 330, seconds: 45 }),
    source('noise.mp3', { source: 'anoisesrc=color=pink:seed=3', seconds: 6 }),
  ]);
  modelsDir = path.join(base, 'models');
  const link = path.join(modelsDir, clapOptions.modelId);
  await mkdir(path.dirname(link), { recursive: true });
  await symlink(path.join(clapOptions.modelsDir, clapOptions.modelId), link);
  useModelsIn(modelsDir);
  encoder = await createClapAudioEncoder({ ...clapOptions, modelsDir });
}, 120_000);

afterAll(async () => {
  await encoder?.dispose();
});

describe('CLAP audio encoder', () => {
  it('gives one unit-length row per 10-s window and refuses windows of any other length', async () => {
    const a = new Float32Array(CLAP_WINDOW_SAMPLES).map((_, i) => 0.2 * Math.sin(i / 30));
    const m = await encoder.embedWindows([a, a.map((x) => x * 0.5)]);
    expect(m.rows).toBe(2);
    expect(m.dim).toBe(encoder.dim);
    expect(encoder.dim).toBe(512);
    for (let r = 0; r < 2; r++) expect(norm(row(m, r))).toBeCloseTo(1, 5);
    await expect(encoder.embedWindows([a.subarray(1)])).rejects.toThrow(/479999 samples; it must have exactly 480000/);
    await expect(encoder.embedWindows([new Float32Array(CLAP_WINDOW_SAMPLES + 1)])).rejects.toThrow(RangeError);
  });
});

describe('CLAP configs that name fusion', () => {
  /** A copy of the tiny CLAP's audio files whose configs are edited by `edit`. */
  async function variant(name: string, edit: (pre: Record<string, unknown>, cfg: { audio_config: Record<string, unknown> }) => void): Promise<string> {
    const src = path.join(clapOptions.modelsDir, clapOptions.modelId);
    const dst = path.join(modelsDir, 'variants', name);
    await mkdir(path.join(dst, 'onnx'), { recursive: true });
    for (const f of ['tokenizer.json', 'onnx/audio_model_quantized.onnx']) await copyFile(path.join(src, f), path.join(dst, f));
    const pre = JSON.parse(await readFile(path.join(src, 'preprocessor_config.json'), 'utf8')) as Record<string, unknown>;
    const cfg = JSON.parse(await readFile(path.join(src, 'config.json'), 'utf8')) as { audio_config: Record<string, unknown> };
    edit(pre, cfg);
    await writeFile(path.join(dst, 'preprocessor_config.json'), JSON.stringify(pre));
    await writeFile(path.join(dst, 'config.json'), JSON.stringify(cfg));
    return `variants/${name}`;
  }

  it('use the unfused features of an unfused model (same vectors), and refuse a fused model', async () => {
    const unfused = await variant('fusion-named', (pre) => (pre.truncation = 'fusion'));
    const enc = await createClapAudioEncoder({ ...clapOptions, modelsDir, modelId: unfused });
    const w = new Float32Array(CLAP_WINDOW_SAMPLES).map((_, i) => 0.3 * Math.sin(i / 50) * Math.sin(i / 7000));
    try {
      expect(bits((await enc.embedWindows([w])).data).equals(bits((await encoder.embedWindows([w])).data))).toBe(true);
    } finally {
      await enc.dispose();
    }
    const fused = await variant('fused', (pre, cfg) => ((pre.truncation = 'fusion'), (cfg.audio_config.enable_fusion = true)));
    await expect(createClapAudioEncoder({ ...clapOptions, modelsDir, modelId: fused })).rejects.toThrow(/is a fused CLAP model/);
  });
});

describe('track embeddings', () => {
  const files = ['short.wav', 'exact.flac', 'mid.flac', 'long.wav', 'n/longer.ogg', 'noise.mp3'];
  const tracks = files.map((f, i) => track(`t${i}`, f));

  it('embed the windows of the policy, one request per track: short 1, exactly 10 s 1, 15 s 2, 25 s 3, 45 s 3', async () => {
    // The fixture really is 10 s to the sample: one more would need a second window.
    expect((await decodeAudio(path.join(root, 'exact.flac'))).samples.length).toBe(CLAP_WINDOW_SAMPLES);
    const spy = counting(encoder);
    const cp = await embedAll(tracks, spy);
    expect(spy.calls).toEqual([1, 1, 2, 3, 3, 1]);
    expect([...cp.mask]).toEqual([1, 1, 1, 1, 1, 1]);
    expect(cp.failures).toEqual([]);
    for (let i = 0; i < tracks.length; i++) expect(norm(row(cp.embeddings, i))).toBeCloseTo(1, 5);
    // Different sounds, different vectors.
    expect(bits(row(cp.embeddings, 0)).equals(bits(row(cp.embeddings, 5)))).toBe(false);
  });

  it('are the same bits on every run, whatever else is in the catalog and in which order', async () => {
    const first = await embedAll(tracks, encoder);
    const again = await embedAll(tracks, encoder);
    expect(bits(again.embeddings.data).equals(bits(first.embeddings.data))).toBe(true);
    // Reversed and partial catalog: a track's vector depends on its own file only.
    const reversed = await embedAll([...tracks].reverse().slice(0, 4), encoder);
    for (let j = 0; j < 4; j++) {
      const i = tracks.length - 1 - j;
      expect(bits(row(reversed.embeddings, j)).equals(bits(row(first.embeddings, i))), files[i]).toBe(true);
    }
  });

  it('are the same bits in a fresh encoder worker (as the index build computes them)', async () => {
    const inProcess = await embedAll(tracks, encoder);
    for (let attempt = 0; attempt < 2; attempt++) {
      const set = await startEncoderWorker({ text: sbertOptions, clap: clapOptions, clapAudio: true });
      try {
        const inWorker = await embedAll(tracks, set.clapAudio!);
        expect(bits(inWorker.embeddings.data).equals(bits(inProcess.embeddings.data))).toBe(true);
      } finally {
        await set.dispose();
      }
    }
  }, 60_000);
});
