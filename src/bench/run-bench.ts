import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { type Config, modelRuntime } from '../config.ts';
import { configureTransformers } from '../retrieval/encoders/model-files.ts';
import type { ModelRuntime } from '../retrieval/recommender-service.ts';
import { benchAudio } from './audio-bench.ts';
import { buildBenchIndex } from './bench-index.ts';
import { type BenchModels, isSetName, resolveBenchModels } from './bench-models.ts';
import { benchFaissScaling, type FaissScalingEntry } from './faiss-scaling.ts';
import { importJamendoFiles } from '../catalog/jamendo/import-files.ts';
import { compareLexicalLibraries, type LexicalLibraryEntry } from './lexical-libraries.ts';
import { benchLexicalScaling, type LexicalScalingEntry } from './lexical-scaling.ts';
import { describeMachine, type Machine } from './machine.ts';
import { runServingBench } from './run-serving-bench.ts';
import type { ServingBench } from './serving-bench.ts';
import type { Summary } from './stats.ts';
import { checkTargets, type TargetCheck } from './targets.ts';

export interface BenchOptions {
  /** `tiny`, `full` or a real models folder. */
  models: string;
  /** Bench this index instead of building the MTG-Jamendo one (no text build figure then). */
  indexDir?: string;
  jamendoDir: string;
  queries: number;
  warmup: number;
  concurrency: number[];
  throughputQueries: number;
  /** Empty: no FAISS scaling run. */
  faissSizes: number[];
  /** Lexical stage sizes (synthetic documents from the Jamendo catalog); empty: no lexical run. */
  lexicalSizes: number[];
  /** Extra HNSW efSearch values measured on each HNSW index of the scaling run. */
  efSearchSweep: number[];
  audio: boolean;
  onProgress: (line: string) => void;
}

export interface BuildFigures {
  tracks: number | null;
  /** SBERT over every track's caption and tags, through the build's worker. */
  captionsPerSec: number | null;
  textSeconds: number | null;
  totalSeconds: number | null;
  /** CLAP audio tower over 10-s windows (synthesized tracks), in the encoder worker. */
  audio: { model: string; clipsPerSec: number; windowsPerSec: number; msPerClip: Summary; tracksPerSecBuildLoop: number; decodeMsPerTrack?: number; buildLoopDecodeWaitMs?: number; melMsPerWindow?: number; melJsMsPerWindow?: number; onnxMsPerWindow?: number } | null;
}

/** Everything `npm run bench` reports (the `--json` object). */
export interface BenchReport {
  startedAt: string;
  durationSec: number;
  machine: Machine;
  models: BenchModels & { dtype: string; threads: number };
  index: ServingBench['index'];
  cache: string;
  coldStartMs: number;
  coldStart: ServingBench['coldStart'];
  stages: ServingBench['stages'];
  endToEnd: Summary;
  cacheHit: Summary;
  throughput: ServingBench['throughput'];
  eventLoopLagP99Ms: number;
  peakRssMb: number;
  build: BuildFigures;
  faiss: FaissScalingEntry[];
  lexical: { libraries: LexicalLibraryEntry[]; scaling: LexicalScalingEntry[] } | null;
  targets: TargetCheck[];
}

export async function runBench(config: Config, o: BenchOptions): Promise<BenchReport> {
  const started = new Date();
  const t0 = performance.now();
  // An existing index brings its own models (its manifest names them): only their folder is chosen.
  const chosen = o.indexDir ? null : await resolveBenchModels(o.models, config, o.onProgress);
  const modelsDir = chosen?.modelsDir ?? (isSetName(o.models) ? config.models.dir : path.resolve(o.models));
  const runtime: ModelRuntime = { ...modelRuntime(config), modelsDir, allowRemote: false };
  // The audio bench also embeds in this thread (its mel/ONNX split): set transformers.js up once.
  configureTransformers(runtime);
  const work = await mkdtemp(path.join(tmpdir(), 'cratedigger-bench-'));
  try {
    let indexDir = o.indexDir;
    let build: BuildFigures = { tracks: null, captionsPerSec: null, textSeconds: null, totalSeconds: null, audio: null };
    if (!indexDir) {
      o.onProgress(`building the bench index: MTG-Jamendo catalog from ${o.jamendoDir}, ${chosen!.sbertId} (${runtime.dtype})`);
      const built = await buildBenchIndex({ jamendoDir: o.jamendoDir, workDir: work, sbertModel: chosen!.sbertId, clapModel: chosen!.clapId, runtime });
      indexDir = built.indexDir;
      build = { ...build, tracks: built.tracks, captionsPerSec: built.text.captionsPerSec, textSeconds: built.text.seconds, totalSeconds: built.totalSeconds };
    }
    o.onProgress(`serving: cold start, ${o.queries} prompts per stage, end to end and cached, concurrency ${o.concurrency.join('/')}`);
    const serving = await runServingBench({
      indexDir,
      runtime,
      queries: o.queries,
      warmup: o.warmup,
      concurrency: o.concurrency,
      throughputQueries: o.throughputQueries,
    });
    const models: BenchModels = chosen ?? {
      label: `index ${serving.index.name}`,
      modelsDir,
      sbertId: serving.models.text,
      clapId: serving.models.clap ?? '',
    };
    if (o.audio && models.clapId) {
      o.onProgress(`audio: ${models.clapId} audio tower on synthesized tracks`);
      const a = await benchAudio({ runtime, tools: config.audio.tools, clapModel: models.clapId, sbertModel: models.sbertId, split: true });
      build.audio = {
        model: a.model.clap,
        clipsPerSec: a.embed.clipsPerSec,
        windowsPerSec: a.embed.windowsPerSec,
        msPerClip: a.embed.msPerClip,
        tracksPerSecBuildLoop: a.pipeline.tracksPerSec,
        // Whether the loop waits for ffmpeg rather than the model (decoding runs ahead of embedding).
        decodeMsPerTrack: a.decodeMs.p50,
        buildLoopDecodeWaitMs: a.pipeline.decodeWaitMs,
        ...(a.split ? { melMsPerWindow: a.split.melMsPerWindow, melJsMsPerWindow: a.split.melJsMsPerWindow, onnxMsPerWindow: a.split.onnxMsPerWindow } : {}),
      };
    }
    const faiss = o.faissSizes.length > 0 ? await benchFaissScaling({ sizes: o.faissSizes, efSearchSweep: o.efSearchSweep, onProgress: o.onProgress }) : [];
    let lexical: BenchReport['lexical'] = null;
    if (o.lexicalSizes.length > 0) {
      const { tracks } = await importJamendoFiles({ metadata: [path.join(o.jamendoDir, 'metadata_base.csv')], captions: path.join(o.jamendoDir, 'captions.csv') });
      o.onProgress(`lexical stage: libraries at ${tracks.length} tracks, then ${o.lexicalSizes.join(', ')} documents`);
      lexical = {
        libraries: await compareLexicalLibraries(tracks),
        scaling: await benchLexicalScaling({ sizes: o.lexicalSizes, base: tracks, onProgress: o.onProgress }),
      };
    }
    return {
      startedAt: started.toISOString(),
      durationSec: Math.round((performance.now() - t0) / 1000),
      machine: describeMachine(),
      models: { ...models, dtype: runtime.dtype, threads: runtime.threads },
      index: serving.index,
      cache: serving.cache,
      coldStartMs: serving.coldStartMs,
      coldStart: serving.coldStart,
      stages: serving.stages,
      endToEnd: serving.endToEnd,
      cacheHit: serving.cacheHit,
      throughput: serving.throughput,
      eventLoopLagP99Ms: serving.eventLoopLagP99Ms,
      peakRssMb: serving.peakRssMb,
      build,
      faiss,
      lexical,
      targets: checkTargets({
        endToEnd: serving.endToEnd,
        cacheHit: serving.cacheHit,
        eventLoopLagP99Ms: serving.eventLoopLagP99Ms,
        indexLoadMs: serving.coldStart.indexMs,
        captionsPerSec: build.captionsPerSec,
      }),
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
