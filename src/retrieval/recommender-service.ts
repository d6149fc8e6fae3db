import path from 'node:path';
import type { Track } from '../catalog/track.ts';
import { performance } from 'node:perf_hooks';
import { assertModelsMatch, type LoadedIndex, loadIndexFolder, readManifest } from './artifacts/load-index.ts';
import { IndexError } from './artifacts/index-error.ts';
import { INDEX_FILES, type IndexManifest, indexMode } from './artifacts/manifest.ts';
import { modelFingerprint } from './encoders/model-files.ts';
import type { EncoderSet, EncoderSpec } from './encoders/encoder-set.ts';
import type { EncoderOptions } from './encoders/types.ts';
import { startEncoderWorker } from './encoders/worker/worker-encoders.ts';
import { TurnQueue } from '../util/turn-queue.ts';
import {
  type Engine,
  type IndexInfo,
  indexInfo,
  type RecommendRequest,
  type RecommendResult,
  type RecommenderSettings,
  firstStageScoring,
  recommendWith,
} from './recommender.ts';
import { describeFirstStage } from './scoring.ts';
import { DEFAULT_SIMILAR_SETTINGS, type SimilarRequest, type SimilarResult, type SimilarSettings, similarWith } from './similar.ts';

/** The similarity settings: the configured ones, else the defaults; the pool as the recommender's. */
export function similarSettings(settings: Pick<RecommenderSettings, 'similar' | 'candidates'>): SimilarSettings {
  return {
    audioWeight: settings.similar?.audioWeight ?? DEFAULT_SIMILAR_SETTINGS.audioWeight,
    perArtist: settings.similar?.perArtist ?? DEFAULT_SIMILAR_SETTINGS.perArtist,
    candidates: settings.candidates,
  };
}

/** How models load, whatever index needs them. */
export type ModelRuntime = Pick<EncoderOptions, 'modelsDir' | 'dtype' | 'threads' | 'spinWait' | 'allowRemote'>;

export interface LoadTimings {
  /** Reading and validating the index folder. */
  indexMs: number;
  /** Starting the worker and loading (and warming) the models; 0 when reused. */
  modelsMs: number;
  /** Wall time of the whole load (the two run in parallel). */
  totalMs: number;
}

export interface ServingStatus extends IndexInfo {
  mode: 'two-stage' | 'text-only';
  manifest: IndexManifest;
  models: { text: string; clap: string | null };
  /** How long the serving engine took to load. */
  loaded: LoadTimings;
  /** The first stage in words; says so when the index has no lexical stage (built before it). */
  firstStage: string;
}

export interface ReloadReport {
  status: ServingStatus;
  loadMs: number;
  /** True when the new index needed other models and a new encoder worker was started. */
  modelsReloaded: boolean;
}

export interface RecommenderService {
  recommend(req: RecommendRequest): Promise<RecommendResult>;
  /** Tracks close to one track of the serving index ("more like this"). */
  similar(req: SimilarRequest): Promise<SimilarResult>;
  /** Loads and validates an index folder, then swaps it in; on any error the old one keeps serving. */
  reload(dir?: string): Promise<ReloadReport>;
  status(): ServingStatus;
  /** The serving index and encoders, for benchmarks that time each stage on its own. */
  engine(): Engine;
  /** The serving index's tracks (for filter vocabularies and previews). */
  tracks(): readonly Track[];
  close(): Promise<void>;
}

export interface OpenOptions {
  indexDir: string;
  runtime: ModelRuntime;
  settings: RecommenderSettings;
  /** Replaceable for in-process use (benchmarks of raw encoder cost); the default is a worker thread. */
  startEncoders?: (spec: EncoderSpec) => Promise<EncoderSet>;
  /** The server's own rules for an index (the bot's audio folder rule); throwing refuses it before it serves. */
  acceptIndex?: (index: LoadedIndex) => Promise<void>;
}

/** The models an index needs: its SBERT model, and CLAP's text tower when it has audio embeddings. */
export function encoderSpecFor(manifest: IndexManifest, runtime: ModelRuntime): EncoderSpec {
  const opts = (modelId: string): EncoderOptions => ({ modelId, ...runtime });
  const clap = indexMode(manifest) === 'two-stage' && manifest.models.clap ? opts(manifest.models.clap.id) : null;
  return { text: opts(manifest.models.text.id), clap };
}

function sameModels(a: EncoderSpec, b: EncoderSpec): boolean {
  return a.text.modelId === b.text.modelId && (a.clap?.modelId ?? null) === (b.clap?.modelId ?? null);
}

/** The model folders must be the ones the index was embedded with (same config and tokenizer). */
async function checkFingerprints(manifest: IndexManifest, runtime: ModelRuntime, dir: string): Promise<void> {
  for (const ref of [manifest.models.text, indexMode(manifest) === 'two-stage' ? manifest.models.clap : null]) {
    if (!ref?.fingerprint) continue;
    const now = await modelFingerprint(runtime.modelsDir, ref.id);
    if (now !== null && now !== ref.fingerprint) {
      throw new IndexError(
        path.join(dir, INDEX_FILES.manifest),
        `was embedded with another copy of model ${ref.id} (its config or tokenizer in ${runtime.modelsDir} changed since)`,
        'Rebuild the index with the models now installed (`npm run index -- …`; `npm run setup` rebuilds the default).',
      );
    }
  }
}

function checkAgainstEncoders(index: LoadedIndex, encoders: EncoderSet): void {
  assertModelsMatch(
    index.manifest,
    {
      text: { id: encoders.text.modelId, dim: encoders.text.dim },
      ...(encoders.clapText ? { clap: { id: encoders.clapText.modelId, dim: encoders.clapText.dim } } : {}),
    },
    path.join(index.dir, INDEX_FILES.manifest),
  );
}

/** Counts queries per engine so an engine replaced by a reload is disposed only once they finish. */
class EngineSlot {
  private inFlight = 0;
  private waiters: (() => void)[] = [];
  constructor(
    readonly engine: Engine,
    readonly spec: EncoderSpec,
    readonly loaded: LoadTimings,
  ) {}

  async run<T>(fn: (engine: Engine) => Promise<T>): Promise<T> {
    this.inFlight++;
    try {
      return await fn(this.engine);
    } finally {
      this.inFlight--;
      if (this.inFlight === 0) this.waiters.splice(0).forEach((wake) => wake());
    }
  }

  idle(): Promise<void> {
    return this.inFlight === 0 ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve));
  }
}

/**
 * Opens an index with warm models (the worker has loaded them and embedded once) and serves
 * queries. Reloads swap index and, when needed, encoders atomically.
 */
export async function openRecommender(opts: OpenOptions): Promise<RecommenderService> {
  const startEncoders = opts.startEncoders ?? startEncoderWorker;

  async function loadEngine(dir: string, reuse: EngineSlot | null): Promise<{ slot: EngineSlot; modelsReloaded: boolean }> {
    const manifest = await readManifest(dir);
    await checkFingerprints(manifest, opts.runtime, dir);
    const spec = encoderSpecFor(manifest, opts.runtime);
    const reusable = reuse && sameModels(reuse.spec, spec) ? reuse.engine.encoders : null;
    // The index loads while the worker loads its models.
    const t0 = performance.now();
    const since = (t: number) => Math.round(performance.now() - t);
    const timed = async <T>(p: Promise<T>): Promise<[T, number]> => [await p, since(t0)];
    const [[index, indexMs], [encoders, modelsMs]] = await Promise.all([
      timed(loadIndexFolder(dir)),
      reusable ? Promise.resolve([reusable, 0] as [EncoderSet, number]) : timed(startEncoders(spec)),
    ]);
    try {
      checkAgainstEncoders(index, encoders);
      await opts.acceptIndex?.(index);
    } catch (err) {
      if (!reusable) await encoders.dispose();
      throw err;
    }
    const loaded = { indexMs, modelsMs, totalMs: since(t0) };
    return { slot: new EngineSlot({ index, encoders }, spec, loaded), modelsReloaded: !reusable };
  }

  let current = (await loadEngine(opts.indexDir, null)).slot;
  const turns = new TurnQueue();
  let reloading: Promise<unknown> = Promise.resolve();

  const status = (): ServingStatus => {
    const { index, encoders } = current.engine;
    return {
      ...indexInfo(index),
      mode: index.mode,
      manifest: index.manifest,
      models: { text: encoders.text.modelId, clap: encoders.clapText?.modelId ?? null },
      loaded: current.loaded,
      firstStage: index.lexical
        ? describeFirstStage(firstStageScoring(opts.settings, index))
        : 'dense only (this index has no lexical stage: add it with `npm run index -- --add-lexical <index>`)',
    };
  };

  return {
    recommend: (req) => current.run((engine) => recommendWith(engine, opts.settings, req, turns)),
    similar: (req) => current.run((engine) => similarWith(engine.index, similarSettings(opts.settings), req, turns)),
    status,
    engine: () => current.engine,
    tracks: () => current.engine.index.tracks,
    reload(dir) {
      const target = path.resolve(dir ?? current.engine.index.dir);
      // One reload at a time; each starts from whatever the previous one left serving.
      const job = reloading.then(async (): Promise<ReloadReport> => {
        const t0 = performance.now();
        const { slot, modelsReloaded } = await loadEngine(target, current);
        const old = current;
        current = slot;
        if (modelsReloaded) void old.idle().then(() => old.engine.encoders.dispose());
        return { status: status(), loadMs: Math.round(performance.now() - t0), modelsReloaded };
      });
      reloading = job.catch(() => undefined);
      return job;
    },
    async close() {
      await reloading;
      await current.idle();
      await current.engine.encoders.dispose();
    },
  };
}
