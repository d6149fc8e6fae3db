import { createHash } from 'node:crypto';
import { z } from 'zod';

/**
 * What the assembler (`npm run index -- … --queue redis://…`) and the workers
 * (`npm run index-worker`) agree on: the queue, the job payload, where results go.
 */

/** One BullMQ queue for every distributed audio build; jobs carry their build id. */
export const AUDIO_QUEUE = 'cratedigger-audio';
export const CHUNK_JOB = 'embed-chunk';

/**
 * Chunk results live this long in Redis: long enough for an assembler to be restarted the next
 * day, short enough that an abandoned build does not keep its vectors forever.
 */
export const RESULT_TTL_SECONDS = 7 * 24 * 3600;

/** Failed chunks are tried this many times in all, waiting 2 s, 4 s, … between tries (BullMQ backoff). */
export const DEFAULT_ATTEMPTS = 3;
export const BACKOFF_DELAY_MS = 2000;

/**
 * A worker holds a job under a lock renewed every half of this; when it dies (kill -9, power
 * loss) the lock runs out and the next stalled check of any live worker puts the job back in the
 * queue. The encoder runs in a worker thread, so a long inference never delays the renewal.
 */
export const DEFAULT_LOCK_SECONDS = 30;
/** A chunk whose worker died this many times is failed rather than handed out again. */
export const MAX_STALLED = 3;

/** Everything about the models a worker must share with the assembler, or refuse the job. */
export const modelIdentitySchema = z.object({
  sbertModel: z.string(),
  clapModel: z.string(),
  dtype: z.enum(['q8', 'fp32']),
  /** modelFilesId(): the CLAP folder's fingerprint and its audio ONNX file's size. */
  modelFiles: z.string(),
  /** audioPolicy(): windows, pooling, batching — how vectors are made from the audio. */
  policy: z.record(z.string(), z.unknown()),
});
export type ModelIdentity = z.infer<typeof modelIdentitySchema>;

export const chunkJobSchema = z.object({
  buildId: z.string().regex(/^[0-9a-f]{16}$/),
  chunk: z.number().int().nonnegative(),
  chunks: z.number().int().positive(),
  /** Catalog row of the chunk's first track: rows are `start`, `start + 1`, … */
  start: z.number().int().nonnegative(),
  tracks: z.array(z.object({ id: z.string(), path: z.string().optional() })).min(1),
  /** The assembler's audio root (real path); a worker may map it to its own with --audio-root. */
  audioRoot: z.string(),
  models: modelIdentitySchema,
  /** Redis key the worker writes the chunk's result to. */
  resultKey: z.string(),
});
export type ChunkJob = z.infer<typeof chunkJobSchema>;

/** What a completed job returns (small: the vectors themselves are under resultKey). */
export interface ChunkJobResult {
  resultKey: string;
  bytes: number;
  embedded: number;
  failed: number;
  worker: string;
}

/** The build's identity: equal for the same catalog, audio root, models and chunking. A rerun reuses its jobs. */
export function buildIdOf(key: Record<string, unknown>): string {
  return createHash('sha256').update(JSON.stringify(key)).digest('hex').slice(0, 16);
}

/** BullMQ job ids must not be plain integers or contain ':'; this is neither. */
export const chunkJobId = (buildId: string, chunk: number) => `${buildId}-${String(chunk).padStart(6, '0')}`;
export const chunkResultKey = (buildId: string, chunk: number) => `cratedigger:audio-build:${buildId}:chunk:${chunk}`;
