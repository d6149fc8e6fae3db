import type { Track } from '../../catalog/track.ts';
import type { FfmpegTools } from '../../audio/ffmpeg-process.ts';
import { buildPreviews, type BuildPreviewsReport } from '../../audio/preview.ts';
import { createProgress } from '../progress.ts';

export interface PrebuildPreviewsOptions extends FfmpegTools {
  audioRoot: string;
  cacheDir: string;
  excerptSec?: number;
  concurrency?: number;
  silent?: boolean;
  signal?: AbortSignal;
}

/**
 * Makes every track's preview clip ahead of time (the bot then attaches it without waiting for
 * ffmpeg), with a progress bar whose failure count is the tracks left without a clip.
 */
export async function prebuildPreviews(tracks: readonly Track[], opts: PrebuildPreviewsOptions): Promise<BuildPreviewsReport> {
  const progress = createProgress({ label: 'previews', total: tracks.length, unit: 'tracks', silent: opts.silent });
  let none = 0;
  try {
    return await buildPreviews(tracks, {
      audioRoot: opts.audioRoot,
      cacheDir: opts.cacheDir,
      ...(opts.ffmpegPath ? { ffmpegPath: opts.ffmpegPath } : {}),
      ...(opts.ffprobePath ? { ffprobePath: opts.ffprobePath } : {}),
      ...(opts.excerptSec ? { excerptSec: opts.excerptSec } : {}),
      ...(opts.concurrency ? { concurrency: opts.concurrency } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
      onProgress: (_done, _total, _id, result) => {
        if (result.kind === 'none') none++;
        progress.tick(1, none);
      },
    });
  } finally {
    progress.stop();
  }
}
