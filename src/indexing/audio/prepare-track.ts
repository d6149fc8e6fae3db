import type { Track } from '../../catalog/track.ts';
import { isAudioError } from '../../audio/audio-error.ts';
import { resolveTrackAudio } from '../../audio/audio-paths.ts';
import { decodeAudio, type DecodeOptions } from '../../audio/decode.ts';
import { CLAP_WINDOW_POLICY, cutWindows, type WindowPolicy } from '../../audio/windows.ts';
import type { AudioFailure } from './failures.ts';

/** A track made ready for the model: its windows, or why it has none. */
export type PreparedTrack =
  | { kind: 'windows'; index: number; windows: Float32Array[]; decodeMs: number }
  | { kind: 'failed'; index: number; failure: AudioFailure; decodeMs: number }
  /** Not the track's fault (ffmpeg missing, stopped, a bug): the build must stop. */
  | { kind: 'fatal'; index: number; error: unknown };

export interface PrepareOptions extends Pick<DecodeOptions, 'ffmpegPath' | 'timeoutMs' | 'signal'> {
  audioRoot: string;
  policy?: WindowPolicy;
}

/**
 * Resolves a track's path under the audio root (refusing escapes before anything is read),
 * decodes it to 48 kHz mono and cuts the policy's windows. Never rejects: problems with the
 * file become a `failed` result, anything else a `fatal` one, so it can run ahead of use.
 */
export async function prepareTrack(track: Track, index: number, opts: PrepareOptions): Promise<PreparedTrack> {
  const started = performance.now();
  const policy = opts.policy ?? CLAP_WINDOW_POLICY;
  const fail = (reason: AudioFailure['reason'], message: string): PreparedTrack => ({
    kind: 'failed',
    index,
    failure: { index, trackId: track.id, path: track.path ?? '', reason, message },
    decodeMs: performance.now() - started,
  });
  if (!track.path) return fail('no-path', 'the catalog gives no audio path for this track');
  try {
    const { file } = await resolveTrackAudio(opts.audioRoot, track.path);
    const audio = await decodeAudio(file, {
      sampleRate: policy.sampleRate,
      ...(opts.ffmpegPath ? { ffmpegPath: opts.ffmpegPath } : {}),
      ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    // Copies, so the whole decoded track (58 MB for 5 minutes) is freed while windows wait.
    const windows = cutWindows(audio.samples, policy).map((w) => (w.buffer === audio.samples.buffer ? w.slice() : w));
    return { kind: 'windows', index, windows, decodeMs: performance.now() - started };
  } catch (err) {
    if (opts.signal?.aborted) return { kind: 'fatal', index, error: err };
    // A missing ffmpeg is the machine's problem, not the track's: every track would fail.
    if (isAudioError(err) && err.code !== 'tool-missing') return fail(err.code, err.message);
    return { kind: 'fatal', index, error: err };
  }
}
