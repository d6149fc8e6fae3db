/**
 * The generated log-mel graph against transformers.js's own ClapFeatureExtractor: same filters,
 * same features on varied windows (tones, noise, a chirp, decoded audio, silence, a repeat-padded
 * short clip), and the same CLAP audio embeddings through the encoder.
 */
import path from 'node:path';
import { ClapFeatureExtractor, type Tensor } from '@huggingface/transformers';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeAudio } from '../../src/audio/decode.ts';
import { type ClapExtractorConfig, hannWindow, logMelParamsFromConfig, slaneyMelFilters } from '../../src/audio/log-mel.ts';
import { cutWindows, repeatPad } from '../../src/audio/windows.ts';
import { buildLogMelGraph, LOG_MEL_INPUT, LOG_MEL_OUTPUT, splitDft } from '../../src/models/generate/log-mel-graph.ts';
import { type ClapAudioEncoder, createClapAudioEncoder } from '../../src/retrieval/encoders/clap-audio-encoder.ts';
import { dot, row } from '../../src/retrieval/matrix.ts';
import { createOnnxLogMel, logMelGraphFile, type OnnxLogMel } from '../../src/retrieval/encoders/onnx-log-mel.ts';
import { mulberry32 } from '../../src/util/prng.ts';
import { writeTone } from '../helpers/audio-files.ts';
import { clapOptions, ensureGeneratedModels, useModelsIn } from '../helpers/models.ts';
import { fileTempDir } from '../helpers/temp-dir.ts';

/** The real larger_clap_music_and_speech extractor settings (also those of the generated CLAPs). */
const CONFIG: ClapExtractorConfig & Record<string, unknown> = {
  feature_extractor_type: 'ClapFeatureExtractor',
  feature_size: 64,
  sampling_rate: 48_000,
  hop_length: 480,
  max_length_s: 10,
  nb_max_samples: 480_000,
  fft_window_size: 1024,
  nb_frequency_bins: 513,
  frequency_min: 50,
  frequency_max: 14_000,
  padding: 'repeatpad',
  truncation: 'rand_trunc',
};
const N = 480_000;
const SR = 48_000;

/**
 * Largest |ONNX − JS| in dB allowed per element (features span −100…+40 dB). transformers.js
 * runs a float64 FFT and the graph float32 matrix products, so the two differ by float32
 * rounding of the DFT: relative to the window's loudest bin, not to each bin. Near the peak
 * that is far below 1e-3 dB (measured ≤ 2.3e-4 within 60 dB, ≤ 4e-3 within 80 dB); only in bins
 * 80–140 dB below the loudest one of pure synthetic tones does it reach tenths of a dB (measured
 * ≤ 0.36). Noise and decoded audio have no such bins: ≤ 2e-5 dB everywhere.
 */
const TOLERANCE_DB = { within60: 1e-3, within80: 1e-2, anywhere: 1, broadband: 1e-3 } as const;
const BROADBAND = new Set(['noise', 'quiet', 'silence', 'decodedMp3']);

const tmp = await fileTempDir('log-mel');
const extractor = new ClapFeatureExtractor(CONFIG);
let graph: OnnxLogMel;

function synth(f: (t: number, i: number) => number, length = N): Float32Array {
  const w = new Float32Array(length);
  for (let i = 0; i < length; i++) w[i] = f(i / SR, i);
  return w;
}

async function windows(): Promise<Record<string, Float32Array>> {
  const rnd = mulberry32(7);
  const file = await writeTone(path.join(tmp, 'pink.mp3'), { seconds: 12, source: 'anoisesrc=color=pink:seed=3:amplitude=0.3', codecArgs: ['-c:a', 'libmp3lame', '-b:a', '128k'] });
  const decoded = (await decodeAudio(file, { sampleRate: SR })).samples;
  return {
    chord: synth((t) => 0.3 * Math.sin(2 * Math.PI * 220 * t) + 0.2 * Math.sin(2 * Math.PI * 554.37 * t) + 0.1 * Math.sin(2 * Math.PI * 3300 * t)),
    noise: synth(() => 0.5 * (rnd() * 2 - 1)),
    chirp: synth((t) => 0.4 * Math.sin(2 * Math.PI * (50 * t + (13_950 / 20) * t * t))),
    quiet: synth(() => 1e-4 * (rnd() * 2 - 1)),
    silence: new Float32Array(N),
    decodedMp3: cutWindows(decoded)[0]!,
    shortPadded: repeatPad(synth((t) => 0.5 * Math.sin(2 * Math.PI * 330 * t) * Math.exp(-t), Math.round(2.3 * SR)), N),
  };
}

async function jsFeatures(w: Float32Array): Promise<Tensor> {
  return ((await extractor(w)) as { input_features: Tensor }).input_features;
}

/** Largest difference over the elements within `range` dB of the window's loudest one. */
function maxDiffNearPeak(a: ArrayLike<number>, ref: ArrayLike<number>, range: number): number {
  let peak = -Infinity;
  for (let i = 0; i < ref.length; i++) peak = Math.max(peak, ref[i]!);
  let m = 0;
  for (let i = 0; i < ref.length; i++) if (ref[i]! >= peak - range) m = Math.max(m, Math.abs(a[i]! - ref[i]!));
  return m;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

beforeAll(async () => {
  graph = await createOnnxLogMel({ params: logMelParamsFromConfig(CONFIG), cacheDir: path.join(tmp, 'cache'), threads: 1 });
});
afterAll(() => graph?.dispose());

describe('log-mel ONNX graph vs transformers.js ClapFeatureExtractor', () => {
  it('ports the extractor\'s Slaney mel filters and Hann window exactly', () => {
    const ours = slaneyMelFilters(logMelParamsFromConfig(CONFIG));
    const theirs = (extractor as unknown as { mel_filters_slaney: number[][] }).mel_filters_slaney;
    expect(ours.map((r) => Array.from(r))).toEqual(theirs);
    expect(Array.from(hannWindow(1024))).toEqual(Array.from((extractor as unknown as { window: Float64Array }).window));
  });

  it('writes its graph to the cache folder once and reads it from there after', async () => {
    expect(graph.file).toBe(logMelGraphFile(path.join(tmp, 'cache'), graph.params));
    const again = await createOnnxLogMel({ params: graph.params, cacheDir: path.join(tmp, 'cache'), threads: 1 });
    try {
      expect(again.file).toBe(graph.file);
    } finally {
      await again.dispose();
    }
  });

  it('gives the extractor\'s features on tones, noise, a chirp, decoded audio, silence and a padded short clip', async () => {
    const diffs: Record<string, Record<string, number>> = {};
    for (const [name, w] of Object.entries(await windows())) {
      const js = await jsFeatures(w);
      const onnx = await graph.features([w]);
      expect(onnx.dims).toEqual(js.dims);
      expect(onnx.dims).toEqual([1, 1, 1001, 64]);
      const ref = js.data as Float32Array;
      const d = { within60: maxDiffNearPeak(onnx.data, ref, 60), within80: maxDiffNearPeak(onnx.data, ref, 80), anywhere: maxAbsDiff(onnx.data, ref) };
      diffs[name] = d;
      expect(d.within60, name).toBeLessThanOrEqual(TOLERANCE_DB.within60);
      expect(d.within80, name).toBeLessThanOrEqual(TOLERANCE_DB.within80);
      expect(d.anywhere, name).toBeLessThanOrEqual(BROADBAND.has(name) ? TOLERANCE_DB.broadband : TOLERANCE_DB.anywhere);
    }
    console.info('max |ONNX − JS| log-mel, dB:', diffs);
  });

  it('pads a short clip in TypeScript as the extractor would itself (repeatpad)', async () => {
    const clip = synth((t) => Math.sin(2 * Math.PI * 440 * t) * 0.3, Math.round(2.3 * SR));
    const js = await jsFeatures(clip); // the extractor pads the 2.3-s clip itself
    const onnx = await graph.features([repeatPad(clip, N)]);
    expect(onnx.dims).toEqual(js.dims);
    expect(maxDiffNearPeak(onnx.data, js.data as Float32Array, 60)).toBeLessThanOrEqual(TOLERANCE_DB.within60);
    expect(maxAbsDiff(onnx.data, js.data as Float32Array)).toBeLessThanOrEqual(TOLERANCE_DB.anywhere);
  });

  it('computes a batch of windows as it computes each alone', async () => {
    const w = await windows();
    const batch = [w.chord!, w.noise!, w.shortPadded!];
    const together = await graph.features(batch);
    expect(together.dims).toEqual([3, 1, 1001, 64]);
    const size = 1001 * 64;
    for (const [i, one] of batch.entries()) {
      const alone = await graph.features([one]);
      expect(maxAbsDiff(together.data.subarray(i * size, (i + 1) * size), alone.data)).toBeLessThanOrEqual(1e-4);
    }
  });

  it('computes the same features with the one-step DFT it falls back to for an n_fft with no useful split', async () => {
    expect(splitDft(1024)).toEqual({ p: 32, q: 32 });
    expect(splitDft(1031)).toBeUndefined(); // a prime
    const direct = await ort.InferenceSession.create(buildLogMelGraph(graph.params, 'direct'), { intraOpNumThreads: 1 });
    try {
      const w = (await windows()).chirp!;
      const out = (await direct.run({ [LOG_MEL_INPUT]: new ort.Tensor('float32', w, [1, N]) }))[LOG_MEL_OUTPUT]!;
      const js = (await jsFeatures(w)).data as Float32Array;
      expect(maxDiffNearPeak(out.data as Float32Array, js, 60)).toBeLessThanOrEqual(TOLERANCE_DB.within60);
      expect(maxAbsDiff(out.data as Float32Array, js)).toBeLessThanOrEqual(TOLERANCE_DB.anywhere);
    } finally {
      await direct.release();
    }
  });

  it('refuses windows of another length', async () => {
    await expect(graph.features([new Float32Array(1000)])).rejects.toThrow(/1000 samples/);
  });
});

describe('CLAP audio embeddings: ONNX log-mel vs the JS extractor', () => {
  type Key = `${'onnx' | 'js'}-${'fp32' | 'q8'}`;
  const encoders: Partial<Record<Key, ClapAudioEncoder>> = {};
  beforeAll(async () => {
    await ensureGeneratedModels();
    useModelsIn();
    for (const dtype of ['fp32', 'q8'] as const) {
      for (const logMel of ['onnx', 'js'] as const) {
        encoders[`${logMel}-${dtype}`] = await createClapAudioEncoder({ ...clapOptions, dtype, logMel, logMelCacheDir: path.join(tmp, 'cache') });
      }
    }
  });
  afterAll(() => Promise.all(Object.values(encoders).map((e) => e.dispose())));

  it.each(['fp32', 'q8'] as const)('embeds every window the same way with the %s tower (cosine ≥ 0.9999), alone and in a batch', async (dtype) => {
    const w = Object.values(await windows());
    const [onnx, js] = [encoders[`onnx-${dtype}`]!, encoders[`js-${dtype}`]!];
    const [a, b] = [await onnx.embedWindows(w), await js.embedWindows(w)];
    let worst = 1;
    for (let i = 0; i < w.length; i++) worst = Math.min(worst, dot(row(a, i), row(b, i)));
    for (const one of w) {
      const [x, y] = [await onnx.embedWindows([one]), await js.embedWindows([one])];
      worst = Math.min(worst, dot(x.data, y.data));
    }
    console.info(`worst cosine ONNX vs JS features (${dtype} tiny CLAP):`, worst);
    expect(worst).toBeGreaterThanOrEqual(0.9999);
    expect(onnx.timings().windows).toBe(2 * w.length);
  });
});
