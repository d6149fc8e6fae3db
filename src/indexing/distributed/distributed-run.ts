import { Queue } from 'bullmq';
import { UserError } from '../../errors.ts';
import { createMatrix } from '../../retrieval/matrix.ts';
import type { AudioEmbeddings } from '../../retrieval/artifacts/write-index.ts';
import { BuildInterrupted } from '../audio/interrupted.ts';
import { type AudioFailure, failureReportCsv } from '../audio/failures.ts';
import { createProgress } from '../progress.ts';
import { decodeChunkResult } from './chunk-result.ts';
import { AUDIO_QUEUE, BACKOFF_DELAY_MS, CHUNK_JOB, type ChunkJob, chunkJobId, RESULT_TTL_SECONDS } from './protocol.ts';
import type { RedisLink } from './redis-link.ts';

export interface DistributedRunOptions {
  redis: RedisLink;
  jobs: readonly ChunkJob[];
  /** Tracks in the catalog (rows of the assembled matrix). */
  tracks: number;
  attempts: number;
  policy: Record<string, unknown>;
  /** How often job states are read (default 500 ms). */
  pollMs?: number;
  silent?: boolean;
  /** Aborted (Ctrl-C): stop waiting; the jobs stay queued and a rerun picks them up. */
  stop?: AbortSignal;
  log: (line: string) => void;
}

export interface DistributedRun {
  /** Waits for every chunk, then returns the embeddings in catalog order; throws when a chunk failed for good. */
  collect(): Promise<AudioEmbeddings & { failures: AudioFailure[] }>;
  /** Deletes the build's jobs and results (once the index folder is written). */
  cleanup(): Promise<void>;
  close(): Promise<void>;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

/**
 * Puts the build's chunk jobs on the queue. Ids come from the build id and chunk number, so
 * running the same build again finds its jobs: chunks done stay done, chunks that failed for good
 * get fresh attempts, and nothing is queued twice.
 */
export async function startDistributedRun(opts: DistributedRunOptions): Promise<DistributedRun> {
  const queue = new Queue(AUDIO_QUEUE, { connection: await opts.redis.client() });
  const jobOpts = {
    attempts: opts.attempts,
    backoff: { type: 'exponential', delay: BACKOFF_DELAY_MS },
    // Kept until the assembler removes them (their state is how a rerun knows what is done), or
    // as long as results live, so an abandoned build's jobs do not stay in Redis forever.
    removeOnComplete: { age: RESULT_TTL_SECONDS },
    removeOnFail: { age: RESULT_TTL_SECONDS },
  };
  const counts = { queued: 0, done: 0, retried: 0, waiting: 0 };
  const fresh: ChunkJob[] = [];
  for (const job of opts.jobs) {
    const id = chunkJobId(job.buildId, job.chunk);
    const existing = await queue.getJob(id);
    const state = existing ? await existing.getState() : 'unknown';
    if (!existing || state === 'unknown') fresh.push(job);
    else if (state === 'failed') {
      await existing.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
      counts.retried++;
    } else if (state === 'completed' && !(await opts.redis.getBuffer(job.resultKey))) {
      // Its result expired (RESULT_TTL_SECONDS): embed it again.
      await existing.remove();
      fresh.push(job);
    } else if (state === 'completed') counts.done++;
    else counts.waiting++;
  }
  if (fresh.length > 0) await queue.addBulk(fresh.map((job) => ({ name: CHUNK_JOB, data: job, opts: { ...jobOpts, jobId: chunkJobId(job.buildId, job.chunk) } })));
  counts.queued = fresh.length;
  const first = opts.jobs[0]!;
  opts.log(
    `audio: build ${first.buildId} on ${AUDIO_QUEUE} at ${opts.redis.url.replace(/\/\/[^@]*@/, '//***@')}: ${opts.jobs.length} chunks of up to ${first.tracks.length} tracks — ` +
      `${counts.queued} queued, ${counts.done} already done, ${counts.waiting} already waiting or running, ${counts.retried} failed before and retried. ` +
      'Start `npm run index-worker -- --queue <the same URL>` on each machine.',
  );

  return {
    async collect() {
      const results = new Map<number, ReturnType<typeof decodeChunkResult>>();
      const failedChunks: { job: ChunkJob; reason: string; attempts: number }[] = [];
      const pending = new Set(opts.jobs.map((j) => j.chunk));
      const byChunk = new Map(opts.jobs.map((j) => [j.chunk, j]));
      let failedTracks = 0;
      const detail = () => `chunks ${results.size}/${opts.jobs.length}${failedChunks.length ? `, ${failedChunks.length} failed` : ''}`;
      const progress = createProgress({ label: 'audio', total: opts.tracks, unit: 'tracks', silent: opts.silent, detail: detail() });
      try {
        while (pending.size > 0) {
          if (opts.stop?.aborted) {
            const done = [...results.values()].reduce((s, r) => s + r.mask.length, 0);
            throw new BuildInterrupted(done, opts.tracks, `Redis (build ${first.buildId}; workers keep embedding)`);
          }
          // Asked all at once: node-redis pipelines them, so a pass costs about one round trip.
          const chunks = [...pending];
          const states = await Promise.all(chunks.map((chunk) => queue.getJobState(chunkJobId(first.buildId, chunk))));
          for (const [i, chunk] of chunks.entries()) {
            const job = byChunk.get(chunk)!;
            const id = chunkJobId(job.buildId, chunk);
            const state = states[i]!;
            if (state === 'completed') {
              const buf = await opts.redis.getBuffer(job.resultKey);
              if (!buf) throw new Error(`chunk ${chunk} is completed but its result ${job.resultKey} is missing from Redis`);
              const result = decodeChunkResult(buf, { buildId: job.buildId, chunk, start: job.start, tracks: job.tracks.length });
              results.set(chunk, result);
              pending.delete(chunk);
              failedTracks += result.failures.length;
              progress.tick(job.tracks.length, failedTracks, detail());
            } else if (state === 'failed') {
              const j = await queue.getJob(id);
              failedChunks.push({ job, reason: j?.failedReason ?? 'unknown', attempts: j?.attemptsMade ?? 0 });
              pending.delete(chunk);
              failedTracks += job.tracks.length;
              progress.tick(job.tracks.length, failedTracks, detail());
            } else if (state === 'unknown') {
              // Removed behind our back (or Redis lost it): queue it again.
              await queue.add(CHUNK_JOB, job, { ...jobOpts, jobId: id });
            }
          }
          if (pending.size > 0) await sleep(opts.pollMs ?? 500, opts.stop);
        }
      } finally {
        progress.stop();
      }
      if (failedChunks.length > 0) {
        failedChunks.sort((a, b) => a.job.chunk - b.job.chunk);
        const lines = failedChunks.map(({ job, reason, attempts }) => {
          const ids = job.tracks.map((t) => t.id);
          return `  chunk ${job.chunk} (rows ${job.start}–${job.start + ids.length - 1}: ${ids.slice(0, 3).join(', ')}${ids.length > 3 ? ', …' : ''}) after ${attempts} attempts: ${reason}`;
        });
        throw new UserError(
          `${failedChunks.length} of ${opts.jobs.length} audio chunks failed on every attempt; no index was written.\n${lines.join('\n')}\n`,
          `Fix the cause (the workers' logs say more) and run the same command again: the ${results.size} chunks done stay in Redis for ${RESULT_TTL_SECONDS / 86400} days and only the failed ones are retried.`,
        );
      }
      return assemble([...results.values()], opts.tracks, opts.policy);
    },
    async cleanup() {
      for (const job of opts.jobs) await queue.remove(chunkJobId(job.buildId, job.chunk));
      await opts.redis.del(opts.jobs.map((j) => j.resultKey));
    },
    async close() {
      await queue.close();
    },
  };
}

/** The chunks' rows, mask bits and failures put in catalog order. */
function assemble(results: ReturnType<typeof decodeChunkResult>[], tracks: number, policy: Record<string, unknown>): AudioEmbeddings & { failures: AudioFailure[] } {
  const dim = results[0]!.dim;
  const embeddings = createMatrix(tracks, dim);
  const mask = new Uint8Array(tracks);
  const failures: AudioFailure[] = [];
  for (const r of results) {
    if (r.dim !== dim) throw new Error(`chunk ${r.chunk} has ${r.dim}-dimensional rows, chunk ${results[0]!.chunk} ${dim}: its worker ran another model`);
    embeddings.data.set(r.rows, r.start * dim);
    r.mask.forEach((m, j) => (mask[r.start + j] = m ? 1 : 0));
    failures.push(...r.failures);
  }
  failures.sort((a, b) => a.index - b.index);
  return { embeddings, mask, failed: failures.length, policy, failureReport: failureReportCsv(failures), failures };
}
