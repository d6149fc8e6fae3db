import path from 'node:path';
import { readCatalogWithHash } from '../../catalog/catalog-file.ts';
import { UserError } from '../../errors.ts';
import type { IndexManifest } from '../../retrieval/artifacts/manifest.ts';
import { audioPolicy, checkAudioRoot, modelFilesId } from '../audio/build-audio-index.ts';
import { countByReason, type AudioFailure } from '../audio/failures.ts';
import { buildIndex, type BuildIndexOptions } from '../build-index.ts';
import { startDistributedRun } from './distributed-run.ts';
import { planChunks } from './plan-chunks.ts';
import { buildIdOf, DEFAULT_ATTEMPTS, type ModelIdentity } from './protocol.ts';
import type { RedisLink } from './redis-link.ts';

export interface DistributedIndexOptions extends Omit<BuildIndexOptions, 'audio'> {
  audioRoot: string;
  clapModel: string;
  redis: RedisLink;
  /** Tracks per job (default 64: 128 KiB of results each with 512-dim rows). */
  chunkSize?: number;
  /** Tries per chunk before it is reported as failed (default 3). */
  attempts?: number;
  pollMs?: number;
  stop?: AbortSignal;
  log?: (line: string) => void;
}

export interface DistributedIndexReport {
  manifest: IndexManifest;
  buildId: string;
  tracks: number;
  embedded: number;
  failures: readonly AudioFailure[];
}

export const DEFAULT_CHUNK_SIZE = 64;

/**
 * The same index as buildAudioIndex, with the audio embedded by `index-worker` processes on any
 * number of machines: the catalog is cut into chunk jobs on a BullMQ queue first (workers start
 * while the text is embedded here), then the chunks' results are read back from Redis in catalog
 * order and the folder is written as a single-process build writes it. A chunk that fails on
 * every attempt fails the build, naming the chunk and its error, before anything is written.
 */
export async function buildDistributedIndex(opts: DistributedIndexOptions): Promise<DistributedIndexReport> {
  const log = opts.log ?? (() => {});
  const audioRoot = await checkAudioRoot(opts.audioRoot);
  const { sha256, tracks: catalogTracks } = await readCatalogWithHash(opts.catalogFile);
  const chunkSize = opts.chunkSize ?? DEFAULT_CHUNK_SIZE;
  const policy = audioPolicy(opts.clapModel, opts.runtime.dtype);
  const models: ModelIdentity = {
    sbertModel: opts.sbertModel,
    clapModel: opts.clapModel,
    dtype: opts.runtime.dtype,
    modelFiles: await modelFilesId(opts.runtime.modelsDir, opts.clapModel, opts.runtime.dtype),
    policy,
  };
  if (models.modelFiles.startsWith('absent')) {
    throw new UserError(`The CLAP model ${opts.clapModel} is not in ${opts.runtime.modelsDir}.`, 'The assembler reads the model files to tell workers which models to use: give it the same MODELS_DIR as the workers.');
  }
  // Same catalog bytes, audio, models and chunking → same id → a rerun finds its jobs and results.
  const buildId = buildIdOf({ catalogSha256: sha256, tracks: catalogTracks.length, audioRoot, models, chunkSize });
  const jobs = planChunks(catalogTracks, { buildId, chunkSize, audioRoot, models });
  const run = await startDistributedRun({
    redis: opts.redis,
    jobs,
    tracks: catalogTracks.length,
    attempts: opts.attempts ?? DEFAULT_ATTEMPTS,
    policy,
    silent: opts.silent,
    log,
    ...(opts.pollMs ? { pollMs: opts.pollMs } : {}),
    ...(opts.stop ? { stop: opts.stop } : {}),
  });
  try {
    let failures: AudioFailure[] = [];
    let mask: Uint8Array = new Uint8Array(0);
    const manifest = await buildIndex({
      ...opts,
      audio: {
        clapModel: opts.clapModel,
        audioRoot,
        audioTower: false,
        embed: async (tracks) => {
          if (tracks.length !== catalogTracks.length || tracks.some((t, i) => t.id !== catalogTracks[i]!.id)) {
            throw new UserError(`${opts.catalogFile} changed while the index was being built.`, 'Run the build again.');
          }
          const { failures: f, ...audio } = await run.collect();
          failures = f;
          mask = audio.mask;
          return audio;
        },
      },
    });
    // The index folder is complete: the build's jobs and results have served their purpose.
    await run.cleanup();
    const embedded = mask.reduce((s, v) => s + v, 0);
    log(`audio: ${embedded} of ${mask.length} tracks embedded by the workers (build ${buildId}).`);
    if (failures.length > 0) {
      log(`audio: ${failures.length} tracks have no audio embedding (${countByReason(failures)}); they rank after tracks with audio.`);
      log(`  full list: ${path.join(path.resolve(opts.outDir), 'audio_failures.csv')}`);
    }
    return { manifest, buildId, tracks: mask.length, embedded, failures };
  } finally {
    await run.close();
  }
}
