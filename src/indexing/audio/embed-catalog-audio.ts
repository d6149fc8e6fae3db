import type { Track } from '../../catalog/track.ts';
import type { WindowPolicy } from '../../audio/windows.ts';
import type { AudioEncoder } from '../../retrieval/encoders/types.ts';
import { createProgress } from '../progress.ts';
import type { AudioCheckpoint } from './checkpoint.ts';
import { BuildInterrupted } from './interrupted.ts';
import { prepareTrack, type PreparedTrack } from './prepare-track.ts';
import { poolWindows } from './track-vector.ts';

export interface EmbedAudioOptions {
  audioRoot: string;
  checkpoint: AudioCheckpoint;
  /** Tracks decoded ahead while the current one is embedded (default 2: one ffmpeg per core). */
  prefetch?: number;
  /** When aborted: finish the current track, save the checkpoint, throw BuildInterrupted. */
  stop?: AbortSignal;
  policy?: WindowPolicy;
  decodeTimeoutMs?: number;
  ffmpegPath?: string;
  silent?: boolean;
  progressStream?: NodeJS.WriteStream;
}

export interface AudioRunStats {
  /** Tracks processed by this run (not restored from the checkpoint). */
  tracks: number;
  windows: number;
  /** Per processed track: resolve + decode + cut, in ms (runs ahead, overlapped with inference). */
  decodeMs: number[];
  /** Time spent waiting for the encoder (mel features + ONNX, in the worker). */
  embedMs: number;
  /** Time spent waiting for a decode that was not ready yet. */
  decodeWaitMs: number;
  wallMs: number;
}

/**
 * Embeds the audio of every track the checkpoint does not have yet, in catalog order: each
 * track's windows go to the encoder as one request of their own (the q8 models quantize over
 * the batch, so mixing tracks would make a row depend on its neighbours), pooled into one
 * vector, recorded in the checkpoint. The next tracks decode (ffmpeg) while one is embedded.
 * Tracks whose file is missing, unsafe, unreadable, empty or silent are recorded as failures.
 */
export async function embedCatalogAudio(tracks: readonly Track[], encoder: AudioEncoder, opts: EmbedAudioOptions): Promise<AudioRunStats> {
  const started = performance.now();
  const cp = opts.checkpoint;
  const todo: number[] = [];
  cp.done.forEach((d, i) => d || todo.push(i));
  const stats: AudioRunStats = { tracks: 0, windows: 0, decodeMs: [], embedMs: 0, decodeWaitMs: 0, wallMs: 0 };
  const prefetch = Math.max(1, opts.prefetch ?? 2);
  const decodes = new AbortController();
  const progress = createProgress({
    label: 'audio',
    total: tracks.length,
    start: cp.resumed,
    unit: 'tracks',
    silent: opts.silent,
    ...(opts.progressStream ? { stream: opts.progressStream } : {}),
  });
  progress.tick(0, cp.failures.length);

  const queue: Promise<PreparedTrack>[] = [];
  let next = 0;
  const fill = (): void => {
    while (queue.length < prefetch && next < todo.length) {
      const index = todo[next++]!;
      queue.push(
        prepareTrack(tracks[index]!, index, {
          audioRoot: opts.audioRoot,
          signal: decodes.signal,
          ...(opts.policy ? { policy: opts.policy } : {}),
          ...(opts.decodeTimeoutMs ? { timeoutMs: opts.decodeTimeoutMs } : {}),
          ...(opts.ffmpegPath ? { ffmpegPath: opts.ffmpegPath } : {}),
        }),
      );
    }
  };

  try {
    fill();
    while (queue.length > 0 && !opts.stop?.aborted) {
      const waitStart = performance.now();
      const prepared = await queue.shift()!;
      stats.decodeWaitMs += performance.now() - waitStart;
      fill();
      if (prepared.kind === 'fatal') throw prepared.error;
      stats.decodeMs.push(prepared.decodeMs);
      if (prepared.kind === 'failed') {
        await cp.record(prepared.index, prepared.failure);
      } else {
        const t = performance.now();
        const rows = await encoder.embedWindows(prepared.windows);
        stats.embedMs += performance.now() - t;
        stats.windows += prepared.windows.length;
        const vector = poolWindows(rows);
        const track = tracks[prepared.index]!;
        await cp.record(
          prepared.index,
          vector ?? { index: prepared.index, trackId: track.id, path: track.path ?? '', reason: 'no-vector', message: 'the model returned no usable vector (NaN or zero)' },
        );
      }
      stats.tracks++;
      progress.tick(1, cp.failures.length);
    }
    await cp.flush();
  } catch (err) {
    // Keep what is done: the rerun continues from here once the cause is fixed.
    await cp.flush().catch(() => undefined);
    throw err;
  } finally {
    decodes.abort();
    progress.stop();
    stats.wallMs = performance.now() - started;
  }
  if (opts.stop?.aborted && cp.done.some((d) => !d)) {
    throw new BuildInterrupted(cp.done.reduce((s, d) => s + d, 0), tracks.length, cp.dir);
  }
  return stats;
}
