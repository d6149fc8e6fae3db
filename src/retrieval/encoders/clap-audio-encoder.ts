import { AutoProcessor, ClapAudioModelWithProjection, type Processor, Tensor } from '@huggingface/transformers';
import path from 'node:path';
import { type ClapExtractorConfig, logMelParamsFromConfig } from '../../audio/log-mel.ts';
import { UserError } from '../../errors.ts';
import { type Matrix, normalizeRows } from '../matrix.ts';
import { prepareModelLoad } from './model-files.ts';
import { createOnnxLogMel, type OnnxLogMel } from './onnx-log-mel.ts';
import { type AudioEncoder, CLAP_WINDOW_SAMPLES, type EncoderOptions } from './types.ts';

/** Where the time of one `embedWindows` call went (the audio bench and profiling read it). */
export interface ClapAudioTimings {
  windows: number;
  /** Log-mel features (ONNX graph, or transformers.js's extractor in JS with `logMel: 'js'`). */
  melMs: number;
  /** ONNX Runtime inference. */
  onnxMs: number;
}

export interface ClapAudioEncoder extends AudioEncoder {
  /** Cumulative timings since load (warm-up excluded). */
  timings(): ClapAudioTimings;
}

/**
 * How log-mel features are computed: `onnx` (default) by a generated ONNX graph with the same
 * arithmetic as transformers.js's `ClapFeatureExtractor` (src/models/generate/log-mel-graph.ts),
 * ~2–3× faster and off the JavaScript thread's FFT; `js` by the extractor itself (kept to compare).
 */
export type LogMelMode = 'onnx' | 'js';

export interface ClapAudioEncoderOptions extends EncoderOptions {
  maxBatch?: number;
  logMel?: LogMelMode;
  /** Where the generated log-mel graph is cached (default `<modelsDir>/.cache/log-mel`). */
  logMelCacheDir?: string;
}

/** Windows per ONNX run: a track has at most a handful; the cap only bounds memory for odd callers. */
const DEFAULT_MAX_BATCH = 8;

/**
 * CLAP's audio tower: log-mel features (a generated ONNX graph equal to the model's own
 * `ClapFeatureExtractor`, or the extractor itself with `logMel: 'js'`), then
 * `audio_embeds` of `ClapAudioModelWithProjection`, L2-normalized (CLAP does not normalize them).
 *
 * Windows must be exactly 480,000 samples (10 s at 48 kHz): the extractor crops longer input at
 * random and pads shorter input itself, and either would make embeddings depend on chance or on
 * code we do not control. `cutWindows` (src/audio/windows.ts) produces them.
 *
 * The windows of one call run as one batch. The q8 models quantize activations over the whole
 * batch, so a row depends on the other rows of its call: callers that need reproducible vectors
 * send the same windows together every time (the index build sends one track per call).
 */
export async function createClapAudioEncoder(opts: ClapAudioEncoderOptions): Promise<ClapAudioEncoder> {
  const load = await prepareModelLoad(opts, ['audio_model']);
  const processor: Processor = await AutoProcessor.from_pretrained(opts.modelId);
  const model = await ClapAudioModelWithProjection.from_pretrained(opts.modelId, load);
  useUnfusedFeatures(processor, model, opts.modelId);
  const maxBatch = fixedBatchOf(model) ?? opts.maxBatch ?? DEFAULT_MAX_BATCH;
  const totals: ClapAudioTimings = { windows: 0, melMs: 0, onnxMs: 0 };
  const logMel = (opts.logMel ?? 'onnx') === 'onnx' ? await loadLogMelGraph(processor, opts) : null;

  async function features(window: Float32Array): Promise<Tensor> {
    const { input_features } = (await processor(window)) as { input_features: Tensor };
    return input_features;
  }

  async function batchFeatures(windows: readonly Float32Array[]): Promise<Tensor> {
    if (!logMel) return stack(await Promise.all(windows.map(features)));
    const { data, dims } = await logMel.features(windows);
    return new Tensor('float32', data, dims);
  }

  async function embedBatch(windows: readonly Float32Array[]): Promise<Matrix> {
    const t0 = performance.now();
    const batch = await batchFeatures(windows);
    const t1 = performance.now();
    const { audio_embeds } = (await model({ input_features: batch })) as { audio_embeds: Tensor };
    const t2 = performance.now();
    totals.windows += windows.length;
    totals.melMs += t1 - t0;
    totals.onnxMs += t2 - t1;
    const dim = audio_embeds.dims.at(-1)!;
    if (audio_embeds.dims[0] !== windows.length) {
      throw new Error(`CLAP audio model returned ${audio_embeds.dims[0]} rows for ${windows.length} windows`);
    }
    return normalizeRows({ rows: windows.length, dim, data: new Float32Array(audio_embeds.data as Float32Array) });
  }

  // Warm-up: the first run allocates the session's buffers and tells the embedding size.
  const dim = (await embedBatch([warmUpWindow()])).dim;
  Object.assign(totals, { windows: 0, melMs: 0, onnxMs: 0 });

  return {
    modelId: opts.modelId,
    dim,
    async embedWindows(windows: readonly Float32Array[]): Promise<Matrix> {
      windows.forEach((w, i) => {
        if (w.length !== CLAP_WINDOW_SAMPLES) {
          throw new RangeError(`CLAP window ${i} has ${w.length} samples; it must have exactly ${CLAP_WINDOW_SAMPLES} (10 s at 48 kHz): cut windows with cutWindows()`);
        }
      });
      const out: Matrix = { rows: windows.length, dim, data: new Float32Array(windows.length * dim) };
      for (let i = 0; i < windows.length; i += maxBatch) {
        out.data.set((await embedBatch(windows.slice(i, i + maxBatch))).data, i * dim);
      }
      return out;
    },
    timings: () => ({ ...totals }),
    async dispose() {
      await Promise.all([model.dispose(), logMel?.dispose()]);
    },
  };
}

/**
 * The log-mel graph for this model's own extractor settings (`preprocessor_config.json`), so a
 * real CLAP and the generated ones each get theirs. Windows reach it already cut and padded
 * (`cutWindows`), exactly what the extractor would be given, so its padding never applies.
 */
async function loadLogMelGraph(processor: Processor, opts: ClapAudioEncoderOptions): Promise<OnnxLogMel> {
  const config = (processor as unknown as { feature_extractor?: { config?: ClapExtractorConfig } }).feature_extractor?.config;
  if (!config) throw new Error(`${opts.modelId} has no feature extractor config: cannot build its log-mel graph`);
  const params = logMelParamsFromConfig(config);
  if (params.windowSamples !== CLAP_WINDOW_SAMPLES) {
    throw new UserError(`${opts.modelId} expects ${params.windowSamples}-sample windows; the audio index cuts ${CLAP_WINDOW_SAMPLES}.`, 'Use a CLAP model with 10-s windows at 48 kHz.');
  }
  return createOnnxLogMel({
    params,
    cacheDir: opts.logMelCacheDir ?? path.resolve(opts.modelsDir, '.cache', 'log-mel'),
    threads: opts.threads,
    ...(opts.spinWait !== undefined ? { spinWait: opts.spinWait } : {}),
  });
}

/**
 * transformers.js implements only the unfused CLAP features (its `fusion` path throws "not
 * implemented"). Some exported extractor configs name `fusion` although the model is unfused;
 * then `rand_trunc` is the extractor's unfused path, and with exact 10-s windows it never crops,
 * so nothing random is left. A model that really fuses cannot run here: say so at load.
 */
function useUnfusedFeatures(processor: Processor, model: unknown, modelId: string): void {
  const extractor = (processor as unknown as { feature_extractor?: { config?: { truncation?: string } } }).feature_extractor;
  if (extractor?.config?.truncation !== 'fusion') return;
  const fused = (model as { config?: { audio_config?: { enable_fusion?: boolean } } }).config?.audio_config?.enable_fusion;
  if (fused) {
    throw new UserError(`${modelId} is a fused CLAP model; transformers.js cannot compute its fusion features.`, 'Use an unfused CLAP model (e.g. Xenova/larger_clap_music_and_speech).');
  }
  extractor.config.truncation = 'rand_trunc';
}

/** Concatenates `[1, 1, frames, mels]` feature tensors along the batch axis. */
function stack(parts: readonly Tensor[]): Tensor {
  const first = parts[0]!;
  if (parts.length === 1) return first;
  const size = first.data.length;
  const data = new Float32Array(size * parts.length);
  parts.forEach((p, i) => data.set(p.data as Float32Array, i * size));
  return new Tensor('float32', data, [parts.length, ...first.dims.slice(1)]);
}

/**
 * 1 when the exported graph fixes its batch axis at one (some exports do), so windows then go
 * one per run; undefined when the axis is symbolic and a batch runs in one go.
 */
function fixedBatchOf(model: unknown): number | undefined {
  const sessions = (model as { sessions?: Record<string, { inputMetadata?: readonly { shape?: readonly unknown[] }[] }> }).sessions;
  const first = sessions?.model?.inputMetadata?.[0]?.shape?.[0];
  return typeof first === 'number' && first > 0 ? first : undefined;
}

/** A quiet 440 Hz tone: any valid window does; a fixed one keeps warm-up identical every load. */
function warmUpWindow(): Float32Array {
  const w = new Float32Array(CLAP_WINDOW_SAMPLES);
  for (let i = 0; i < w.length; i++) w[i] = 0.1 * Math.sin((2 * Math.PI * 440 * i) / 48_000);
  return w;
}
