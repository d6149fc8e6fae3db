import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
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
import { benchTrackSearch, type TrackSearchEntry } from './track-search.ts';
import { benchSimilarAudioScaling, benchSimilarOnIndex, type SimilarIndexFigures, type SimilarScalingEntry } from './similar-bench.ts';
import { loadIndexFolder } from '../retrieval/artifacts/load-index.ts';
import { similarSettings } from '../retrieval/recommender-service.ts';
import { defaultFactoryFor } from '../retrieval/vector-index.ts';

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
  /** Track search (autocomplete) sizes: the real catalog up to its size, synthetic named tracks beyond; empty: not run. */
  trackSearchSizes: number[];
  /** "More like this" audio-side sizes (synthetic 512-d catalogs); empty: only the bench index is measured. */
  similarSizes: number[];
  /** Extra HNSW efSearch values measured on each HNSW index of the scaling run. */
  efSearchSweep: number[];
  /** Extra IVF nprobe values measured on each IVF index of the scaling run. */
  nprobeSweep: number[];
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
  /** The machine's 1-minute load average when the run started and ended: other work on it slows every figure. */
  loadAverage: { start: number; end: number };
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
  trackSearch: TrackSearchEntry[];
  similar: SimilarReport;
  targets: TargetCheck[];
}

/** "More like this": `similar()` on the bench index, and its audio side by catalog size. */
export interface SimilarReport {
  index: SimilarIndexFigures;
  scaling: SimilarScalingEntry[];
}

/** Audio index types measured per size: exact Flat, and past Flat's range the default `audio.faiss` gets. */
export function similarFactories(size: number): string[] {
  return [...new Set(['Flat', defaultFactoryFor(size)])];
}

/** The similar section: `similar()` as the bot calls it (5 per page, 5 pages) on an index, then the scaling run. */
export async function benchSimilar(config: Config, indexDir: string, o: Pick<BenchOptions, 'similarSizes' | 'onProgress'>): Promise<SimilarReport> {
  const index = await loadIndexFolder(indexDir);
  o.onProgress(`similar: ${index.tracks.length} tracks (${index.mode}), 200 seeds, then the audio side at ${o.similarSizes.join(', ') || 'no other size'}`);
  const figures = await benchSimilarOnIndex(index, similarSettings(config.retrieval), { queries: 200, k: 25, pageSize: 5 });
  const scaling = benchSimilarAudioScaling({ sizes: o.similarSizes, factories: similarFactories, queries: 100, onProgress: o.onProgress });
  return { index: figures, scaling };
}

/** What `npm run bench -- --track-search-only` reports: that section alone. */
export interface TrackSearchReport {
  startedAt: string;
  durationSec: number;
  machine: Machine;
  trackSearch: TrackSearchEntry[];
}

/** The MTG-Jamendo tracks (metadata + captions) the lexical and track-search sections start from. */
async function jamendoTracks(jamendoDir: string) {
  const { tracks } = await importJamendoFiles({ metadata: [path.join(jamendoDir, 'metadata_base.csv')], captions: path.join(jamendoDir, 'captions.csv') });
  return tracks;
}

/** The track-search section on its own: no index build, no models, no serving run. */
export async function runTrackSearchBench(o: Pick<BenchOptions, 'jamendoDir' | 'trackSearchSizes' | 'onProgress'>): Promise<TrackSearchReport> {
  const started = new Date();
  const t0 = performance.now();
  const base = await jamendoTracks(o.jamendoDir);
  const trackSearch = await benchTrackSearch({ sizes: o.trackSearchSizes, base, onProgress: o.onProgress });
  return { startedAt: started.toISOString(), durationSec: Math.round((performance.now() - t0) / 1000), machine: describeMachine(), trackSearch };
}

/** What `npm run bench -- --faiss-only` reports: that section alone. */
export interface FaissOnlyReport {
  startedAt: string;
  durationSec: number;
  machine: Machine;
  faiss: FaissScalingEntry[];
}

/** The FAISS scaling section on its own: synthetic vectors only, no index build, models or serving run. */
export async function runFaissBenchAlone(o: Pick<BenchOptions, 'faissSizes' | 'efSearchSweep' | 'nprobeSweep' | 'onProgress'>): Promise<FaissOnlyReport> {
  const started = new Date();
  const t0 = performance.now();
  const faiss = await benchFaissScaling({ sizes: o.faissSizes, efSearchSweep: o.efSearchSweep, nprobeSweep: o.nprobeSweep, onProgress: o.onProgress });
  return { startedAt: started.toISOString(), durationSec: Math.round((performance.now() - t0) / 1000), machine: describeMachine(), faiss };
}

/** What `npm run bench -- --similar-only` reports: that section alone. */
export interface SimilarOnlyReport {
  startedAt: string;
  durationSec: number;
  machine: Machine;
  similar: SimilarReport;
}

/** The index a bench run measures: the one given, else the MTG-Jamendo bench index built in `work` (with its build figures). */
async function benchIndexFor(config: Config, o: Pick<BenchOptions, 'models' | 'indexDir' | 'jamendoDir' | 'onProgress'>, work: string) {
  // An existing index brings its own models (its manifest names them): only their folder is chosen.
  const chosen = o.indexDir ? null : await resolveBenchModels(o.models, config, o.onProgress);
  const modelsDir = chosen?.modelsDir ?? (isSetName(o.models) ? config.models.dir : path.resolve(o.models));
  const runtime: ModelRuntime = { ...modelRuntime(config), modelsDir, allowRemote: false };
  // The audio bench also embeds in this thread (its mel/ONNX split): set transformers.js up once.
  configureTransformers(runtime);
  let build: BuildFigures = { tracks: null, captionsPerSec: null, textSeconds: null, totalSeconds: null, audio: null };
  if (o.indexDir) return { chosen, runtime, build, indexDir: o.indexDir };
  o.onProgress(`building the bench index: MTG-Jamendo catalog from ${o.jamendoDir}, ${chosen!.sbertId} (${runtime.dtype})`);
  const built = await buildBenchIndex({ jamendoDir: o.jamendoDir, workDir: work, sbertModel: chosen!.sbertId, clapModel: chosen!.clapId, runtime });
  build = { ...build, tracks: built.tracks, captionsPerSec: built.text.captionsPerSec, textSeconds: built.text.seconds, totalSeconds: built.totalSeconds };
  return { chosen, runtime, build, indexDir: built.indexDir };
}

/** The similar section on its own: the bench index (built, or --index) and the audio-side sizes; no serving run. */
export async function runSimilarBenchAlone(config: Config, o: Pick<BenchOptions, 'models' | 'indexDir' | 'jamendoDir' | 'similarSizes' | 'onProgress'>): Promise<SimilarOnlyReport> {
  const started = new Date();
  const t0 = performance.now();
  const work = await mkdtemp(path.join(tmpdir(), 'cratedigger-bench-'));
  try {
    const { indexDir } = await benchIndexFor(config, o, work);
    const similar = await benchSimilar(config, indexDir, o);
    return { startedAt: started.toISOString(), durationSec: Math.round((performance.now() - t0) / 1000), machine: describeMachine(), similar };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

const oneMinuteLoad = () => Math.round(loadavg()[0]! * 100) / 100;

export async function runBench(config: Config, o: BenchOptions): Promise<BenchReport> {
  const started = new Date();
  const startLoad = oneMinuteLoad();
  const t0 = performance.now();
  const work = await mkdtemp(path.join(tmpdir(), 'cratedigger-bench-'));
  try {
    const { chosen, runtime, build, indexDir } = await benchIndexFor(config, o, work);
    const modelsDir = runtime.modelsDir;
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
    const faiss = o.faissSizes.length > 0 ? await benchFaissScaling({ sizes: o.faissSizes, efSearchSweep: o.efSearchSweep, nprobeSweep: o.nprobeSweep, onProgress: o.onProgress }) : [];
    let lexical: BenchReport['lexical'] = null;
    if (o.lexicalSizes.length > 0) {
      const tracks = await jamendoTracks(o.jamendoDir);
      o.onProgress(`lexical stage: libraries at ${tracks.length} tracks, then ${o.lexicalSizes.join(', ')} documents`);
      lexical = {
        libraries: await compareLexicalLibraries(tracks),
        scaling: await benchLexicalScaling({ sizes: o.lexicalSizes, base: tracks, onProgress: o.onProgress }),
      };
    }
    const similar = await benchSimilar(config, indexDir, o);
    const trackSearch =
      o.trackSearchSizes.length > 0 ? await benchTrackSearch({ sizes: o.trackSearchSizes, base: await jamendoTracks(o.jamendoDir), onProgress: o.onProgress }) : [];
    return {
      startedAt: started.toISOString(),
      durationSec: Math.round((performance.now() - t0) / 1000),
      machine: describeMachine(),
      loadAverage: { start: startLoad, end: oneMinuteLoad() },
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
      trackSearch,
      similar,
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
