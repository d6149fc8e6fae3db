import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { writeDemoAudio } from '../audio/demo-audio.ts';
import type { FfmpegTools } from '../audio/ffmpeg-process.ts';
import { CLAP_WINDOW_POLICY } from '../audio/windows.ts';
import { generateDemoCatalog } from '../catalog/demo-catalog.ts';
import { openCheckpoint } from '../indexing/audio/checkpoint.ts';
import { embedCatalogAudio } from '../indexing/audio/embed-catalog-audio.ts';
import { prepareTrack } from '../indexing/audio/prepare-track.ts';
import { GENERATED_CLAP_ID, GENERATED_SBERT_ID } from '../models/generated-ids.ts';
import { createClapAudioEncoder } from '../retrieval/encoders/clap-audio-encoder.ts';
import { startEncoderWorker } from '../retrieval/encoders/worker/worker-encoders.ts';
import type { ModelRuntime } from '../retrieval/recommender-service.ts';
import { type Summary, summarize } from './stats.ts';

export interface AudioBenchOptions {
  /** Demo tracks to synthesize and embed (default 24; 12–20 s each, so 2 windows). */
  tracks?: number;
  /** How the models load (the bench reads no configuration itself). */
  runtime: ModelRuntime;
  /** The ffmpeg that encodes and decodes the tracks (default: the ones on PATH). */
  tools?: FfmpegTools;
  /** Default: the generated tiny CLAP. */
  clapModel?: string;
  /** The worker also loads a sentence encoder; default: the generated tiny SBERT. */
  sbertModel?: string;
  /** Also time mel features vs ONNX in this thread (default true). */
  split?: boolean;
}

export interface AudioBench {
  model: { clap: string; dtype: string; threads: number };
  tracks: number;
  windows: number;
  /** Resolve + ffmpeg decode to 48 kHz + cut windows, one track at a time, per track. */
  decodeMs: Summary;
  /** Embedding in the encoder worker, one request per track (as the index build sends them). */
  embed: { msPerClip: Summary; windowsPerSec: number; clipsPerSec: number };
  /** The build's loop: decoding overlapped with inference (prefetch 2), tracks per second. */
  pipeline: { wallMs: number; tracksPerSec: number; decodeWaitMs: number };
  /**
   * Where an embedding's time goes, measured in this thread: log-mel features (the ONNX graph the
   * build uses) vs the audio tower; `melJsMsPerWindow`: the same features by transformers.js's
   * extractor in JavaScript (the path before the graph), on the same windows.
   */
  split?: { melMsPerWindow: number; onnxMsPerWindow: number; melJsMsPerWindow: number };
}

const r2 = (x: number) => Math.round(x * 100) / 100;

/**
 * Audio indexing cost on this machine: synthesizes a few demo tracks (mixed formats) in a temp
 * folder, then times decoding, embedding in a worker, and the overlapped build loop.
 */
export async function benchAudio(o: AudioBenchOptions): Promise<AudioBench> {
  const n = o.tracks ?? 24;
  const runtime = o.runtime;
  const tools = o.tools ?? {};
  const clapModel = o.clapModel ?? GENERATED_CLAP_ID;
  const work = await mkdtemp(path.join(tmpdir(), 'cratedigger-audio-bench-'));
  try {
    const tracks = generateDemoCatalog({ tracks: n, seed: 11 });
    const root = path.join(work, 'audio');
    await writeDemoAudio(tracks, root, tools);

    const prepared = [];
    for (const [i, t] of tracks.entries()) prepared.push(await prepareTrack(t, i, { audioRoot: root, ...tools }));
    const clips = prepared.flatMap((p) => (p.kind === 'windows' ? [p.windows] : []));
    const bad = prepared.find((p) => p.kind !== 'windows');
    if (bad) throw new Error(`bench track could not be decoded: ${JSON.stringify(bad.kind === 'failed' ? bad.failure : bad.index)}`);
    const windows = clips.reduce((s, w) => s + w.length, 0);

    const encoders = await startEncoderWorker({
      text: { modelId: o.sbertModel ?? GENERATED_SBERT_ID, ...runtime },
      clap: { modelId: clapModel, ...runtime },
      clapAudio: true,
    });
    let embed: AudioBench['embed'];
    let pipeline: AudioBench['pipeline'];
    try {
      const audio = encoders.clapAudio!;
      await audio.embedWindows(clips[0]!); // first request: the worker's JIT and buffers
      const perClip: number[] = [];
      const t0 = performance.now();
      for (const w of clips) {
        const c0 = performance.now();
        await audio.embedWindows(w);
        perClip.push(performance.now() - c0);
      }
      const secs = (performance.now() - t0) / 1000;
      embed = { msPerClip: summarize(perClip), windowsPerSec: r2(windows / secs), clipsPerSec: r2(clips.length / secs) };

      const checkpoint = await openCheckpoint({
        dir: path.join(work, 'checkpoint'),
        key: { catalogSha256: 'bench', tracks: n, clapModel, modelFiles: 'bench', dtype: runtime.dtype, dim: audio.dim, policy: { ...CLAP_WINDOW_POLICY }, audioRoot: root },
      });
      const stats = await embedCatalogAudio(tracks, audio, { audioRoot: root, checkpoint, silent: true, ...tools });
      pipeline = { wallMs: r2(stats.wallMs), tracksPerSec: r2(n / (stats.wallMs / 1000)), decodeWaitMs: r2(stats.decodeWaitMs) };
    } finally {
      await encoders.dispose();
    }

    let split: AudioBench['split'];
    if (o.split ?? true) {
      const timed = async (logMel: 'onnx' | 'js') => {
        const local = await createClapAudioEncoder({ modelId: clapModel, ...runtime, logMel });
        try {
          for (const w of clips) await local.embedWindows(w);
          return local.timings();
        } finally {
          await local.dispose();
        }
      };
      const [graph, js] = [await timed('onnx'), await timed('js')];
      split = { melMsPerWindow: r2(graph.melMs / graph.windows), onnxMsPerWindow: r2(graph.onnxMs / graph.windows), melJsMsPerWindow: r2(js.melMs / js.windows) };
    }
    return {
      model: { clap: clapModel, dtype: runtime.dtype, threads: runtime.threads },
      tracks: n,
      windows,
      decodeMs: summarize(prepared.map((p) => (p.kind === 'fatal' ? 0 : p.decodeMs))),
      embed,
      pipeline,
      ...(split ? { split } : {}),
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
