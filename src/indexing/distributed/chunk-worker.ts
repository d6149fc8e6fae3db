import { hostname } from 'node:os';
import { type Job, UnrecoverableError, Worker } from 'bullmq';
import type { Logger } from '../../logger.ts';
import type { EncoderSet, EncoderSpec } from '../../retrieval/encoders/encoder-set.ts';
import type { ModelRuntime } from '../../retrieval/recommender-service.ts';
import { startEncoderWorker } from '../../retrieval/encoders/worker/worker-encoders.ts';
import { checkAudioRoot } from '../audio/build-audio-index.ts';
import { encodeChunkResult } from './chunk-result.ts';
import { modelMismatch } from './check-models.ts';
import { embedChunk } from './embed-chunk.ts';
import { AUDIO_QUEUE, type ChunkJob, type ChunkJobResult, chunkJobSchema, DEFAULT_LOCK_SECONDS, MAX_STALLED, RESULT_TTL_SECONDS } from './protocol.ts';
import type { RedisLink } from './redis-link.ts';

export interface ChunkWorkerOptions {
  redis: RedisLink;
  /** How this machine loads models; the dtype and model ids come from each job. */
  runtime: Omit<ModelRuntime, 'dtype'>;
  /** This machine's folder for the catalog's audio paths; default: the assembler's, from the job. */
  audioRoot?: string;
  ffmpegPath?: string;
  lockSeconds?: number;
  logger: Logger;
  /**
   * Testing aid (`--fail-tracks`): a chunk holding one of these track ids throws instead of being
   * embedded, as a chunk that breaks its worker would, to exercise retries and reporting.
   */
  failTracks?: ReadonlySet<string>;
  startEncoders?: (spec: EncoderSpec) => Promise<EncoderSet>;
}

export interface RunningChunkWorker {
  /** Resolves when the worker stops: on close(), or after refusing a job (models differ). */
  readonly stopped: Promise<{ refused: string | null }>;
  close(): Promise<void>;
}

/**
 * Takes chunk jobs off the queue one at a time, embeds their tracks and stores the result in
 * Redis under the job's result key. A job for other models is refused (it goes back for another
 * worker, using one of its attempts) and this worker stops taking jobs.
 */
export async function startChunkWorker(opts: ChunkWorkerOptions): Promise<RunningChunkWorker> {
  const log = opts.logger;
  const me = `${hostname()}:${process.pid}`;
  const lockMs = (opts.lockSeconds ?? DEFAULT_LOCK_SECONDS) * 1000;
  let encoders: { key: string; set: EncoderSet } | null = null;
  let refused: string | null = null;
  let stop: (v: { refused: string | null }) => void = () => {};
  const stopped = new Promise<{ refused: string | null }>((resolve) => (stop = resolve));

  const encoderFor = async (job: ChunkJob): Promise<EncoderSet> => {
    const runtime = { ...opts.runtime, dtype: job.models.dtype };
    const spec: EncoderSpec = { text: { modelId: job.models.sbertModel, ...runtime }, clap: { modelId: job.models.clapModel, ...runtime }, clapAudio: true };
    const key = JSON.stringify(spec);
    if (encoders?.key === key) return encoders.set;
    await encoders?.set.dispose();
    encoders = null;
    log.info({ clapModel: job.models.clapModel, dtype: job.models.dtype }, 'loading models');
    const set = await (opts.startEncoders ?? ((s: EncoderSpec) => startEncoderWorker(s, { logger: log })))(spec);
    encoders = { key, set };
    return set;
  };

  const processChunk = async (job: Job): Promise<ChunkJobResult> => {
    const parsed = chunkJobSchema.safeParse(job.data);
    // A payload this version cannot read will not read better on a retry.
    if (!parsed.success) throw new UnrecoverableError(`job ${job.id} is not a chunk job this worker understands: ${parsed.error.message}`);
    const data = parsed.data;
    const where = { jobId: job.id, buildId: data.buildId, chunk: data.chunk, chunks: data.chunks, tracks: data.tracks.length, attempt: job.attemptsMade + 1 };
    log.info(where, 'chunk taken');
    // This machine cannot make the vectors the build wants: give the chunk back and stop, so a
    // misconfigured worker spoils one attempt instead of the whole queue.
    const refuse = async (why: string, fix: string): Promise<never> => {
      refused = `refused chunk ${data.chunk} of build ${data.buildId}: this worker (${me}) ${why}. ${fix}`;
      // Paused before failing, so the failure does not fetch the next chunk for this worker.
      await worker.pause(true);
      log.error(where, refused);
      setImmediate(() => stop({ refused }));
      throw new Error(refused);
    };
    const mismatch = await modelMismatch(data.models, opts.runtime.modelsDir);
    if (mismatch) await refuse(mismatch, "Give every worker the assembler's MODELS_DIR contents.");
    // Without its audio every track would be recorded as missing: an index quietly without audio.
    const root = opts.audioRoot ?? data.audioRoot;
    const audioRoot = await checkAudioRoot(root).catch(() => refuse(`has no audio folder at ${root}`, 'Mount the audio there, or pass --audio-root <where it is on this machine>.'));
    const bad = opts.failTracks && data.tracks.find((t) => opts.failTracks!.has(t.id));
    if (bad) throw new Error(`--fail-tracks: chunk ${data.chunk} holds track ${bad.id}`);

    const set = await encoderFor(data);
    if (!set.clapAudio) throw new Error('the encoder worker has no CLAP audio tower loaded');
    const started = performance.now();
    const result = await embedChunk(data, set.clapAudio, { audioRoot, ...(opts.ffmpegPath ? { ffmpegPath: opts.ffmpegPath } : {}) });
    const bytes = encodeChunkResult(result);
    // Written before the job completes: a worker killed in between leaves a result the retry overwrites.
    await opts.redis.setBuffer(data.resultKey, bytes, RESULT_TTL_SECONDS);
    const embedded = result.mask.reduce((s, v) => s + v, 0);
    log.info({ ...where, embedded, failed: result.failures.length, bytes: bytes.length, ms: Math.round(performance.now() - started) }, 'chunk done');
    return { resultKey: data.resultKey, bytes: bytes.length, embedded, failed: result.failures.length, worker: me };
  };

  const worker: Worker = new Worker(AUDIO_QUEUE, processChunk, {
    connection: await opts.redis.client(),
    concurrency: 1,
    lockDuration: lockMs,
    stalledInterval: lockMs,
    maxStalledCount: MAX_STALLED,
    autorun: false,
  });
  worker.on('failed', (job, err) => log.warn({ jobId: job?.id, attempt: job?.attemptsMade, err: err.message }, 'chunk failed'));
  worker.on('stalled', (jobId) => log.warn({ jobId }, 'chunk stalled (its worker stopped answering); back in the queue for another worker'));
  worker.on('error', (err) => log.error({ err }, 'queue error'));
  void worker.run().catch((err: unknown) => log.error({ err }, 'worker loop stopped'));
  log.info({ queue: AUDIO_QUEUE, redis: opts.redis.url.replace(/\/\/[^@]*@/, '//***@'), lockSeconds: lockMs / 1000, worker: me }, 'index worker waiting for chunks');

  return {
    stopped,
    async close() {
      await worker.close();
      await encoders?.set.dispose();
      encoders = null;
      stop({ refused });
    },
  };
}
