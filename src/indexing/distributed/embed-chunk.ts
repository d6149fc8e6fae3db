import type { Track } from '../../catalog/track.ts';
import type { AudioEncoder } from '../../retrieval/encoders/types.ts';
import { embedCatalogAudio } from '../audio/embed-catalog-audio.ts';
import type { ChunkResult } from './chunk-result.ts';
import { memoryCheckpoint } from './memory-checkpoint.ts';
import type { ChunkJob } from './protocol.ts';

export interface EmbedChunkOptions {
  audioRoot: string;
  ffmpegPath?: string;
  decodeTimeoutMs?: number;
}

/**
 * Embeds one chunk's tracks exactly as a single-process build embeds them (embedCatalogAudio:
 * decode → windows → audio tower, one request per track → pooled vector; unusable files become
 * failures), then numbers the failures by catalog row.
 */
export async function embedChunk(job: ChunkJob, encoder: AudioEncoder, opts: EmbedChunkOptions): Promise<ChunkResult> {
  // Only id and path matter to the audio path; the rest of a Track is text the worker never reads.
  const tracks: Track[] = job.tracks.map((t) => ({ id: t.id, ...(t.path !== undefined ? { path: t.path } : {}), tags: { mood: [], genre: [], instrument: [] }, caption: '', keywords: [] }));
  const cp = memoryCheckpoint(tracks.length, encoder.dim);
  await embedCatalogAudio(tracks, encoder, {
    audioRoot: opts.audioRoot,
    checkpoint: cp,
    silent: true,
    ...(opts.ffmpegPath ? { ffmpegPath: opts.ffmpegPath } : {}),
    ...(opts.decodeTimeoutMs ? { decodeTimeoutMs: opts.decodeTimeoutMs } : {}),
  });
  return {
    buildId: job.buildId,
    chunk: job.chunk,
    start: job.start,
    dim: encoder.dim,
    mask: [...cp.mask],
    failures: cp.failures.map((f) => ({ ...f, index: job.start + f.index })),
    rows: cp.embeddings.data,
  };
}
