import { formatDuration } from '../catalog/filters.ts';
import type { Track } from '../catalog/track.ts';
import type { FfmpegTools } from '../audio/ffmpeg-process.ts';
import { getPreview, type PreviewClip, type PreviewResult } from '../audio/preview.ts';
import { evictLeastRecentlyUsed, touchClip } from '../audio/preview-cache-limit.ts';
import { resolveAudioRoot } from '../audio/recorded-audio-root.ts';
import type { Logger } from '../logger.ts';
import { hideHostPaths } from './host-paths.ts';

/** What the bot attaches for a track: a file, or the reason there is none — each with the line the embed shows. */
export type PreviewOutcome =
  | { kind: 'clip'; file: string; filename: string; bytes: number; note: string }
  | { kind: 'none'; note: string };

export interface PreviewProvider {
  /** The preview of `track` that fits `limitBytes` (the interaction's upload limit). Never throws. */
  forTrack(track: Track, limitBytes: number, rank?: number): Promise<PreviewOutcome>;
}

export interface PreviewSettings {
  /** AUDIO_ROOT when set; it wins over the index's recorded root. */
  audioRoot: string | undefined;
  cacheDir: string;
  /** PREVIEW_CACHE_MAX_MB in bytes: past it, the least recently used clips are deleted. */
  cacheMaxBytes: number;
  excerptSec: number;
  /** FFMPEG_PATH and FFPROBE_PATH (unset: the ones on PATH). */
  tools?: FfmpegTools;
}

/** The embed's line about the preview of result #rank. Pure. */
export function previewNote(result: PreviewResult, rank = 1): string {
  if (result.kind === 'none') return `🔇 No preview of #${rank}: ${result.reason}.`.replace(/\.\.$/, '.');
  const what = !result.derived
    ? 'the original file (its licence allows no excerpts)'
    : result.startSec !== undefined && result.startSec > 0
      ? `a ${formatDuration(result.durationSec)} excerpt`
      : `the whole track (${formatDuration(result.durationSec)})`;
  return `🔊 Preview of #${rank} attached: ${what}.`;
}

/**
 * The preview cache is an LRU within its size limit: a clip served from it counts as used; a new
 * one may push the least recently used out (never itself). A failure here never costs the clip.
 */
async function keepCacheBounded(clip: PreviewClip, settings: PreviewSettings, logger: Logger): Promise<void> {
  try {
    if (clip.cached) return await touchClip(clip.file);
    const removed = await evictLeastRecentlyUsed(settings.cacheDir, settings.cacheMaxBytes, clip.file);
    if (removed.clips) logger.debug({ ...removed, limitBytes: settings.cacheMaxBytes }, 'preview cache trimmed');
  } catch (err) {
    logger.warn({ err }, 'could not trim the preview cache');
  }
}

export function createPreviewProvider(settings: PreviewSettings, currentIndex: () => { dir: string; audioRoot: string | null }, logger: Logger): PreviewProvider {
  return {
    async forTrack(track, limitBytes, rank = 1) {
      const root = resolveAudioRoot(settings.audioRoot, currentIndex());
      if (!root) return { kind: 'none', note: `🔇 No preview of #${rank}: this index has no audio files (set AUDIO_ROOT).` };
      try {
        const result = await getPreview(track, {
          ...settings.tools,
          audioRoot: root,
          cacheDir: settings.cacheDir,
          limitBytes,
          excerptSec: settings.excerptSec,
        });
        // Reasons may name files by their real path; the embed is public, so paths are relative.
        const note = hideHostPaths(previewNote(result, rank), [{ dir: root, as: 'the audio folder' }]);
        if (result.kind === 'none') {
          logger.debug({ trackId: track.id, reason: result.reason }, 'no preview clip');
          return { kind: 'none', note };
        }
        if (result.derived) await keepCacheBounded(result, settings, logger);
        return { kind: 'clip', file: result.file, filename: result.filename, bytes: result.bytes, note };
      } catch (err) {
        logger.warn({ err, trackId: track.id }, 'preview clip failed');
        return { kind: 'none', note: `🔇 No preview of #${rank}: the clip could not be made right now.` };
      }
    },
  };
}
