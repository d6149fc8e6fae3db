import { UserError } from '../errors.ts';

/**
 * Why an audio file could not be used. The index build counts and reports these separately
 * (a silent file is a catalog problem, a timeout is a machine problem), so they are codes,
 * not just messages.
 */
export type AudioErrorCode =
  /** The file (or its `.low` variant) does not exist. */
  | 'missing'
  /** The path tries to leave the audio root (`../`, absolute, symlink out). */
  | 'unsafe-path'
  /** ffmpeg could not read it: not audio, corrupt, no audio stream. */
  | 'unreadable'
  /** Zero bytes, or decodes to zero samples. */
  | 'empty'
  /** Decodes, but every sample is (near) zero. */
  | 'silent'
  /** ffmpeg took longer than allowed and was killed. */
  | 'timeout'
  /** ffmpeg/ffprobe is not installed or not where FFMPEG_PATH/FFPROBE_PATH say. */
  | 'tool-missing'
  /** ffmpeg failed while writing (encoding); the reason is in the message. */
  | 'encode-failed';

export class AudioError extends UserError {
  override readonly name = 'AudioError';
  constructor(
    readonly code: AudioErrorCode,
    /** The file concerned (as given, or resolved). */
    readonly file: string,
    message: string,
    hint?: string,
  ) {
    super(message, hint);
  }
}

export function isAudioError(err: unknown, code?: AudioErrorCode): err is AudioError {
  return err instanceof AudioError && (code === undefined || err.code === code);
}
