import type { Track } from '../../catalog/track.ts';
import { type ChunkJob, chunkResultKey, type ModelIdentity } from './protocol.ts';

/**
 * The catalog cut into chunks of consecutive rows, one job each. Every track is in one chunk:
 * a distributed build always embeds the whole catalog (its resume is the jobs kept in Redis).
 */
export function planChunks(tracks: readonly Track[], opts: { buildId: string; chunkSize: number; audioRoot: string; models: ModelIdentity }): ChunkJob[] {
  const chunks = Math.ceil(tracks.length / opts.chunkSize);
  return Array.from({ length: chunks }, (_, chunk) => {
    const start = chunk * opts.chunkSize;
    return {
      buildId: opts.buildId,
      chunk,
      chunks,
      start,
      tracks: tracks.slice(start, start + opts.chunkSize).map((t) => ({ id: t.id, ...(t.path !== undefined ? { path: t.path } : {}) })),
      audioRoot: opts.audioRoot,
      models: opts.models,
      resultKey: chunkResultKey(opts.buildId, chunk),
    };
  });
}
