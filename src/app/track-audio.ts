import { isAudioError } from '../audio/audio-error.ts';
import { resolveTrackAudio } from '../audio/audio-paths.ts';
import { findCachedClip } from '../audio/preview.ts';
import { resolveAudioRoot } from '../audio/recorded-audio-root.ts';
import type { Track } from '../catalog/track.ts';
import type { Logger } from '../logger.ts';

/** Where a result's audio is for playing it whole: its own file, else a cached preview clip. */
export type TrackAudio =
  | { kind: 'file'; file: string; track: Track; source: 'original' | 'low-quality' | 'preview' }
  | { kind: 'none'; why: 'no-audio' | 'gone'; track?: Track };

export interface TrackAudioSettings {
  /** AUDIO_ROOT when set; else the serving index's recorded folder. */
  audioRoot: string | undefined;
  previewCacheDir: string;
}

export interface TrackAudioIndex {
  dir: string;
  audioRoot: string | null;
  /** The serving catalog's track with this id, or undefined (e.g. gone after a /reload). */
  track(id: string): Track | undefined;
}

/**
 * Finds the audio of a track by id the way previews do (AUDIO_ROOT or the index's recorded folder,
 * the catalog path inside it, MTG-Jamendo's `.low` variant when the full file is missing), and
 * falls back to a preview clip the cache already holds when the file itself is not there. Never
 * throws: a track without audio is `{ kind: 'none' }`.
 */
export async function findTrackAudio(trackId: string, settings: TrackAudioSettings, index: TrackAudioIndex, logger: Logger): Promise<TrackAudio> {
  const track = index.track(trackId);
  if (!track) return { kind: 'none', why: 'gone' };
  const root = resolveAudioRoot(settings.audioRoot, index);
  if (root && track.path) {
    try {
      const found = await resolveTrackAudio(root, track.path);
      return { kind: 'file', file: found.file, track, source: found.lowQuality ? 'low-quality' : 'original' };
    } catch (err) {
      // Missing, unsafe or not a file: try the preview cache. Anything else is worth a log line.
      if (!isAudioError(err)) logger.warn({ err, trackId }, 'could not look up a track\'s audio file');
    }
  }
  const clip = await findCachedClip(track.id, settings.previewCacheDir).catch(() => undefined);
  if (clip) return { kind: 'file', file: clip, track, source: 'preview' };
  return { kind: 'none', why: 'no-audio', track };
}
